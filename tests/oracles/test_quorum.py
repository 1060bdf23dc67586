"""k-of-n confirmation: a `ReporterQuorum` registered as the device, gateways co-signing its batches.

A 2-of-3 quorum stands for terminal gate-1. A batch it signed with two
registered reporters is paid as the reference interpreter pays it; every
other signature set (one reporter, one reporter twice, an unregistered one,
a forgery) reverts the batch with `InvalidDeviceSignature`. A peer gateway
co-signs only punches it received itself.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from eth_account import Account
from eth_utils import to_checksum_address

from chain.accounts import AUTHORITY, GATEWAY, account_key, label_address
from chain.anvil import LocalAnvil
from chain.client import Chain, Reverted
from chain.contract import ContractClient
from chain.rpc import Rpc
from chain.signing import Domain, SignedPunch, batch_digest, sign_digest
from lawdsl.load import load_statute
from oracles.batches import punch_ref
from oracles.devices.records import CanonicalPunch
from oracles.devices.simulator import simulated_config
from oracles.gateway import DEFAULT_LAW, Site, audit, provision
from oracles.outbox import Outbox
from oracles.quorum import (
    CosignRequest,
    CosignServer,
    KeyCosigner,
    PeerCosigner,
    QuorumNotReached,
    QuorumSigner,
    Witness,
    deploy_quorum,
    quorum_artifact,
    recover,
    statute_domain,
)
from tests.oracles.test_gateway_e2e import ROOT, lawdsl

pytestmark = pytest.mark.chain

SITE = dt.timezone(dt.timedelta(hours=8))
REPORTERS = [account_key(f"reporter-{n}") for n in (1, 2, 3)]
OUTSIDER = account_key("reporter-outsider")
CONFIG = simulated_config(employees=2, devices=1)


def address(key: bytes) -> str:
    return Account.from_key(key).address


@pytest.fixture(scope="module")
def node() -> Iterator[LocalAnvil]:
    with LocalAnvil(timestamp=int(time.time())) as anvil:
        yield anvil


@pytest.fixture(scope="module")
def deployed(node: LocalAnvil) -> tuple[Site, str]:
    """The site's statute, and a 2-of-3 quorum registered as a device of the site's employer."""
    chain = Chain(node.url)
    site = provision(chain, load_statute(DEFAULT_LAW), CONFIG)
    quorum = deploy_quorum(chain, [address(key) for key in REPORTERS], threshold=2)
    statute = chain.w3.eth.contract(address=site.address, abi=site.abi)
    chain.transact(AUTHORITY, statute.functions.registerDevice(quorum.address, chain.address(site.employer)))
    chain.transact(site.employer, statute.functions.acceptDevice(quorum.address))
    return site, quorum.address


@pytest.fixture
def chain(node: LocalAnvil, deployed: tuple[Site, str]) -> Iterator[Chain]:
    """The deployed chain, reverted after the test."""
    chain = Chain(node.url)
    snapshot = chain.snapshot()
    yield chain
    chain.revert(snapshot)


def shift() -> list[CanonicalPunch]:
    """emp-0001's 12-hour Monday shift on gate-1: 4 hours of overtime at 150%."""
    return [
        CanonicalPunch("SIM0001", "gate-1", "emp-0001", dt.datetime(2026, 9, 7, hour, tzinfo=SITE), kind, "test")
        for hour, kind in ((8, "in"), (20, "out"))
    ]


def outbox_with(path: Path, punches: list[CanonicalPunch]) -> Path:
    """A gateway's outbox that has received `punches`."""
    with Outbox(path) as outbox:
        for punch in punches:
            outbox.add(punch)
    return path


def signed(punches: list[CanonicalPunch]) -> list[SignedPunch]:
    return [
        SignedPunch(label_address(p.employee), int(p.at.timestamp()), p.kind == "in", punch_ref(p)) for p in punches
    ]


