"""The gateway on a live chain when something is wrong: an unregistered terminal, a batch the
contract reverts, a second gateway on the same relayer key, a start against a bad statute
(issue 14, item 4). Against a real anvil."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chain.accounts import GATEWAY, account_key, device_signer
from chain.anvil import LocalAnvil
from chain.client import Chain
from chain.contract import ContractClient
from chain.rpc import Rpc
from chain.signing import DeviceKey
from lawdsl.load import load_statute
from oracles.devices.records import CanonicalPunch
from oracles.devices.simulator import simulated_config
from oracles.gateway import DEFAULT_LAW, Site, provision
from oracles.journal import REVERTED, UNREGISTERED, signing_errors
from oracles.outbox import Outbox
from oracles.preflight import Refused, RelayerLock, preflight
from oracles.submitter import Submitter
from oracles.uploads import config_yaml

from .test_gateway_e2e import ROOT, Served

pytestmark = pytest.mark.chain

CONFIG = simulated_config(employees=20, devices=2)
DAY = dt.date.today() - dt.timedelta(days=3)


@pytest.fixture(scope="module")
def node() -> Iterator[LocalAnvil]:
    with LocalAnvil(timestamp=int(time.time()) - 10 * 86400) as anvil:
        yield anvil


@pytest.fixture(scope="module")
def site(node: LocalAnvil) -> Site:
    site = provision(Chain(node.url), load_statute(DEFAULT_LAW), CONFIG)
    Rpc(node.url).call("evm_setNextBlockTimestamp", int(time.time()))
    Rpc(node.url).call("evm_mine")
    return site


@pytest.fixture
def fresh(node: LocalAnvil, site: Site) -> Iterator[Chain]:
    chain = Chain(node.url)
    snapshot = chain.snapshot()
    yield chain
    chain.revert(snapshot)


def shifts(device: str, count: int) -> list[CanonicalPunch]:
    """`count` punches on `device`: each employee in at 09:00 and out at 20:00, day after day back."""
    serial = next(d.serial for d in CONFIG.devices.values() if d.label == device)
    punches = []
    employees = sorted(CONFIG.employee_labels)
    day = DAY - dt.timedelta(days=count // (2 * len(employees)) + 1)
    while len(punches) < count:
        for hour, kind in ((9, "in"), (20, "out")):
            for employee in employees:
                at = dt.datetime.combine(day, dt.time(hour), dt.timezone(dt.timedelta(hours=8)))
                punches.append(CanonicalPunch(serial, device, employee, at, kind, "test"))  # type: ignore[arg-type]
        day += dt.timedelta(days=1)
    return punches[:count]


def relayer_nonce(node: LocalAnvil) -> int:
    return int(Rpc(node.url).call("eth_getTransactionCount", DeviceKey(account_key(GATEWAY)).address, "latest"), 16)


def submitter(outbox: Outbox, node: LocalAnvil, site: Site, **options: object) -> Submitter:
    rpc = Rpc(node.url)
    made = Submitter(outbox, rpc, ContractClient(rpc, site.address, site.abi), account_key(GATEWAY), **options)  # type: ignore[arg-type]
    made.connect()
    return made


def run_for(made: Submitter, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if made.step() == 0:
            time.sleep(0.01)


def test_punches_of_an_unregistered_terminal_wait_and_send_nothing(
    tmp_path: Path, node: LocalAnvil, site: Site, fresh: Chain
) -> None:
    """Issue 14: 1,541 reverted transactions in 20 s for a terminal not registered on chain."""
    stranger = DeviceKey(account_key("a terminal nobody registered"))
    with Outbox(tmp_path / "o.db") as outbox:
        for punch in shifts("gate-2", 1000):
            outbox.add(punch)
        before = relayer_nonce(node)
        made = submitter(
            outbox,
            node,
            site,
            hold_unsigned=0.3,
            signer=lambda label: stranger if label == "gate-2" else device_signer(label),
        )
        run_for(made, 2.0)
        assert relayer_nonce(node) == before  # not one transaction
        assert outbox.counts()["pending"] == 1000
    [held] = signing_errors(tmp_path / "o.db")
    assert held.reason == UNREGISTERED and held.device == "gate-2" and held.times >= 2
    assert f"signs as {stranger.address}, which statute" in held.detail and "registers it" in held.detail


class WrongKey:
    """gate-1's registered address, signed with another key: the contract reverts the batch."""

    def __init__(self) -> None:
        self.address = device_signer("gate-1").address
        self._other = DeviceKey(account_key("not gate-1"))

    def sign(self, digest: bytes, sequence: int = 0, keys: object = ()) -> bytes:
        return self._other.sign(digest)


