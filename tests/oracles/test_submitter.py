"""The submitter against a real anvil: batches, order, restarts, a chain that loses blocks."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from chain.accounts import GATEWAY, account_key
from chain.anvil import LocalAnvil
from chain.client import Chain
from chain.contract import ContractClient
from chain.rpc import Rpc
from chain.signing import DeviceKey
from lawdsl.load import load_statute
from oracles.batches import plan_batches
from oracles.devices.intake import Intake
from oracles.devices.records import CanonicalPunch
from oracles.devices.simulator import CLEAN, Profile, simulate, simulated_config
from oracles.gateway import DEFAULT_LAW, Site, audit, provision
from oracles.outbox import Outbox
from oracles.submitter import Submitter

pytestmark = pytest.mark.chain

START = dt.date(2026, 9, 7)  # a Monday, weeks before "now" (the gateway refuses future punches)
CONFIG = simulated_config(employees=12, devices=2)


def punch(device: str, employee: str, minute: int, kind: str = "in") -> CanonicalPunch:
    at = dt.datetime(2026, 9, 7, 9, minute, tzinfo=dt.timezone.utc)
    return CanonicalPunch(f"SN-{device}", device, employee, at, kind, "test")  # type: ignore[arg-type]


def test_batches_keep_each_employee_in_arrival_order_across_terminals() -> None:
    punches = [
        punch("gate-1", "ann", 0),
        punch("gate-1", "bob", 1),
        punch("gate-2", "ann", 2, "out"),
        punch("gate-1", "ann", 3),
        punch("gate-1", "cid", 4),
    ]
    batches = plan_batches(punches, size=10)
    assert [(b.device, [p.employee for p in b.punches]) for b in batches] == [
        ("gate-1", ["ann", "bob"]),
        ("gate-2", ["ann"]),
        ("gate-1", ["ann", "cid"]),
    ]


def test_batches_respect_the_size() -> None:
    batches = plan_batches([punch("gate-1", f"e{i}", i) for i in range(5)], size=2)
    assert [len(b.punches) for b in batches] == [2, 2, 1]


@pytest.fixture(scope="module")
def node() -> Iterator[LocalAnvil]:
    with LocalAnvil(timestamp=int(time.time())) as anvil:
        yield anvil


@pytest.fixture(scope="module")
def site(node: LocalAnvil) -> Site:
    return provision(Chain(node.url), load_statute(DEFAULT_LAW), CONFIG)


@pytest.fixture
def fresh(node: LocalAnvil, site: Site) -> Iterator[Chain]:
    """The provisioned chain, reverted after the test (the relayer's nonce too)."""
    chain = Chain(node.url)
    snapshot = chain.snapshot()
    yield chain
    chain.revert(snapshot)


def admit(outbox: Outbox, days: int, seed: int = 1, profile: Profile = CLEAN) -> int:
    intake = Intake(CONFIG, outbox)
    simulation = simulate(CONFIG, START, days, seed, profile)
    for record in simulation.records:
        intake.device_record(
            record.attlog(), f"test:{record.serial}", record.serial, record.pin, record.time, record.status
        )
    return outbox.counts()["pending"]


def submitter_for(outbox: Outbox, url: str, site: Site, **options: object) -> Submitter:
    rpc = Rpc(url)
    submitter = Submitter(outbox, rpc, ContractClient(rpc, site.address, site.abi), account_key(GATEWAY), **options)  # type: ignore[arg-type]
    submitter.connect()
    return submitter


def test_punches_reach_the_chain_once_and_pay_what_the_interpreter_pays(
    tmp_path: Path, node: LocalAnvil, site: Site, fresh: Chain
) -> None:
    path = tmp_path / "outbox.db"
    with Outbox(path) as outbox:
        pending = admit(outbox, days=5)
        submitter = submitter_for(outbox, node.url, site, batch_size=25)
        submitter.drain()
        counts = outbox.counts()
    assert counts["pending"] == counts["sent"] == 0 and counts["confirmed"] + counts["rejected"] == pending
    result = audit(site, node.url, path)
    assert result.exactly_once
    assert result.chain_payments == result.expected_payments and result.total_paid > 0
    assert result.chain_rejected == result.expected_rejected


def test_anomalies_are_rejected_as_the_interpreter_rejects_them(
    tmp_path: Path, node: LocalAnvil, site: Site, fresh: Chain
) -> None:
    path = tmp_path / "outbox.db"
    with Outbox(path) as outbox:
        admit(outbox, days=4, seed=7, profile=Profile(missed_punch_rate=0.1))
        submitter_for(outbox, node.url, site, batch_size=10).drain()
        assert outbox.counts()["rejected"] > 0
    assert audit(site, node.url, path).matches


def test_a_crash_after_signing_resends_the_same_transactions(
    tmp_path: Path, node: LocalAnvil, site: Site, fresh: Chain
) -> None:
    """Journalled but never sent (the process died): the next start sends those exact bytes."""
    path = tmp_path / "outbox.db"
    with Outbox(path) as outbox:
        admit(outbox, days=2)
        first = submitter_for(outbox, node.url, site, batch_size=10)
        first._broadcast = lambda entries: None  # type: ignore[method-assign]  # dies before sending
        first._fill()
        signed = first.journal.entries()
        assert signed and outbox.counts()["sent"] == 0
        second = submitter_for(outbox, node.url, site, batch_size=10)
        second.drain()
        assert [e.tx_hash for e in second.journal.entries()[: len(signed)]] == [e.tx_hash for e in signed]
    assert audit(site, node.url, path).matches


def test_blocks_lost_by_the_chain_are_sent_again(tmp_path: Path, node: LocalAnvil, site: Site, fresh: Chain) -> None:
    """A node restored from an older state lost confirmed batches: they are re-sent, byte for byte."""
    path = tmp_path / "outbox.db"
    with Outbox(path) as outbox:
        admit(outbox, days=2)
        before = fresh.snapshot()
        submitter = submitter_for(outbox, node.url, site, batch_size=10)
        submitter.drain()
        assert outbox.counts()["confirmed"] > 0
        fresh.revert(before)  # the chain forgets every batch
        assert audit(site, node.url, path).applied == {}
        submitter.reconcile()
        submitter.drain()
    assert audit(site, node.url, path).matches


class CountingSigner:
    """A `BatchSigner` standing in for the default, as a reporter quorum would: it vouches with the
    device key underneath and counts the digests it was asked to sign."""

    def __init__(self, label: str) -> None:
        self.inner = DeviceKey(account_key(label))
        self.address = self.inner.address
        self.digests: list[bytes] = []

    def sign(self, digest: bytes, sequence: int, keys: Sequence[str]) -> bytes:
        self.digests.append(digest)
        return self.inner.sign(digest, sequence, keys)


def test_batches_are_signed_by_whatever_signer_is_plugged_in(
    tmp_path: Path, node: LocalAnvil, site: Site, fresh: Chain
) -> None:
    signers: dict[str, CountingSigner] = {}

    def signer(label: str) -> CountingSigner:
        return signers.setdefault(label, CountingSigner(label))

    path = tmp_path / "outbox.db"
    with Outbox(path) as outbox:
        pending = admit(outbox, days=2)
        submitter = submitter_for(outbox, node.url, site, batch_size=10, signer=signer)
        submitter.drain()
        assert outbox.counts()["confirmed"] + outbox.counts()["rejected"] == pending
        transactions = len(submitter.journal.entries())
    assert set(signers) == {"gate-1", "gate-2"}
    assert sum(len(s.digests) for s in signers.values()) == transactions >= pending / 10
    assert audit(site, node.url, path).matches


def test_a_contract_whose_submit_function_differs_is_refused_before_anything_is_sent(
    tmp_path: Path, site: Site
) -> None:
    """The calldata is encoded by hand for `submitPunches(PunchBatch, bytes)`: another ABI is an error."""
    abi = [dict(item, inputs=item["inputs"][:1]) if item.get("name") == "submitPunches" else item for item in site.abi]
    rpc = Rpc("http://127.0.0.1:9")  # nothing listens: the check comes first
    with Outbox(tmp_path / "outbox.db") as outbox:
        submitter = Submitter(outbox, rpc, ContractClient(rpc, site.address, abi), account_key(GATEWAY))
        with pytest.raises(ValueError, match=r"has submitPunches\(\(address,uint64,.*\)\), not submitPunches"):
            submitter.connect()