class Statute:
    """The statute contract as a relayer sees it: digests, and batches sent with a signature."""

    def __init__(self, node: LocalAnvil, chain: Chain, site: Site, quorum: str) -> None:
        self.chain = chain
        chain.register_errors(site.abi)
        self.client = ContractClient(Rpc(node.url), site.address, site.abi)
        self.domain: Domain = statute_domain(self.client)
        self.quorum = quorum

    def digest(self, punches: list[CanonicalPunch], sequence: int = 0) -> bytes:
        return batch_digest(self.domain, self.quorum, sequence, signed(punches))

    def submit(self, punches: list[CanonicalPunch], signature: bytes, sequence: int = 0) -> None:
        data = self.client.data(
            "submitPunches", (self.quorum, sequence, [p.as_tuple() for p in signed(punches)]), signature
        )
        self.chain.send(GATEWAY, self.client.address, "0x" + data.hex())


@pytest.fixture
def statute(node: LocalAnvil, chain: Chain, deployed: tuple[Site, str]) -> Statute:
    return Statute(node, chain, *deployed)


def test_a_batch_two_of_three_reporters_signed_is_paid_as_the_interpreter_pays(
    tmp_path: Path, node: LocalAnvil, deployed: tuple[Site, str], statute: Statute
) -> None:
    site, quorum = deployed
    punches = shift()
    own = outbox_with(tmp_path / "a.db", punches)
    witness = Witness(Outbox(outbox_with(tmp_path / "b.db", punches)), statute.domain, quorum, REPORTERS[1])
    with CosignServer(witness, "127.0.0.1", 0) as peer:
        signer = QuorumSigner(
            quorum, [KeyCosigner(REPORTERS[0]), PeerCosigner(f"http://127.0.0.1:{peer.port}")], threshold=2
        )
        digest = statute.digest(punches)
        signature = signer.sign(digest, 0, [p.key for p in punches])
    assert len(signature) == 2 * 65
    statute.submit(punches, signature)

    assert statute.client.view("nextSequence", quorum) == 1
    with Outbox(own) as outbox:  # what the submitter does on the receipt, so that `audit` reads them
        keys = [p.key for p in punches]
        outbox.mark_sent(keys, "0x" + "00" * 32)
        outbox.mark_confirmed(keys, 1)
    result = audit(site, node.url, own)
    assert result.matches and result.total_paid == 4 * 4000 * 3 // 2


@pytest.mark.parametrize(
    "signers",
    [
        pytest.param(lambda digest: [sign_digest(REPORTERS[0], digest)], id="one signature of two"),
        pytest.param(lambda digest: [sign_digest(REPORTERS[0], digest)] * 2, id="one reporter twice"),
        pytest.param(
            lambda digest: [sign_digest(REPORTERS[0], digest), sign_digest(OUTSIDER, digest)],
            id="an unregistered reporter",
        ),
        pytest.param(
            lambda digest: [sign_digest(REPORTERS[0], digest), sign_digest(REPORTERS[1], bytes(32))],
            id="a signature of another digest",
        ),
        pytest.param(
            lambda digest: [
                sign_digest(REPORTERS[0], digest),
                sign_digest(REPORTERS[1], digest)[:40] + b"\x01" * 24 + b"\x1b",
            ],
            id="a forged signature",
        ),
        pytest.param(lambda digest: [b"\x00" * 65] * 2, id="zero signatures"),
        pytest.param(
            lambda digest: [sign_digest(REPORTERS[0], digest), sign_digest(REPORTERS[1], digest)[:64]],
            id="a truncated signature",
        ),
    ],
)
def test_a_batch_without_two_distinct_registered_reporters_reverts(statute: Statute, signers) -> None:
    punches = shift()
    digest = statute.digest(punches)
    signatures = sorted(signers(digest), key=_signer_order(digest))
    with pytest.raises(Reverted) as refused:
        statute.submit(punches, b"".join(signatures))
    assert refused.value.error == "InvalidDeviceSignature"
    assert [to_checksum_address(a) for a in refused.value.arguments] == [statute.quorum]
    assert statute.client.view("nextSequence", statute.quorum) == 0


def _signer_order(digest: bytes):
    """Signatures in increasing signer order where they recover (as the quorum requires), so that
    each case fails for its own reason and not for its order."""

    def key(signature: bytes) -> int:
        try:
            return int(recover(digest, signature), 16)
        except ValueError:
            return 0

    return key


