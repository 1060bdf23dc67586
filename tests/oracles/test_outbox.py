"""The outbox: idempotent on the dedupe key, forward-only states, and crash-safe."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from oracles.devices.records import CanonicalPunch, Quarantined, Reason
from oracles.outbox import Outbox, OutboxError

from .conftest import Clock, at

ROOT = Path(__file__).resolve().parents[2]


def punches(n: int, employee: str = "alice") -> list[CanonicalPunch]:
    start = at("2026-03-09 08:00")
    return [
        CanonicalPunch("CQZ7224460246", "gate-1", employee, start + dt.timedelta(hours=i), ("in", "out")[i % 2], "test")
        for i in range(n)
    ]


def states(box: Outbox) -> dict[str, int]:
    return {state: n for state, n in box.counts().items() if n}


def test_add_is_idempotent_on_the_dedupe_key(outbox: Outbox) -> None:
    p = punches(1)[0]
    assert outbox.add(p) is True
    assert outbox.add(p) is False
    assert outbox.add(CanonicalPunch(p.serial, p.device, p.employee, p.at, p.kind, "another adapter")) is False
    assert outbox.pending(10) == [p] and states(outbox) == {"pending": 1}


def test_a_punch_goes_pending_sent_confirmed(outbox: Outbox, clock: Clock) -> None:
    batch = punches(3)
    for p in batch:
        outbox.add(p)
    assert outbox.pending(2) == batch[:2]  # arrival order, limited
    outbox.mark_sent([p.key for p in batch[:2]], "0xaa")
    assert outbox.pending(10) == batch[2:]
    assert outbox.unconfirmed() == {"0xaa": batch[:2]}
    clock.now += dt.timedelta(minutes=3)
    assert outbox.lag() == dt.timedelta(minutes=3)
    outbox.mark_sent([batch[1].key], "0xbb")  # re-sent after a restart: the new hash wins
    assert outbox.unconfirmed() == {"0xaa": batch[:1], "0xbb": batch[1:2]}
    outbox.mark_confirmed([batch[0].key], 17)
    outbox.mark_confirmed([batch[1].key], 18)
    outbox.mark_sent([batch[2].key], "0xcc")
    outbox.mark_confirmed([batch[2].key], 18)
    assert states(outbox) == {"confirmed": 3} and outbox.unconfirmed() == {} and outbox.lag() is None


def test_illegal_moves_change_nothing(outbox: Outbox) -> None:
    a, b = punches(2)
    outbox.add(a)
    outbox.add(b)
    outbox.mark_sent([a.key], "0xaa")
    with pytest.raises(OutboxError, match=f"punch {b.key} is pending; only a sent punch can become confirmed"):
        outbox.mark_confirmed([a.key, b.key], 5)  # a alone would be fine: all or nothing
    assert outbox.unconfirmed() == {"0xaa": [a]} and outbox.pending(10) == [b]
    with pytest.raises(OutboxError, match="is not in the outbox"):
        outbox.mark_sent(["0" * 64], "0xbb")
    outbox.mark_confirmed([a.key], 5)
    with pytest.raises(OutboxError, match="is confirmed"):
        outbox.mark_rejected(a.key, "too late")


def test_lenient_moves_skip_settled_punches_and_count_the_rest(outbox: Outbox) -> None:
    """What the submitter does with a batch re-mined after a chain restart: its punches may be
    settled already (confirmed, rejected) or still pending; only the unsettled ones move."""
    a, b, c, d = punches(4)
    for p in (a, b, c, d):
        outbox.add(p)
    outbox.mark_sent([a.key, b.key], "0xaa")
    outbox.mark_confirmed([a.key], 7)
    assert outbox.mark_rejected(c.key, "Refused", strict=False) == 1
    assert outbox.mark_sent([a.key, b.key, c.key, d.key], "0xbb", strict=False) == 2  # b again, d anew
    assert outbox.unconfirmed() == {"0xbb": [b, d]} and outbox.unsettled() == 2
    assert outbox.settle_mined([a.key, b.key, c.key, d.key], "0xbb", 9) == 2
    assert states(outbox) == {"confirmed": 3, "rejected": 1} and outbox.unsettled() == 0


def test_a_mined_batch_confirms_punches_the_gateway_never_marked_sent(outbox: Outbox) -> None:
    """Killed after the node took the transaction, before `mark_sent`: the receipt still settles
    them, through `sent` (the transaction's hash is recorded)."""
    batch = punches(2)
    for p in batch:
        outbox.add(p)
    assert outbox.settle_mined([p.key for p in batch], "0xcc", 3) == 2
    with outbox.reading() as db:
        rows = db.execute("SELECT state, tx_hash, block, attempts FROM punches ORDER BY seq").fetchall()
    assert [tuple(row) for row in rows] == [("confirmed", "0xcc", 3, 1)] * 2


def test_rejections_and_quarantine_are_the_last_errors(outbox: Outbox, clock: Clock) -> None:
    a, _ = punches(2)
    bad = Quarantined("9999\t2026-03-09 08:00:00\t0", "zkteco-push:X", Reason.UNKNOWN_EMPLOYEE, "PIN '9999'")
    outbox.quarantine(bad)
    clock.now += dt.timedelta(seconds=1)
    outbox.add(a)
    outbox.mark_sent([a.key], "0xaa")
    clock.now += dt.timedelta(seconds=1)
    outbox.mark_rejected(a.key, "DeviceNotBound")
    clock.now += dt.timedelta(seconds=1)
    outbox.quarantine(bad)  # the terminal sent it again: counted, not repeated
    errors = outbox.last_errors()
    assert [(e.reason, e.times) for e in errors] == [("unknown-employee", 2), ("rejected", 1)]
    assert (
        errors[1].detail == "DeviceNotBound" and "alice in at 2026-03-09T08:00:00+08:00 on gate-1" in errors[1].record
    )
    assert states(outbox) == {"rejected": 1, "quarantined": 1}


def test_state_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    a, b = punches(2)
    with Outbox(path) as box:
        box.add(a)
        box.add(b)
        box.mark_sent([a.key], "0xaa")
        box.set_stamp("CQZ7224460246", "ATTLOG", "9999")
    with Outbox(path) as box:
        assert box.unconfirmed() == {"0xaa": [a]} and box.pending(10) == [b]
        assert box.stamp("CQZ7224460246", "ATTLOG") == "9999" and box.stamp("CQZ7224460246", "OPERLOG") is None
        assert box.latest("alice") == (b.at, "out")
        assert box._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version=99")
    with pytest.raises(OutboxError, match="schema 99"):
        Outbox(path)


def test_two_connections_see_only_committed_work(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    writer, reader = Outbox(path), Outbox(path, busy_timeout=0.1)
    a, b = punches(2)
    with pytest.raises(KeyboardInterrupt):
        with writer.transaction():
            writer.add(a)
            writer.add(b)
            assert states(reader) == {}  # WAL: the reader is not blocked and sees nothing uncommitted
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                reader.add(a)  # one writer at a time
            raise KeyboardInterrupt  # dies mid-way: never commits
    assert states(reader) == {} and states(writer) == {}
    writer._db.execute("BEGIN IMMEDIATE")  # and a connection simply abandoned inside a transaction
    writer._db.execute("INSERT INTO stamps VALUES ('S', 'ATTLOG', '1')")
    writer._db.close()
    with Outbox(path) as reopened:
        assert reopened.stamp("S", "ATTLOG") is None
        assert reopened.add(a) is True
    reader.close()


# A process that does real outbox work and is SIGKILLed in the middle of it:
# the trace callback fires as each SQL statement starts, so "kill at the Nth
# UPDATE/INSERT" lands between two statements of one outbox transaction.
CRASH = textwrap.dedent("""
    import datetime as dt, os, signal, sys
    from oracles.devices.records import CanonicalPunch
    from oracles.outbox import Outbox

    path, verb, kill_at, action = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    box = Outbox(path)
    seen = 0
    def trace(sql):
        global seen
        if sql.lstrip().upper().startswith(verb):
            seen += 1
            if seen == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
    start = dt.datetime(2026, 3, 9, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    batch = [CanonicalPunch("S", "gate-1", f"emp-{i}", start, "in", "crash") for i in range(5)]
    box._db.set_trace_callback(trace)
    if action == "add":
        with box.transaction():
            for p in batch:
                box.add(p)
    else:
        box.mark_sent([p.key for p in batch], "0xdead")
    print("finished")
""")


def run_and_kill(path: Path, verb: str, kill_at: int, action: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CRASH, str(path), verb, str(kill_at), action],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("kill_at", [2, 5])
def test_killed_while_adding_a_batch_leaves_no_trace(tmp_path: Path, kill_at: int) -> None:
    path = tmp_path / "outbox.db"
    Outbox(path).close()
    crashed = run_and_kill(path, "INSERT", kill_at, "add")
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    with Outbox(path) as box:
        assert states(box) == {}
    finished = run_and_kill(path, "NOTHING", 1, "add")  # the retry, after the crash, goes through whole
    assert finished.stdout.strip() == "finished", finished.stderr
    with Outbox(path) as box:
        assert states(box) == {"pending": 5}


def test_killed_while_marking_sent_leaves_every_punch_pending(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    assert run_and_kill(path, "NOTHING", 1, "add").returncode == 0
    crashed = run_and_kill(path, "UPDATE", 3, "mark")  # two of five already updated in the transaction
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    with Outbox(path) as box:
        assert states(box) == {"pending": 5} and box.unconfirmed() == {}


class OutboxModel(RuleBasedStateMachine):
    """Random sequences of outbox calls, reopening the file now and then, against a dict of states."""

    POOL = punches(8) + punches(4, "bob")

    def __init__(self) -> None:
        super().__init__()
        self.directory = tempfile.TemporaryDirectory()
        self.path = Path(self.directory.name) / "outbox.db"
        self.box = Outbox(self.path)
        self.state: dict[str, str] = {}  # key → state, in arrival order
        self.tx: dict[str, str] = {}

    keys = st.lists(st.sampled_from([p.key for p in POOL]), min_size=1, max_size=4, unique=True)

    @rule(punch=st.sampled_from(POOL))
    def add(self, punch: CanonicalPunch) -> None:
        assert self.box.add(punch) is (punch.key not in self.state)
        self.state.setdefault(punch.key, "pending")

    @rule(keys=keys, tx=st.sampled_from(["0x01", "0x02"]))
    def mark_sent(self, keys: list[str], tx: str) -> None:
        self._move(keys, "sent", ("pending", "sent"), lambda: self.box.mark_sent(keys, tx))
        if all(self.state.get(k) == "sent" for k in keys):
            self.tx.update(dict.fromkeys(keys, tx))

    @rule(keys=keys)
    def mark_confirmed(self, keys: list[str]) -> None:
        self._move(keys, "confirmed", ("sent",), lambda: self.box.mark_confirmed(keys, 7))

    @rule(key=st.sampled_from([p.key for p in POOL]))
    def mark_rejected(self, key: str) -> None:
        self._move([key], "rejected", ("pending", "sent"), lambda: self.box.mark_rejected(key, "Refused"))

    @rule()
    def reopen(self) -> None:
        self.box.close()
        self.box = Outbox(self.path)

    def _move(self, keys: list[str], target: str, allowed: tuple[str, ...], call: Callable[[], None]) -> None:
        if all(self.state.get(k) in allowed for k in keys):
            call()
            self.state.update(dict.fromkeys(keys, target))
        else:
            with pytest.raises(OutboxError):
                call()

    @invariant()
    def agrees_with_the_model(self) -> None:
        expected = Counter(self.state.values())
        assert states(self.box) == {s: n for s, n in expected.items() if n}
        assert [p.key for p in self.box.pending(100)] == [k for k, s in self.state.items() if s == "pending"]
        assert {tx: [p.key for p in ps] for tx, ps in self.box.unconfirmed().items()} == {
            tx: [k for k, s in self.state.items() if s == "sent" and self.tx[k] == tx]
            for tx in {self.tx[k] for k, s in self.state.items() if s == "sent"}
        }

    def teardown(self) -> None:
        self.box.close()
        self.directory.cleanup()


TestOutboxModel = OutboxModel.TestCase
TestOutboxModel.settings = settings(max_examples=30, stateful_step_count=25, deadline=None)