def test_a_reverted_batch_is_decoded_and_held_not_resent(
    tmp_path: Path, node: LocalAnvil, site: Site, fresh: Chain, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "oracles.submitter")
    with Outbox(tmp_path / "o.db") as outbox:
        for punch in shifts("gate-1", 40):
            outbox.add(punch)
        before = relayer_nonce(node)
        made = submitter(outbox, node, site, hold_unsigned=60, batch_size=40, signer=lambda label: WrongKey())
        run_for(made, 2.0)
        assert relayer_nonce(node) == before + 1  # one transaction, reverted, not sent again
        assert outbox.counts()["sent"] == 40
    [held] = signing_errors(tmp_path / "o.db")
    assert held.reason == REVERTED and held.detail == f"InvalidDeviceSignature({WrongKey().address})"
    assert any("reverted: InvalidDeviceSignature(" in r.getMessage() for r in caplog.records)


def test_the_log_says_what_reached_the_chain(
    tmp_path: Path, node: LocalAnvil, site: Site, fresh: Chain, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "oracles.submitter")
    with Outbox(tmp_path / "o.db") as outbox:
        for punch in shifts("gate-1", 40):
            outbox.add(punch)
        submitter(outbox, node, site, batch_size=40).drain()
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("batch ")]
    # 20 clock-ins, then 20 clock-outs after 11 hours: each paid (standard day and overtime)
    assert line.startswith("batch 0 of gate-1: 40 punches, ") and ", tx 0x" in line
    paid = int(line.split(", ")[1].split()[0])
    assert paid >= 20 and f"{paid} paid, CNY " in line


def test_a_second_gateway_on_the_same_relayer_key_is_refused(tmp_path: Path) -> None:
    address = DeviceKey(account_key(GATEWAY)).address
    first = RelayerLock(address, tmp_path).acquire()
    with pytest.raises(Refused, match="already sends from this relayer key.*its own --relayer-key"):
        RelayerLock(address, tmp_path).acquire()
    RelayerLock(DeviceKey(account_key("another relayer")).address, tmp_path).acquire().release()
    first.release()
    RelayerLock(address, tmp_path).acquire().release()


def test_preflight_says_what_is_wrong(tmp_path: Path, node: LocalAnvil, site: Site, fresh: Chain) -> None:
    rpc = Rpc(node.url)
    stranger = DeviceKey(account_key("a terminal nobody registered"))
    with Outbox(tmp_path / "o.db") as outbox:
        made = Submitter(outbox, rpc, ContractClient(rpc, site.address, site.abi), account_key("an empty wallet"))

        def signer(label: str) -> DeviceKey:
            return stranger if label == "gate-2" else device_signer(label)  # type: ignore[return-value]

        found = preflight(made.statute, CONFIG, made.relayer.address, made.journal, signer)
        assert found.fatal == [
            (
                f"the relayer {made.relayer.address} has no funds on this chain to pay for gas: "
                "send it some (or give --relayer-key of a funded account)"
            )
        ]
        serial = next(d.serial for d in CONFIG.devices.values() if d.label == "gate-2")
        assert [w for w in found.warnings if "gate-2" in w] == [
            (
                f"terminal gate-2 ({serial}) signs as {stranger.address}, which the statute has not registered: its "
                "punches wait in the outbox until the authority registers it"
            )
        ]
        nowhere = ContractClient(rpc, "0x" + "12" * 20, site.abi)
        found = preflight(nowhere, CONFIG, made.relayer.address, made.journal, signer)
        assert found.fatal[0].startswith("there is no contract at statute address 0x1212")


def test_serve_refuses_a_second_gateway_on_its_key_and_a_statute_that_is_not_there(
    tmp_path: Path, node: LocalAnvil, site: Site
) -> None:
    config_file = tmp_path / "gateway.yaml"
    config_file.write_text(config_yaml(CONFIG))
    first = Served(config_file, tmp_path / "a.db", node.url, site.address).start()
    try:
        second = subprocess.run(
            Served(config_file, tmp_path / "b.db", node.url, site.address).args,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert second.returncode == 2 and "already sends from this relayer key" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        assert first.stop() == 0
    nowhere = subprocess.run(
        [*Served(config_file, tmp_path / "c.db", node.url, "0x" + "12" * 20).args, "--listen", "0.0.0.0:0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert nowhere.returncode == 2 and "there is no contract at statute address" in nowhere.stderr
    assert "warning: the ADMS receiver listens on every interface" in nowhere.stderr