def test_signatures_out_of_signer_order_revert(statute: Statute) -> None:
    """Strictly increasing signers is what makes a duplicate impossible; the quorum insists on it."""
    punches = shift()
    digest = statute.digest(punches)
    signatures = sorted((sign_digest(key, digest) for key in REPORTERS[:2]), key=_signer_order(digest), reverse=True)
    with pytest.raises(Reverted, match="InvalidDeviceSignature"):
        statute.submit(punches, b"".join(signatures))


def test_a_peer_refuses_to_cosign_a_punch_it_never_received(tmp_path: Path, statute: Statute) -> None:
    punches = shift()
    keys = [p.key for p in punches]
    digest = statute.digest(punches)
    # Peer b received only the clock-in; peer c received both.
    b = Witness(Outbox(outbox_with(tmp_path / "b.db", punches[:1])), statute.domain, statute.quorum, REPORTERS[1])
    c = Witness(Outbox(outbox_with(tmp_path / "c.db", punches)), statute.domain, statute.quorum, REPORTERS[2])
    with CosignServer(b, "127.0.0.1", 0) as server:
        url = f"http://127.0.0.1:{server.port}"
        answer = requests.post(
            f"{url}/cosign", json=CosignRequest(statute.quorum, 0, tuple(keys), digest).to_json(), timeout=10
        )
        assert answer.status_code == 403 and answer.json()["error"] == f"never received punch {keys[1]}"
        with pytest.raises(QuorumNotReached, match="1 of 2 signatures for batch 0"):
            QuorumSigner(statute.quorum, [KeyCosigner(REPORTERS[0]), PeerCosigner(url)], 2).sign(digest, 0, keys)
        # Another peer that has the punch makes up the quorum, and the batch is accepted.
        signature = QuorumSigner(statute.quorum, [KeyCosigner(REPORTERS[0]), PeerCosigner(url), c], 2).sign(
            digest, 0, keys
        )
    statute.submit(punches, signature)
    assert statute.client.view("nextSequence", statute.quorum) == 1


def test_a_peer_signs_only_the_digest_of_the_batch_it_was_shown(tmp_path: Path, statute: Statute) -> None:
    punches = shift()
    keys = tuple(p.key for p in punches)
    witness = Witness(Outbox(outbox_with(tmp_path / "b.db", punches)), statute.domain, statute.quorum, REPORTERS[1])
    with CosignServer(witness, "127.0.0.1", 0) as server:
        url = f"http://127.0.0.1:{server.port}/cosign"
        other = statute.digest(punches, sequence=5)  # a digest of the same punches for another sequence
        refused = requests.post(url, json=CosignRequest(statute.quorum, 0, keys, other).to_json(), timeout=10)
        assert refused.status_code == 403 and "not that of batch 0" in refused.json()["error"]
        bare = requests.post(url, json=CosignRequest(statute.quorum, None, (), other).to_json(), timeout=10)
        assert bare.status_code == 403 and "names no batch" in bare.json()["error"]
        malformed = requests.post(url, data=b"{not json", timeout=10)
        assert malformed.status_code == 400 and malformed.json()["error"].startswith("malformed request")
        ok = requests.post(
            url, json=CosignRequest(statute.quorum, 0, keys, statute.digest(punches)).to_json(), timeout=10
        )
        assert ok.status_code == 200 and ok.json()["reporter"] == address(REPORTERS[1])


