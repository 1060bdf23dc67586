"""k-of-n confirmation: several gateways vouch for one terminal's punch batches (issue #4).

A single gateway holding a device key can invent attendance, and so pay. With
a quorum, the device the statute registers is a `ReporterQuorum` contract
(ERC-1271): a batch counts as the device's only when `threshold` distinct
registered reporters — independent gateways that each receive the terminal's
records — signed its EIP-712 digest. The contract accepts the signatures
concatenated in increasing signer order; `QuorumSigner` gathers and orders them.

A co-signature is worth something only if the co-signer checks what it signs.
So a peer gateway (`Witness`, served over HTTP by `CosignServer`) signs a
batch only when every punch in it is one it received itself: it looks each
dedupe key up in its own outbox, rebuilds the batch digest from its own
records and the statute's EIP-712 domain, and refuses a key it never saw or a
digest that is not that batch's. The request therefore carries the batch's
keys and sequence number besides the digest (`CosignRequest`).

Roles: the submitting gateway signs with its own reporter key (`KeyCosigner`:
its submitter batches only punches from its own outbox) and asks peers
(`PeerCosigner`, or a `Witness` in the same process) for the rest.
`connect_quorum` builds that signer for `oracle serve` from the quorum's own
`threshold()` and `reporters()`, so the gateway's options cannot disagree
with the contract.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from coincurve import PublicKey
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.contract import Contract

from chain.accounts import AUTHORITY, label_address
from chain.client import Chain
from chain.contract import ContractClient
from chain.rpc import Rpc
from chain.signing import BatchNotSigned, DeviceKey, Domain, batch_digest
from compiler.artifacts import Artifact, compile_statutes

from .batches import signed_punch
from .http_service import BackgroundServer, KeepAliveHandler
from .outbox import Outbox

log = logging.getLogger("oracles.quorum")

SIGNATURE_LENGTH = 65
MAX_REQUEST = 1 << 20  # bytes: a batch of thousands of keys is well under it


class CosignRefused(RuntimeError):
    """A co-signer would not sign the batch; the message says why (a key it never received, …)."""


class QuorumNotReached(BatchNotSigned):
    """Fewer than `threshold` co-signers signed; the message lists every refusal. The submitter
    holds the batch's punches back and offers them again later (a peer may receive them late)."""


class QuorumMisconfigured(ValueError):
    """`connect_quorum` found the quorum unusable as given (no contract, a threshold out of reach)."""


# ---------------------------------------------------------------- deployment


def quorum_artifact() -> Artifact:
    """`ReporterQuorum`, compiled with the other hand-written contracts (cached by source hash)."""
    return compile_statutes([])["ReporterQuorum"]


def deploy_quorum(
    chain: Chain, reporters: Sequence[str], threshold: int, artifact: Artifact | None = None, authority: str = AUTHORITY
) -> Contract:
    """Deploy a `ReporterQuorum` of `reporters` (addresses) needing `threshold` of them.

    The authority (the same label that registers devices) holds its AUTHORITY_ROLE. Register the
    returned address as the device with the statute's `registerDevice` *after* this deployment, and
    have the employer `acceptDevice` it: the statute records at acceptance, once, that the device is
    a contract.
    """
    artifact = artifact or quorum_artifact()
    return chain.deploy(
        authority,
        artifact.abi,
        artifact.bytecode,
        chain.address(authority),
        [to_checksum_address(r) for r in reporters],
        threshold,
    )


def statute_domain(statute: ContractClient) -> Domain:
    """The EIP-712 domain a statute's batch digests are computed in, read from `eip712Domain()`."""
    _, name, version, chain_id, verifying, _, _ = statute.view("eip712Domain")
    return Domain(name, version, chain_id, to_checksum_address(verifying))


def recover(digest: bytes, signature: bytes) -> str:
    """The address that made a 65-byte (r, s, v) signature of `digest` (v = 27 or 28)."""
    if len(signature) != SIGNATURE_LENGTH or signature[64] not in (27, 28):
        raise ValueError("not a 65-byte signature with v = 27 or 28")
    public = PublicKey.from_signature_and_message(signature[:64] + bytes([signature[64] - 27]), digest, hasher=None)
    return to_checksum_address(keccak(public.format(compressed=False)[1:])[-20:])


# ---------------------------------------------------------------- requests


