"""The durable outbox between the device adapters and the chain submitter.

A punch is written here before anything is sent, and moves through states
only forward:

    pending ──mark_sent(tx)──► sent ──mark_confirmed(block)──► confirmed
       │                        │  ▲
       │                        │  └─ mark_sent again (re-sent after a restart or a dropped tx)
       └──────────── mark_rejected(reason) ──────────────────► rejected

Every change is one SQLite transaction (`BEGIN IMMEDIATE` … `COMMIT`) in WAL
mode with `synchronous=FULL`: a process killed at any instant leaves each
punch in its old state or its new one, never in between, and a commit that
returned has reached the disk. That matters because the ADMS receiver answers
a terminal `OK` only after the commit, and a terminal that got `OK` deletes
nothing but never sends those records again.

Records that are not punches (malformed, unknown device, …) go to the
quarantine table with their reason; the same record arriving again bumps a
counter instead of adding a row, so a terminal re-sending a bad batch every
minute does not grow the database.

The connection is shared by the gateway's threads (the receiver's and the
submitter's) behind a re-entrant lock; other processes (`oracle import`,
`oracle status`) open their own `Outbox` on the same file, which WAL allows
alongside one writer.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from oracles.devices.records import CanonicalPunch, Kind, Quarantined

STATES = ("pending", "sent", "confirmed", "rejected")
SCHEMA_VERSION = 1
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MICROSECOND = dt.timedelta(microseconds=1)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS punches (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,  -- arrival order: the order punches are sent in
    key         TEXT NOT NULL UNIQUE,
    serial      TEXT NOT NULL,
    device      TEXT NOT NULL,
    employee    TEXT NOT NULL,
    at          TEXT NOT NULL,                       -- ISO 8601 with the device's UTC offset
    instant     INTEGER NOT NULL,                    -- unix microseconds, for ordering
    kind        TEXT NOT NULL CHECK (kind IN ('in', 'out')),
    source      TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'confirmed', 'rejected')),
    tx_hash     TEXT,
    block       INTEGER,
    reason      TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,          -- how many transactions carried it
    received_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS punches_by_state ON punches (state, seq);
CREATE INDEX IF NOT EXISTS punches_by_employee ON punches (employee, instant);
CREATE TABLE IF NOT EXISTS quarantine (
    id         INTEGER PRIMARY KEY,
    source     TEXT NOT NULL,
    record     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    times      INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    UNIQUE (source, record, reason)
);
CREATE TABLE IF NOT EXISTS stamps (                  -- ADMS upload stamps, per terminal and table
    serial TEXT NOT NULL,
    tab    TEXT NOT NULL,
    stamp  TEXT NOT NULL,
    PRIMARY KEY (serial, tab)
);
"""

_PUNCH_COLUMNS = "serial, device, employee, at, kind, source"
_READ_COLUMNS = "key, " + _PUNCH_COLUMNS


class OutboxError(RuntimeError):
    """A state change that the outbox's state machine does not allow; nothing was changed."""


@dataclass(frozen=True)
class ErrorEntry:
    """A quarantined record or a punch the contract rejected, for `oracle status`."""

    when: dt.datetime
    source: str
    reason: str  # a quarantine `Reason` code, or "rejected"
    detail: str
    record: str
    times: int


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _instant(at: dt.datetime) -> int:
    return (at - _EPOCH) // _MICROSECOND


def _punch(row: sqlite3.Row) -> CanonicalPunch:
    return CanonicalPunch.stored(
        row["key"],
        row["serial"],
        row["device"],
        row["employee"],
        dt.datetime.fromisoformat(row["at"]),
        row["kind"],
        row["source"],
    )