def test_only_the_authority_manages_reporters_within_the_rules(chain: Chain, deployed: tuple[Site, str]) -> None:
    _, quorum_address = deployed
    quorum = chain.w3.eth.contract(address=quorum_address, abi=quorum_artifact().abi)
    chain.register_errors(quorum_artifact().abi)

    def refused(call, label: str = AUTHORITY) -> tuple[str, tuple]:
        with pytest.raises(Reverted) as error:
            chain.transact(label, call)
        return error.value.error, tuple(
            to_checksum_address(a) if isinstance(a, str) else a for a in error.value.arguments
        )

    assert refused(quorum.functions.setThreshold(0)) == ("ThresholdZero", ())
    assert refused(quorum.functions.setThreshold(4)) == ("ThresholdAboveReporterCount", (4, 3))
    assert refused(quorum.functions.addReporter(address(REPORTERS[0]))) == (
        "ReporterAlreadyRegistered",
        (address(REPORTERS[0]),),
    )
    assert refused(quorum.functions.removeReporter(address(OUTSIDER))) == (
        "ReporterNotRegistered",
        (address(OUTSIDER),),
    )
    assert refused(quorum.functions.addReporter(address(OUTSIDER)), GATEWAY)[0] == "AccessControlUnauthorizedAccount"

    chain.transact(AUTHORITY, quorum.functions.setThreshold(3))
    assert refused(quorum.functions.removeReporter(address(REPORTERS[2]))) == ("ThresholdAboveReporterCount", (3, 2))
    added = chain.transact(AUTHORITY, quorum.functions.addReporter(address(OUTSIDER)))
    assert quorum.events.ReporterAdded().process_log(added.logs[0])["args"]["reporter"] == address(OUTSIDER)
    removed = chain.transact(AUTHORITY, quorum.functions.removeReporter(address(REPORTERS[2])))
    assert quorum.events.ReporterRemoved().process_log(removed.logs[0])["args"]["reporter"] == address(REPORTERS[2])
    changed = chain.transact(AUTHORITY, quorum.functions.setThreshold(2))
    assert dict(quorum.events.ThresholdChanged().process_log(changed.logs[0])["args"]) == {
        "previous": 3,
        "threshold": 2,
    }
    assert sorted(quorum.functions.reporters().call()) == sorted(
        [address(REPORTERS[0]), address(REPORTERS[1]), address(OUTSIDER)]
    )
    assert quorum.functions.reporterCount().call() == 3


def test_a_quorum_signer_needs_a_threshold_its_cosigners_can_meet() -> None:
    with pytest.raises(ValueError, match="threshold of 3 cannot be met by 2"):
        QuorumSigner("0x" + "11" * 20, [KeyCosigner(REPORTERS[0]), KeyCosigner(REPORTERS[1])], 3)


def test_oracle_cosign_serves_a_peer_gateway_from_its_outbox(
    tmp_path: Path, node: LocalAnvil, statute: Statute
) -> None:
    """`lawdsl oracle cosign` as a process: the peer endpoint a remote gateway's quorum signer asks."""
    punches = shift()
    outbox = outbox_with(tmp_path / "peer.db", punches)
    process = subprocess.Popen(
        lawdsl(
            "oracle",
            "cosign",
            "--outbox",
            str(outbox),
            "--rpc",
            node.url,
            "--statute",
            statute.client.address,
            "--quorum",
            statute.quorum,
            "--reporter-key",
            REPORTERS[2].hex(),
            "--listen",
            "127.0.0.1:0",
        ),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert banner.startswith(f"co-signing as reporter {address(REPORTERS[2])} on http://127.0.0.1:")
        peer = PeerCosigner(banner.split(" on ")[1].strip().removesuffix("/cosign"))
        digest = statute.digest(punches)
        signature = QuorumSigner(statute.quorum, [peer, KeyCosigner(REPORTERS[0])], 2).sign(
            digest, 0, [p.key for p in punches]
        )
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    statute.submit(punches, signature)
    assert statute.client.view("nextSequence", statute.quorum) == 1


def test_a_signer_that_knows_the_reporters_passes_over_an_outsider(statute: Statute) -> None:
    """A misconfigured co-signer (a key the quorum does not know) is skipped, not sent to revert."""
    punches = shift()
    reporters = [address(key) for key in REPORTERS]
    signer = QuorumSigner(statute.quorum, [KeyCosigner(key) for key in (OUTSIDER, *REPORTERS[:2])], 2, reporters)
    statute.submit(punches, signer.sign(statute.digest(punches), 0, [p.key for p in punches]))
    assert statute.client.view("nextSequence", statute.quorum) == 1
    with pytest.raises(QuorumNotReached, match=f"signed by {address(OUTSIDER)}, who is not a registered reporter"):
        QuorumSigner(statute.quorum, [KeyCosigner(OUTSIDER), KeyCosigner(REPORTERS[0])], 2, reporters).sign(bytes(32))
