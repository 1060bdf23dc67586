"""The pyzk pull adapter, against a stand-in `zk` module (pyzk itself is an optional extra, not installed)."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from oracles.devices.config import GatewayConfig
from oracles.devices.intake import Intake
from oracles.devices.pyzk_pull import PullError, PyzkPuller
from oracles.devices.records import CanonicalPunch, Quarantined, Reason, Redelivered
from oracles.outbox import Outbox

GATE2 = "BWXP203960011"


class Attendance:
    """pyzk's record: `punch` is the punch state, `status` the verify mode."""

    def __init__(self, user_id: str, timestamp: object, status: int, punch: object) -> None:
        self.user_id, self.timestamp, self.status, self.punch = user_id, timestamp, status, punch


@dataclass
class Terminal:
    serial: str = GATE2
    log: list[Attendance] = field(default_factory=list)
    live: list[Attendance | None] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    opened_with: list[tuple] = field(default_factory=list)


class Connection:
    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.end_live_capture = False

    def get_serialnumber(self) -> str:
        return self.terminal.serial

    def disable_device(self) -> None:
        self.terminal.calls.append("disable")

    def enable_device(self) -> None:
        self.terminal.calls.append("enable")

    def get_attendance(self) -> list[Attendance]:
        self.terminal.calls.append("get_attendance")
        return list(self.terminal.log)

    def live_capture(self, new_timeout: int = 10) -> Iterator[Attendance | None]:
        self.terminal.calls.append(f"live_capture({new_timeout})")
        while not self.end_live_capture:
            yield self.terminal.live.pop(0) if self.terminal.live else None
        self.terminal.calls.append("live capture ended")

    def disconnect(self) -> None:
        self.terminal.calls.append("disconnect")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """Installs a `zk` module whose ZK(...) reaches this terminal."""
    terminal = Terminal()

    class ZK:
        def __init__(
            self,
            ip: str,
            port: int = 4370,
            timeout: int = 60,
            password: int = 0,
            force_udp: bool = False,
            ommit_ping: bool = False,
        ) -> None:
            terminal.opened_with.append((ip, port, timeout, password, ommit_ping))

        def connect(self) -> Connection:
            return Connection(terminal)

    module = types.ModuleType("zk")
    module.ZK = ZK  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "zk", module)
    return terminal


@pytest.fixture
def puller(intake: Intake, config: GatewayConfig) -> PyzkPuller:
    return PyzkPuller(intake, config.devices[GATE2], password=1234)


def test_pull_reads_the_whole_log_with_the_terminal_locked(
    terminal: Terminal, puller: PyzkPuller, outbox: Outbox
) -> None:
    terminal.log = [
        Attendance("1001", dt.datetime(2026, 3, 9, 8, 0), 1, 0),
        Attendance("0042", dt.datetime(2026, 3, 9, 8, 3), 15, 0),
        Attendance("1001", dt.datetime(2026, 3, 9, 18, 0), 1, 5),  # overtime-out
        Attendance("5555", dt.datetime(2026, 3, 9, 8, 0), 1, 0),
        Attendance("1002", None, 1, 0),
    ]
    first = puller.pull()
    assert [type(a) for a in first] == [CanonicalPunch] * 3 + [Quarantined] * 2
    assert [(p.employee, p.kind, p.source) for p in first[:3]] == [
        ("alice", "in", f"pyzk:{GATE2}"),
        ("carol", "in", f"pyzk:{GATE2}"),
        ("alice", "out", f"pyzk:{GATE2}"),
    ]
    assert [q.reason for q in first[3:]] == [Reason.UNKNOWN_EMPLOYEE, Reason.MALFORMED]
    assert first[3].record == "5555\t2026-03-09 08:00:00\t0\t1"  # laid out like an ATTLOG line
    assert terminal.opened_with == [("192.168.1.201", 4370, 10, 1234, True)]
    assert terminal.calls == ["disable", "get_attendance", "enable", "disconnect"]

    again = puller.pull()  # the log is read whole every time: nothing is sent twice
    assert [type(a) for a in again[:3]] == [Redelivered] * 3
    assert outbox.counts()["pending"] == 3 and outbox.counts()["quarantined"] == 2


def test_follow_catches_up_then_streams_until_stopped(terminal: Terminal, puller: PyzkPuller, outbox: Outbox) -> None:
    terminal.log = [Attendance("1001", dt.datetime(2026, 3, 9, 8, 0), 1, 0)]
    terminal.live = [
        None,
        Attendance("1002", dt.datetime(2026, 3, 9, 9, 0), 1, 0),
        None,
        Attendance("1002", dt.datetime(2026, 3, 9, 17, 0), 1, 1),
    ]
    stop = threading.Event()
    seen = []
    for admission in puller.follow(stop, poll=2):
        seen.append(admission)
        if len(seen) == 3:
            stop.set()
    assert [(p.employee, p.kind) for p in seen] == [("alice", "in"), ("bob", "in"), ("bob", "out")]
    assert terminal.calls[-3:] == ["live_capture(2)", "live capture ended", "disconnect"]
    assert outbox.counts()["pending"] == 3


def test_a_different_terminal_at_the_address_is_refused(terminal: Terminal, puller: PyzkPuller) -> None:
    terminal.serial = "SOMEONEELSE"
    with pytest.raises(PullError, match=r"192\.168\.1\.201:4370 is terminal 'SOMEONEELSE', not gate-2"):
        puller.pull()
    assert terminal.calls == ["disconnect"]


def test_without_pyzk_the_error_names_the_extra(puller: PyzkPuller, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zk", None)  # makes `import zk` fail
    with pytest.raises(PullError, match=r"needs pyzk: pip install 'lawdsl\[zkteco\]'"):
        puller.pull()


def test_a_device_without_an_address_cannot_be_pulled(intake: Intake, config: GatewayConfig) -> None:
    with pytest.raises(PullError, match="gate-1 .CQZ7224460246. has no 'address'"):
        PyzkPuller(intake, config.devices["CQZ7224460246"])
