"""The chain side of the outbox: sign punch batches, send them raw, confirm them from receipts.

Why it is built this way
------------------------
- **Raw, pipelined, batched.** web3's convenience path (estimate, send, wait
  for the receipt) manages about 30 transactions a second against anvil. Here
  many punches travel in one device-signed batch, transactions are signed
  locally with nonces kept here, many are sent in one JSON-RPC batch request,
  and receipts are collected later, also in batches: the node is never waited
  on per transaction.
- **A journal of signed transactions.** Every transaction is written, raw,
  to a journal (a table in the outbox's SQLite file) *before* it is sent. Its
  nonce and the device's batch sequence number are fixed inside the signed
  bytes, so sending the same bytes again can never apply a batch twice: the
  node answers "nonce too low" or "already known", or mines it exactly once.
  That makes recovery one rule — after a restart of the gateway *or of the
  chain* (a node restored from a state dump may have lost its last blocks),
  every journalled transaction whose nonce the chain has not used yet is
  broadcast again, byte for byte. Re-signing instead would make a second,
  different transaction for punches a lost-then-restored block may still
  carry, and the contract would then reject them as duplicates or earlier
  punches.
- **Outbox states follow the chain.** `mark_sent` only after the node
  accepted the transaction; `mark_confirmed`/`mark_rejected` only from a
  receipt (rejections from the batch's `PunchRejected` logs). A journalled
  transaction the chain has mined is also looked up after a restart, so a
  crash between any two steps leaves nothing undone and nothing done twice.
- **Order.** Per employee, punches reach the contract in arrival order (the
  contract refuses an earlier punch), even when an employee uses two
  terminals: `plan_batches` never puts a punch in a batch that is mined
  before a batch holding that employee's previous punch.
- **Per punch, nothing generic.** The digest and the calldata are built by
  hand (`chain/signing.py`), outbox moves are one `executemany` per call,
  and the journal shares the outbox's connection: this is the gateway's
  hot path (docs/benchmarks.md, "Device gateway"). Transactions are still
  signed by eth-account: 0.57 ms for a 200-punch batch, 3 µs a punch.

A batch the contract reverts as a whole (out of gas, a sequence gap after
an earlier revert) does not consume its device's sequence number: its punches
are re-batched, after every transaction in flight has been resolved, with
sequence numbers read again from the contract.

Who signs a device's batches is pluggable (`signer`: a `BatchSigner` per
device label); the default signs with the device's key. A k-of-n reporter
quorum registered as the device (ERC-1271) signs the same digest, after its
peers checked the batch (they get its sequence number and punch keys): see
docs/oracles.md, "k-of-n confirmation". A batch its signer will not vouch for
(`BatchNotSigned`: a peer never received a punch) consumes no sequence
number; its punches, and every later punch of the same employees, are held
back for `hold_unsigned` seconds and then batched again, and the refusal is
kept in the outbox file (`SigningErrors`) for `oracle status`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

from chain.accounts import device_signer, label_address
from chain.client import MAX_FEE
from chain.contract import ContractClient
from chain.reverts import Currency, currency_of
from chain.rpc import Rpc, RpcError, RpcUnavailable
from chain.signing import (
    SUBMIT_SIGNATURE,
    BatchNotSigned,
    BatchSigner,
    Domain,
    batch_digest_of_words,
    submit_calldata,
)

from .batches import Batch, plan_batches, signed_punch
from .devices.records import CanonicalPunch
from .journal import REVERTED, UNREGISTERED, UNSIGNED, Entry, Journal, SigningErrors
from .outbox import Outbox
from .receipts import read_batch, revert_reason
from .routing import Router

log = logging.getLogger("oracles.submitter")

#: Gas limit per punch of a batch (a paying clock-out alone costs ~143k) and per batch. A batch that
#: runs out of gas reverts whole and costs its punches a re-send; a limit above use costs only the gas
#: used, and it caps a batch at (block gas limit - GAS_PER_BATCH) / GAS_PER_PUNCH punches.
GAS_PER_PUNCH = 200_000
GAS_PER_BATCH = 100_000


# ---------------------------------------------------------------- the submitter


class Submitter:
    """Drains an outbox onto a `WorkingTimeStatute` contract; one thread calls `step()` (or `run()`).

    `signer(label)` gives the `BatchSigner` of a device's batches, asked once
    per device (the default, `device_signer`, signs with the device's dev key;
    a reporter quorum can stand in); employees' addresses come from
    `employee_address(label)`. A batch the signer refuses (`BatchNotSigned`)
    waits `hold_unsigned` seconds before it is offered again.
    """

    def __init__(
        self,
        outbox: Outbox,
        rpc: Rpc,
        statute: ContractClient,
        relayer_key: bytes,
        signer: Callable[[str], BatchSigner] = device_signer,
        employee_address: Callable[[str], str] | None = None,
        batch_size: int = 200,
        max_in_flight: int = 32,
        resend_after: float = 10.0,
        hold_unsigned: float = 10.0,
        router: Router | None = None,
    ) -> None:
        """`router`: which version of the statute each punch goes to (default: `statute` alone)."""
        self.outbox = outbox
        self.rpc = rpc
        self.statute = statute
        self.router = router or Router(statute, outbox)
        self.relayer: LocalAccount = Account.from_key(relayer_key)
        self.signer = signer
        self.employee_address = employee_address or label_address
        self.batch_size = batch_size
        self.max_in_flight = max_in_flight
        self.resend_after = resend_after
        self.hold_unsigned = hold_unsigned
        self.journal = Journal(outbox, self.relayer.address)
        self.router.journal = self.journal
        self.signing_errors = SigningErrors(outbox)
        self._lock = threading.Lock()  # keeper calls come from another thread
        self._calls: list[tuple[str, bytes]] = []  # keeper calls waiting for a nonce
        self._open: list[Entry] = []  # sent, no receipt yet, in nonce order
        self._retry: list[CanonicalPunch] = []  # punches of reverted batches, to re-batch
        self._held: list[CanonicalPunch] = []  # punches of unsigned batches and their employees' later ones
        self._held_until = 0.0  # monotonic time when they are offered again
        self._addresses: dict[str, str] = {}  # employee label -> address
        self._signers: dict[str, BatchSigner] = {}  # device label -> its signer
        self._sequences: dict[tuple[str, str], int] = {}  # (statute, device label) -> next batch number
        self._registered: set[tuple[str, str]] = set()  # (statute, device label) the statute has registered
        self._currency = Currency("", 0)
        self._nonce = 0
        self._gas_cap = 0
        self._chain_id = 0
        self._separators: dict[str, bytes] = {}  # each version's EIP-712 domain separator
        self.ready = False
        self.confirmed = 0  # punches, since this object was made
        self.rejected = 0
        self.gas_used = 0  # by the batches it settled (keeper calls excluded)

    # ------------------------------------------------------------ start and recovery

    def connect(self) -> None:
        """Read what the chain knows (domain, gas limit) and bring the journal in line with it."""
        if self.statute.signature("submitPunches") != SUBMIT_SIGNATURE:  # the calldata is encoded by hand
            raise ValueError(
                f"{self.statute.address} has {self.statute.signature('submitPunches')}, not {SUBMIT_SIGNATURE}"
            )
        self._chain_id = self.statute.view("eip712Domain")[3]
        self._separators = {}
        self.router.refresh()
        block = self.rpc.call("eth_getBlockByNumber", "latest", False)
        self._gas_cap = int(block["gasLimit"], 16)
        self._currency = currency_of(self.statute)
        self.reconcile()
        self.ready = True

    def reconcile(self) -> None:
        """After a restart of either side: settle what the chain mined, re-send what it has not.

        Entries below the chain's nonce were mined (their receipts decide);
        entries from it on are broadcast again byte for byte, in nonce order.
        """
        chain_nonce = int(self.rpc.call("eth_getTransactionCount", self.relayer.address, "latest"), 16)
        journal = self.journal.entries()
        mined = [e for e in journal if e.nonce < chain_nonce and e.state == "open"]
        self._open = mined
        self._collect_receipts(missing_is_failed=True)
        unmined = [e for e in journal if e.nonce >= chain_nonce and e.state != "failed"]
        if unmined:
            log.info("re-sending %d journalled transaction(s) from nonce %d", len(unmined), chain_nonce)
        self._broadcast(unmined)
        self._open = [e for e in unmined if e.state == "open"]
        for entry in unmined:
            entry.sent_at = time.monotonic()
        self._nonce = max(chain_nonce, self.journal.next_nonce())
        self._read_sequences()
        self._requeue_failed()

    def _read_sequences(self) -> None:
        journalled = {
            (target or self.statute.address, device): sequence
            for (target, device), sequence in self.journal.max_sequences().items()
        }
        self._sequences = {}
        for target, device in {*journalled, *((self.statute.address, device) for device in self._signers)}:
            on_chain = self._client(target).view("nextSequence", self._signer(device).address)
            self._sequences[target, device] = max(on_chain, journalled.get((target, device), -1) + 1)

    def _requeue_failed(self) -> None:
        """Punches of failed transactions that are still `sent`, re-batched before new pending ones."""
        sent = self.outbox.unconfirmed()
        failed = [e for e in self.journal.entries(states=("failed",)) if e.tx_hash in sent]
        held = {p.key for p in self._held}
        self._retry = [punch for entry in failed for punch in sent[entry.tx_hash] if punch.key not in held]

    # ------------------------------------------------------------ the loop

    def run(
        self,
        stop: threading.Event,
        idle: float = 0.02,
        max_backoff: float = 5.0,
        after_step: Callable[[], None] = lambda: None,
        on_failure: Callable[[], None] = lambda: None,
    ) -> None:
        """Until `stop` is set: step (then `after_step`, the keeper's turn), sleeping while idle.

        On an RPC failure: `on_failure`, back off exponentially, then reconnect,
        which reconciles the journal with whatever state the chain came back in.
        """
        backoff = 0.2
        while not stop.is_set():
            try:
                if not self.ready:
                    self.connect()
                    backoff = 0.2
                work = self.step()
                after_step()
                if work == 0:
                    stop.wait(idle)
            except (RpcUnavailable, RpcError) as exc:
                log.warning("chain unavailable (%s); retrying in %.1f s", exc, backoff)
                self.ready = False
                on_failure()
                stop.wait(backoff)
                backoff = min(backoff * 2, max_backoff)

    def step(self) -> int:
        """Send new batches while fewer than `max_in_flight` are open, then collect receipts.

        Returns how much happened (transactions sent + receipts settled), 0 when idle.
        """
        sent = self._fill()
        settled = self._collect_receipts()
        if self._open and time.monotonic() - self._open[0].sent_at > self.resend_after:
            log.warning(
                "no receipt for nonce %d after %.0f s; reconciling with the chain",
                self._open[0].nonce,
                self.resend_after,
            )
            self.reconcile()
        return sent + settled

    def submit_call(self, to: str, data: bytes) -> None:
        """Queue a keeper's call; it gets the next nonce, the journal and the same recovery."""
        with self._lock:
            self._calls.append((to_checksum_address(to), data))

    def drain(self, timeout: float = 120.0) -> None:
        """Step until the outbox has nothing pending or sent (tests, `oracle import`, the bench)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = self.outbox.counts()
            if counts["pending"] == 0 and counts["sent"] == 0 and not self._open:
                return
            if self.step() == 0:
                time.sleep(0.005)
        raise TimeoutError(f"outbox not drained within {timeout:.0f} s: {self.outbox.counts()}")

    # ------------------------------------------------------------ sending

    def _fill(self) -> int:
        room = self.max_in_flight - len(self._open)
        if room <= 0:
            return 0
        entries = self._keeper_entries()
        # Punches of reverted batches go first, but only once nothing is in flight: their devices'
        # sequence numbers must be read again from the contract.
        if not (self._retry and self._open):
            if self._retry:
                self._read_sequences()
            size = min(self.batch_size, max(1, (self._gas_cap - GAS_PER_BATCH) // GAS_PER_PUNCH))
            slots = room - len(entries)
            released = self._release_held()
            fresh = self.outbox.pending(slots * size) if slots > 0 else []
            if self._held or released:  # held punches may still be pending in the outbox: not twice
                waiting = {p.key for p in (*self._held, *released)}
                fresh = [p for p in fresh if p.key not in waiting]
            punches = released + self._retry + fresh
            self._retry = []
            self.router.refresh()
            for target, routed in self._routed(punches).items():
                entries += self._sign_batches(plan_batches(routed, size), target)
        if not entries:
            return 0
        self.journal.add(entries)
        self._broadcast(entries)
        self._open += [e for e in entries if e.state == "open"]
        return len(entries)

    def _keeper_entries(self) -> list[Entry]:
        with self._lock:
            calls, self._calls = self._calls, []
        return [self._sign(to, data, 300_000, None, None, []) for to, data in calls]

    def _routed(self, punches: list[CanonicalPunch]) -> dict[ContractClient, list[CanonicalPunch]]:
        """The punches per statute version they go to (`Router`), each list in arrival order."""
        routed: dict[ContractClient, list[CanonicalPunch]] = {}
        for punch in punches:
            routed.setdefault(self.router.target(punch), []).append(punch)
        return routed

    def _client(self, address: str) -> ContractClient:
        for client in self.router.clients:
            if client.address == address:
                return client
        return ContractClient(self.rpc, address, self.statute.abi)  # a version the registry no longer lists

    def _separator(self, target: ContractClient) -> bytes:
        separator = self._separators.get(target.address)
        if separator is None:
            _, name, version, chain_id, verifying, _, _ = target.view("eip712Domain")
            separator = self._separators[target.address] = Domain(name, version, chain_id, verifying).separator
        return separator

    def _sign_batches(self, batches: list[Batch], target: ContractClient) -> list[Entry]:
        """Each batch signed, except punches whose employee has a held punch (they join the held
        ones, so that no employee's punches overtake each other) and batches the signer refuses."""
        held_employees = {p.employee for p in self._held}
        entries = []
        for batch in batches:
            if held_employees:
                self._held += [p for p in batch.punches if p.employee in held_employees]
                batch.punches = [p for p in batch.punches if p.employee not in held_employees]
                if not batch.punches:
                    continue
            try:
                entries.append(self._sign_batch(batch, target))
            except BatchNotSigned as refusal:
                self._hold(batch.device, batch.punches, str(refusal), UNSIGNED)
                held_employees.update(p.employee for p in batch.punches)
            except BatchHeld as held:
                self._hold(batch.device, batch.punches, held.detail, held.reason)
                held_employees.update(p.employee for p in batch.punches)
        return entries

    def _sign_batch(self, batch: Batch, target: ContractClient) -> Entry:
        """The batch as a signed transaction to `target` (a version of the statute); `BatchNotSigned`
        leaves the device's sequence unused."""
        signer = self._signer(batch.device)
        self._check_registered(batch.device, signer.address, target)
        slot = (target.address, batch.device)
        sequence = self._sequences.get(slot)
        if sequence is None:
            sequence = self._sequences[slot] = target.view("nextSequence", signer.address)
        words = [self._words(p) for p in batch.punches]
        keys = [p.key for p in batch.punches]
        signature = signer.sign(
            batch_digest_of_words(self._separator(target), signer.address, sequence, words), sequence, keys
        )
        self._sequences[slot] = sequence + 1
        data = submit_calldata(signer.address, sequence, words, signature)
        gas = min(self._gas_cap, GAS_PER_BATCH + GAS_PER_PUNCH * len(words))
        return self._sign(target.address, data, gas, batch.device, sequence, keys)

    def _check_registered(self, device: str, address: str, target: ContractClient) -> None:
        """`BatchHeld` unless the statute has `address` registered as a device: a batch it would
        revert is never sent (asked again each time the held punches are offered)."""
        if (target.address, device) in self._registered:
            return
        if int(target.view("deviceEmployer", address), 16) == 0:
            raise BatchHeld(
                UNREGISTERED,
                f"terminal {device} signs as {address}, which statute "
                f"{target.address} has not registered: the authority registers "
                "it (or carries it over to a new version: `lawdsl authority migrate`), the firm "
                "accepts it, and its punches are then sent",
            )
        self._registered.add((target.address, device))

    def _hold(self, device: str, punches: list[CanonicalPunch], detail: str, reason: str) -> None:
        log.warning(
            "%s: %d punch(es) held (%s), offered again in %g s: %s",
            device,
            len(punches),
            reason,
            self.hold_unsigned,
            detail,
        )
        self._held += punches
        self._held_until = time.monotonic() + self.hold_unsigned
        self.signing_errors.record(device, detail, reason)

    def _release_held(self) -> list[CanonicalPunch]:
        """The held punches once their wait is over (to be batched again), else none."""
        if not self._held or time.monotonic() < self._held_until:
            return []
        released, self._held = self._held, []
        return released

    def _sign(self, to: str, data: bytes, gas: int, device: str | None, sequence: int | None, keys: list[str]) -> Entry:
        tx: dict[str, Any] = {
            "nonce": self._nonce,
            "gas": gas,
            "maxFeePerGas": MAX_FEE,
            "maxPriorityFeePerGas": 1,
            "chainId": self._chain_id,
            "to": to,
            "data": data,
            "value": 0,
            "type": 2,
        }
        signed = self.relayer.sign_transaction(tx)
        self._nonce += 1
        return Entry(
            tx["nonce"],
            signed.hash.to_0x_hex(),
            bytes(signed.raw_transaction),
            device,
            sequence,
            keys,
            target=to if device is not None else None,
        )

    def _broadcast(self, entries: Sequence[Entry]) -> None:
        """Send raw transactions one request each, in nonce order; mark their punches sent once the
        node took them.

        Not one batch request: a node may run a batch's calls concurrently, so a nonce can arrive
        before the one below it. Hardhat refuses it ("can't be queued when automining"); plain anvil
        parks it until some later transaction makes a block — after the last upload of a run, none
        does, and the run stalls for the submitter's `resend_after` (measured in docs/benchmarks.md)."""
        accepted = []
        for entry in entries:
            try:
                self.rpc.call("eth_sendRawTransaction", "0x" + entry.raw.hex())
            except RpcError as error:
                if not _harmless(error):
                    # Not taken: the nonce stays ours; later ones queue behind it. Reconcile re-sends it.
                    log.warning("nonce %d not accepted: %s", entry.nonce, error)
                    raise
            accepted.append(entry)
        with self.outbox.transaction():
            for entry in accepted:
                if entry.keys and entry.state == "open":  # punches settled meanwhile (a re-send) stay settled
                    self.outbox.mark_sent(entry.keys, entry.tx_hash, strict=False)

    # ------------------------------------------------------------ receipts

    def _collect_receipts(self, missing_is_failed: bool = False) -> int:
        """Settle every open transaction the node has a receipt for (one batch request).

        `missing_is_failed`: the chain used the nonce, yet has no receipt for our
        hash — another transaction took it — so ours failed.
        """
        if not self._open:
            return 0
        receipts = self.rpc.batch([("eth_getTransactionReceipt", [e.tx_hash]) for e in self._open])
        for receipt in receipts:
            if isinstance(receipt, RpcError):
                raise receipt
        if not missing_is_failed and not any(receipts):
            return 0
        done: list[Entry] = []
        blocks: list[int | None] = []
        still: list[Entry] = []
        held_reverts: list[tuple[Entry, str]] = []
        with self.outbox.transaction():  # one commit: the punches and their transactions settle together
            for entry, receipt in zip(self._open, receipts):
                if receipt is None and not missing_is_failed:
                    still.append(entry)
                    continue
                block = int(receipt["blockNumber"], 16) if receipt else None
                if receipt and receipt["status"] == "0x1":
                    entry.state = "done"
                    assert block is not None  # a receipt carries its block
                    self._settle_punches(entry, receipt, block)
                else:
                    entry.state = "failed"
                    why = self._revert_reason(entry, receipt) if receipt else None
                    log.warning(
                        "transaction %s (nonce %d%s) %s",
                        entry.tx_hash,
                        entry.nonce,
                        f", {entry.device} batch {entry.sequence}" if entry.device else "",
                        f"reverted: {why or 'sent again'}" if receipt else "was replaced",
                    )
                    if why is not None and entry.device is not None:
                        held_reverts.append((entry, why))
                done.append(entry)
                blocks.append(block)
            self.journal.settle(done, blocks)
        self._open = still
        if held_reverts:
            sent = self.outbox.unconfirmed()
            for entry, why in held_reverts:
                assert entry.device is not None
                self._registered.discard((entry.target or self.statute.address, entry.device))  # asked again
                self._hold(entry.device, sent.get(entry.tx_hash, []), why, REVERTED)
        if any(e.state == "failed" and e.keys for e in done):
            self._requeue_failed()
        return len(done)

    def _revert_reason(self, entry: Entry, receipt: dict[str, Any]) -> str | None:
        if not entry.keys:
            return "keeper call reverted"
        return revert_reason(self.rpc, self.statute, self.relayer.address, entry.tx_hash, receipt)

    def _settle_punches(self, entry: Entry, receipt: dict[str, Any], block: int) -> None:
        """Rejections from the batch's `PunchRejected` logs, the rest confirmed. Punches already
        settled stay as they are: after a chain restart a re-mined batch may find them settled
        from the first time it was mined."""
        if not entry.keys:
            return
        self.gas_used += int(receipt["gasUsed"], 16)
        mined = read_batch(self.statute, receipt, entry.target or self.statute.address, entry.keys)
        for key, reason in mined.rejected.items():
            self.rejected += self.outbox.mark_rejected(key, reason, strict=False)
        confirmed = [k for k in entry.keys if k not in mined.rejected]
        self.confirmed += self.outbox.settle_mined(confirmed, entry.tx_hash, block)
        log.info(
            "batch %s of %s: %d punches%s, %d paid, %s, tx %s (block %d)",
            entry.sequence,
            entry.device,
            len(entry.keys),
            f" ({len(mined.rejected)} refused)" if mined.rejected else "",
            mined.paid,
            self._currency.format(mined.amount),
            entry.tx_hash,
            block,
        )

    # ------------------------------------------------------------ addresses

    def know(self, employees: Iterable[str]) -> None:
        """Look employees' addresses up now rather than before their first batch: a gateway knows
        its site's staff from its configuration when it starts."""
        for label in employees:
            self._address(label)

    def _address(self, employee: str) -> str:
        address = self._addresses.get(employee)
        if address is None:
            address = self._addresses[employee] = self.employee_address(employee)
        return address

    def _words(self, punch: CanonicalPunch) -> bytes:
        """The punch as the contract's `Punch` struct, ABI-encoded."""
        return signed_punch(punch, self._address(punch.employee)).words()

    def _signer(self, label: str) -> BatchSigner:
        signer = self._signers.get(label)
        if signer is None:
            signer = self._signers[label] = self.signer(label)
        return signer


class BatchHeld(Exception):
    """A batch that must wait in the outbox rather than go to the chain (see `UNREGISTERED`)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _harmless(error: RpcError) -> bool:
    """Send errors that mean the node has (or had) exactly this transaction."""
    text = error.message.lower()
    return "already known" in text or "nonce too low" in text or "already imported" in text