@dataclass(frozen=True)
class CosignRequest:
    """What a co-signer is asked to sign: a batch's digest and what lets it check the batch."""

    device: str  # the quorum's address, which the batch names as its device
    sequence: int | None  # the batch's sequence number (None: a bare digest, which peers refuse)
    keys: tuple[str, ...]  # dedupe keys of the batch's punches, in batch order
    digest: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "sequence": self.sequence,
            "keys": list(self.keys),
            "digest": "0x" + self.digest.hex(),
        }

    @classmethod
    def from_json(cls, data: object) -> CosignRequest:
        """Parse a request body; `ValueError` with the field at fault for anything malformed."""
        if not isinstance(data, dict):
            raise ValueError("the request must be a JSON object")
        device, sequence, keys, digest = (data.get(f) for f in ("device", "sequence", "keys", "digest"))
        if not isinstance(device, str):
            raise ValueError("'device' must be an address")
        if sequence is not None and (not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0):
            raise ValueError("'sequence' must be a whole number")
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ValueError("'keys' must be a list of dedupe keys")
        if not isinstance(digest, str) or len(digest) != 66 or not digest.startswith("0x"):
            raise ValueError("'digest' must be 32 bytes as 0x-prefixed hex")
        try:
            return cls(to_checksum_address(device), sequence, tuple(keys), bytes.fromhex(digest[2:]))
        except ValueError as exc:
            raise ValueError(f"bad device or digest: {exc}") from exc


class Cosigner(Protocol):
    """Anything that may sign a batch digest for the quorum (or refuse with `CosignRefused`)."""

    def cosign(self, request: CosignRequest) -> bytes: ...


class KeyCosigner:
    """The submitting gateway's own reporter key: it batches only punches it received itself."""

    def __init__(self, key: bytes) -> None:
        self._key = DeviceKey(key)
        self.address = self._key.address

    def cosign(self, request: CosignRequest) -> bytes:
        return self._key.sign(request.digest)