class Outbox:
    """The outbox in one SQLite file; see the module docstring for the guarantees."""

    def __init__(
        self, path: str | Path, clock: Callable[[], dt.datetime] = utc_now, busy_timeout: float = 30.0
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.RLock()
        self._depth = 0
        # isolation_level=None: transactions are begun and ended here, explicitly, never implicitly by the module.
        self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA cache_size=-65536")  # 64 MiB (default 2): the indexes stay cached as the file grows
        with self.transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise OutboxError(f"{self.path} has outbox schema {version}; this code knows {SCHEMA_VERSION}")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit: everything inside commits together or not at all.

        Nested uses join the outermost transaction, so an adapter can admit a
        whole upload (many `add`/`quarantine` calls) as one unit. BEGIN
        IMMEDIATE takes the write lock up front, so checks made inside (is this
        key here? what was this employee's last punch?) still hold at commit.
        Yields the connection, for tables other modules keep in the same file
        (the submitter's journal).
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # also when COMMIT itself failed (disk full): leave no open transaction
                    self._db.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection under the outbox's lock, for reads of other modules' tables in the file.

        Threads of one process (the receiver's, the submitter's) share one
        `Outbox` and so wait for each other on this lock: with a connection
        each they waited on SQLite's busy handler, which sleeps up to 100 ms
        between tries (measured: the submitter stalled 2.5 s in 6 behind
        uploads).
        """
        with self._lock:
            yield self._db

    def _now(self) -> str:
        return self._clock().astimezone(dt.timezone.utc).isoformat()

    # ---------------------------------------------------------------- intake side

    def add(self, punch: CanonicalPunch) -> bool:
        """Record a punch as pending; False (and no change) if its dedupe key is already here."""
        now = self._now()
        with self.transaction():
            cursor = self._db.execute(
                f"INSERT INTO punches (key, {_PUNCH_COLUMNS}, instant, received_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                (
                    punch.key,
                    punch.serial,
                    punch.device,
                    punch.employee,
                    punch.at.isoformat(),
                    punch.kind,
                    punch.source,
                    _instant(punch.at),
                    now,
                    now,
                ),
            )
            return cursor.rowcount == 1

    def has(self, key: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM punches WHERE key = ?", (key,)).fetchone() is not None

    def latest(
        self, employee: str, serial: str | None = None, until: dt.datetime | None = None
    ) -> tuple[dt.datetime, Kind] | None:
        """The employee's latest punch in time (any state): on terminal `serial` only, and not
        later than `until`, when given (see `Intake.admit` for why each)."""
        where = "employee = ?"
        params: list[str | int] = [employee]
        if serial is not None:
            where, params = where + " AND serial = ?", [*params, serial]
        if until is not None:
            where, params = where + " AND instant <= ?", [*params, _instant(until)]
        with self._lock:
            row = self._db.execute(
                f"SELECT at, kind FROM punches WHERE {where} ORDER BY instant DESC LIMIT 1", params
            ).fetchone()
        return (dt.datetime.fromisoformat(row["at"]), row["kind"]) if row else None

    def shift_of(self, punch: CanonicalPunch) -> tuple[dt.datetime, str | None] | None:
        """For a clock-out: the employee's punch just before it, when that is a clock-in (the open
        shift it closes), with the transaction that carried it (None: not sent yet)."""
        with self._lock:
            row = self._db.execute(
                "SELECT at, kind, tx_hash FROM punches WHERE employee = ? AND instant < ?"
                " ORDER BY instant DESC LIMIT 1",
                (punch.employee, _instant(punch.at)),
            ).fetchone()
        if row is None or row["kind"] != "in":
            return None
        return dt.datetime.fromisoformat(row["at"]), row["tx_hash"]

    def quarantine(self, item: Quarantined) -> None:
        now = self._now()
        with self.transaction():
            self._db.execute(
                "INSERT INTO quarantine (source, record, reason, detail, first_seen, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (source, record, reason) DO UPDATE SET times = times + 1, last_seen = excluded.last_seen,"
                " detail = excluded.detail",
                (item.source, item.record, str(item.reason), item.detail, now, now),
            )

    def stamp(self, serial: str, table: str) -> str | None:
        """The last upload stamp a terminal reported for a table (ADMS `ATTLOGStamp`)."""
        with self._lock:
            row = self._db.execute("SELECT stamp FROM stamps WHERE serial = ? AND tab = ?", (serial, table)).fetchone()
        return row["stamp"] if row else None

    def set_stamp(self, serial: str, table: str, stamp: str) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO stamps (serial, tab, stamp) VALUES (?, ?, ?)"
                " ON CONFLICT (serial, tab) DO UPDATE SET stamp = excluded.stamp",
                (serial, table, stamp),
            )

    # ---------------------------------------------------------------- submitter side

    def pending(self, limit: int) -> list[CanonicalPunch]:
        """The oldest pending punches, in arrival order (per employee that is time order)."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_READ_COLUMNS} FROM punches WHERE state = 'pending' ORDER BY seq LIMIT ?", (limit,)
            ).fetchall()
        return [_punch(row) for row in rows]

    def find(self, keys: Sequence[str]) -> dict[str, CanonicalPunch]:
        """The punches among `keys` that this outbox holds, in any state, by key."""
        found: dict[str, CanonicalPunch] = {}
        with self._lock:
            for start in range(0, len(keys), 500):  # SQLite bounds the number of parameters
                chunk = list(keys[start : start + 500])
                rows = self._db.execute(
                    f"SELECT {_READ_COLUMNS} FROM punches WHERE key IN ({', '.join('?' for _ in chunk)})", chunk
                ).fetchall()
                found.update((row["key"], _punch(row)) for row in rows)
        return found

    def unconfirmed(self) -> dict[str, list[CanonicalPunch]]:
        """Sent but not confirmed punches, by transaction hash, in arrival order.

        After a restart the submitter asks the chain for each hash's receipt:
        mined → `mark_confirmed`; unknown → send again and `mark_sent` with the
        new hash (the contract refuses a punch it has already seen, so a
        transaction that was in fact mined cannot pay twice).
        """
        with self._lock:
            rows = self._db.execute(
                f"SELECT tx_hash, {_READ_COLUMNS} FROM punches WHERE state = 'sent' ORDER BY seq"
            ).fetchall()
        by_tx: dict[str, list[CanonicalPunch]] = defaultdict(list)
        for row in rows:
            by_tx[row["tx_hash"]].append(_punch(row))
        return dict(by_tx)

    def mark_sent(self, keys: Iterable[str], tx_hash: str, strict: bool = True) -> int:
        """Pending or sent punches → sent in `tx_hash` (the newest hash wins on a re-send).

        `strict=False` leaves alone the keys already settled (a batch re-sent
        after a chain restart may find its punches confirmed from the first
        time) instead of refusing the lot; the count says how many moved.
        """
        return self._move(
            "sent",
            ("pending", "sent"),
            "tx_hash = ?, attempts = attempts + 1",
            [(tx_hash, key) for key in dict.fromkeys(keys)],
            strict,
        )

    def mark_confirmed(self, keys: Iterable[str], block: int) -> None:
        self._move("confirmed", ("sent",), "block = ?", [(block, key) for key in dict.fromkeys(keys)], True)

    def mark_rejected(self, key: str, reason: str, strict: bool = True) -> int:
        return self._move("rejected", ("pending", "sent"), "reason = ?", [(reason, key)], strict)

    def settle_mined(self, keys: Sequence[str], tx_hash: str, block: int) -> int:
        """The transaction `tx_hash` carrying `keys` was mined: confirm those not settled yet.

        A key still pending is first marked sent in it (the gateway died after
        the node took the transaction, before `mark_sent`), so every punch
        still passes through `sent`. Returns how many were confirmed.
        """
        with self.transaction():
            self._move(
                "sent", ("pending",), "tx_hash = ?, attempts = attempts + 1", [(tx_hash, key) for key in keys], False
            )
            return self._move("confirmed", ("sent",), "block = ?", [(block, key) for key in keys], False)

    def _move(
        self, state: str, allowed: tuple[str, ...], assignments: str, rows: list[tuple[object, str]], strict: bool
    ) -> int:
        """Move each (value, key) row's punch to `state`, setting `assignments` from the value.

        One `executemany` (one statement per key was most of a flush's time).
        Strict: all or none — a key not in an `allowed` state aborts the lot,
        naming the first offender; otherwise such keys are skipped.
        """
        placeholders = ", ".join("?" for _ in allowed)
        now = self._now()
        with self.transaction():
            if strict:
                self._check_states([key for _, key in rows], state, allowed)
            return self._db.executemany(
                f"UPDATE punches SET state = ?, updated_at = ?, {assignments}"
                f" WHERE key = ? AND state IN ({placeholders})",
                [(state, now, value, key, *allowed) for value, key in rows],
            ).rowcount

    def _check_states(self, keys: list[str], state: str, allowed: tuple[str, ...]) -> None:
        for key in keys:
            row = self._db.execute("SELECT state FROM punches WHERE key = ?", (key,)).fetchone()
            if row is None or row["state"] not in allowed:
                where = f"is {row['state']}" if row else "is not in the outbox"
                raise OutboxError(f"punch {key} {where}; only a {' or '.join(allowed)} punch can become {state}")

    # ---------------------------------------------------------------- status

    def counts(self) -> dict[str, int]:
        """Punches per state, and quarantined records (each distinct record once)."""
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) AS n FROM punches GROUP BY state").fetchall()
            quarantined = self._db.execute("SELECT COUNT(*) FROM quarantine").fetchone()[0]
        counts = dict.fromkeys(STATES, 0) | {row["state"]: row["n"] for row in rows}
        return counts | {"quarantined": quarantined}

    def unsettled(self) -> int:
        """Pending and sent punches: an index range, cheap to poll where `counts` scans every punch."""
        with self._lock:
            query = "SELECT COUNT(*) FROM punches WHERE state IN ('pending', 'sent')"
            count: int = self._db.execute(query).fetchone()[0]
            return count

    def last_errors(self, limit: int = 20) -> list[ErrorEntry]:
        """The most recent quarantined records and rejected punches, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT last_seen AS at, source, reason, detail, record, times FROM quarantine"
                " UNION ALL"
                " SELECT updated_at, source, 'rejected', reason,"
                "        employee || ' ' || kind || ' at ' || at || ' on ' || device, 1"
                " FROM punches WHERE state = 'rejected'"
                " ORDER BY at DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            ErrorEntry(
                dt.datetime.fromisoformat(row["at"]),
                row["source"],
                row["reason"],
                row["detail"],
                row["record"],
                row["times"],
            )
            for row in rows
        ]

    def lag(self) -> dt.timedelta | None:
        """How long the oldest unsettled (pending or sent) punch has waited; None when all are settled.

        Sent punches count: a transaction that is never mined leaves the
        worker just as unpaid as one never sent.
        """
        with self._lock:
            oldest = self._db.execute(
                "SELECT MIN(received_at) FROM punches WHERE state IN ('pending', 'sent')"
            ).fetchone()[0]
        return self._clock() - dt.datetime.fromisoformat(oldest) if oldest else None