class PeerCosigner:
    """A peer gateway's `CosignServer`, over HTTP."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/") + "/cosign"
        self.timeout = timeout
        self._session = requests.Session()

    def cosign(self, request: CosignRequest) -> bytes:
        try:
            response = self._session.post(self.url, json=request.to_json(), timeout=self.timeout)
            answer = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise CosignRefused(f"{self.url}: no answer ({exc})") from exc
        if response.status_code != 200 or not isinstance(answer, dict) or "signature" not in answer:
            error = answer.get("error") if isinstance(answer, dict) else None
            raise CosignRefused(f"{self.url}: {error or f'HTTP {response.status_code} without a signature'}")
        try:
            return bytes.fromhex(str(answer["signature"]).removeprefix("0x"))
        except ValueError as exc:
            raise CosignRefused(f"{self.url}: the signature is not hex") from exc


# ---------------------------------------------------------------- the submitting side


class QuorumSigner:
    """Signs batches for a `ReporterQuorum` device: `address` is the quorum's, `sign` gathers
    `threshold` co-signatures and returns them concatenated in increasing signer order.

    Co-signers are asked in the order given until `threshold` distinct reporters have
    signed; a refusal or an unreachable peer only moves on to the next one. With
    `reporters` (the quorum's `reporters()`), a signature by anyone else counts as a
    refusal here rather than as a batch the contract reverts later.
    """

    def __init__(
        self, address: str, cosigners: Sequence[Cosigner], threshold: int, reporters: Collection[str] | None = None
    ) -> None:
        if not 0 < threshold <= len(cosigners):
            raise ValueError(f"a threshold of {threshold} cannot be met by {len(cosigners)} co-signer(s)")
        self.address = to_checksum_address(address)
        self.cosigners = list(cosigners)
        self.threshold = threshold
        self.reporters = None if reporters is None else {to_checksum_address(r) for r in reporters}

    def sign(self, digest: bytes, sequence: int | None = None, keys: Sequence[str] = ()) -> bytes:
        """The quorum's signature of `digest`; peers also need the batch's `sequence` and `keys`."""
        return self.sign_request(CosignRequest(self.address, sequence, tuple(keys), digest))

    def sign_request(self, request: CosignRequest) -> bytes:
        signatures: dict[str, bytes] = {}
        refusals: list[str] = []
        for cosigner in self.cosigners:
            if len(signatures) == self.threshold:
                break
            try:
                signature = cosigner.cosign(request)
                signer = recover(request.digest, signature)
                if self.reporters is not None and signer not in self.reporters:
                    raise CosignRefused(f"signed by {signer}, who is not a registered reporter")
                signatures.setdefault(signer, signature)
            except (CosignRefused, ValueError) as exc:
                log.warning("co-signature refused: %s", exc)
                refusals.append(str(exc))
        if len(signatures) < self.threshold:
            raise QuorumNotReached(
                f"{len(signatures)} of {self.threshold} signatures for batch "
                f"{request.sequence} of {request.device}: " + "; ".join(refusals)
            )
        ordered = sorted(signatures.items(), key=lambda item: int(item[0], 16))
        return b"".join(signature for _, signature in ordered)


def connect_quorum(rpc: Rpc, address: str, reporter_key: bytes | None, peers: Sequence[str]) -> QuorumSigner:
    """The signer of a gateway whose device is the `ReporterQuorum` at `address`: its own
    `reporter_key` first (if any), then each peer's `oracle cosign` URL, in the order given.

    The threshold and the reporter set are read from the contract, and checked here, at start:
    `QuorumMisconfigured` when there is no contract at `address`, when the own key is not one of
    its reporters, or when the co-signers given are fewer than its threshold.
    """
    address = to_checksum_address(address)
    if rpc.call("eth_getCode", address, "latest") in ("0x", "0x0"):
        raise QuorumMisconfigured(f"no contract at {address}: deploy the ReporterQuorum there first")
    quorum = ContractClient(rpc, address, quorum_artifact().abi)
    threshold = quorum.view("threshold")
    reporters = {to_checksum_address(r) for r in quorum.view("reporters")}
    cosigners: list[Cosigner] = []
    if reporter_key is not None:
        own = KeyCosigner(reporter_key)
        if own.address not in reporters:
            raise QuorumMisconfigured(f"the reporter key's address {own.address} is not a reporter of {address}")
        cosigners.append(own)
    cosigners += [PeerCosigner(url) for url in peers]
    if threshold > len(cosigners):
        raise QuorumMisconfigured(
            f"quorum {address} needs {threshold} of its {len(reporters)} reporters, but only "
            f"{len(cosigners)} co-signer(s) were given (own key and peers)"
        )
    return QuorumSigner(address, cosigners, threshold, reporters)


# ---------------------------------------------------------------- the peer side


class Witness:
    """A peer gateway's judgement: sign a batch only if every punch in it is in its own outbox.

    `outbox` is the peer's own (shared with its receiver when `oracle cosign --config` runs one;
    WAL lets it read beside another process writing the file). `employee_address` maps an
    employee label to the address the batch carries (the dev default is the submitter's);
    `domain` is the statute's EIP-712 domain (`statute_domain`).
    """

    def __init__(
        self,
        outbox: Outbox,
        domain: Domain,
        quorum: str,
        key: bytes,
        employee_address: Callable[[str], str] = label_address,
    ) -> None:
        self.outbox = outbox
        self.domain = domain
        self.quorum = to_checksum_address(quorum)
        self._key = DeviceKey(key)
        self.address = self._key.address
        self.employee_address = employee_address

    def cosign(self, request: CosignRequest) -> bytes:
        if request.device != self.quorum:
            raise CosignRefused(f"this gateway co-signs for quorum {self.quorum}, not {request.device}")
        if request.sequence is None or not request.keys:
            raise CosignRefused("the request names no batch: a sequence number and its punches' keys are needed")
        received = self.outbox.find(request.keys)
        missing = [key for key in request.keys if key not in received]
        if missing:
            raise CosignRefused(
                f"never received punch {missing[0]}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            )
        punches = [received[key] for key in request.keys]
        signed = [signed_punch(p, self.employee_address(p.employee)) for p in punches]
        digest = batch_digest(self.domain, self.quorum, request.sequence, signed)
        if digest != request.digest:
            raise CosignRefused(f"the digest is not that of batch {request.sequence} of these punches")
        log.info("co-signed batch %d of %s (%d punches)", request.sequence, self.quorum, len(punches))
        return self._key.sign(digest)


class _CosignHandler(KeepAliveHandler):
    """`POST /cosign` with a `CosignRequest` as JSON → 200 `{signature, reporter}`, or an error."""

    server: CosignServer

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/cosign":
            return self._reply(404, {"error": f"no such endpoint {self.path}; POST /cosign"})
        length = self.headers.get("Content-Length", "")
        if not length.isdigit() or int(length) > MAX_REQUEST:
            return self._reply(400, {"error": f"a Content-Length of at most {MAX_REQUEST} bytes is required"})
        try:
            request = CosignRequest.from_json(json.loads(self.rfile.read(int(length))))
        except ValueError as exc:  # json.JSONDecodeError is one
            return self._reply(400, {"error": f"malformed request: {exc}"})
        witness = self.server.witness
        try:
            signature = witness.cosign(request)
        except CosignRefused as exc:
            log.warning("refused to co-sign batch %s of %s: %s", request.sequence, request.device, exc)
            return self._reply(403, {"error": str(exc)})
        self._reply(200, {"signature": "0x" + signature.hex(), "reporter": witness.address})

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self.reply(status, "application/json", json.dumps(body).encode())


class CosignServer(BackgroundServer):
    """A peer gateway's co-signing endpoint on a TCP port (0: any free one; see `port`)."""

    thread_name = "cosign"

    def __init__(self, witness: Witness, host: str = "0.0.0.0", port: int = 8082) -> None:
        super().__init__((host, port), _CosignHandler)
        self.witness = witness
