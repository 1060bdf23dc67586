"""The submitter's journal: every signed transaction, raw, in the outbox's file before it is sent.

Its nonce and the device's batch sequence number are fixed inside the
signed bytes, so sending the same bytes again can never apply a batch twice;
after a restart of the gateway or of the chain, every journalled
transaction whose nonce the chain has not used yet is broadcast again, byte
for byte (`oracles/submitter.py` says why). The batches a signer refused
(`SigningErrors`) are kept in the same file for `oracle status`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .outbox import Outbox

_JOURNAL = """
CREATE TABLE IF NOT EXISTS chain_journal (
    sender   TEXT NOT NULL,
    nonce    INTEGER NOT NULL,
    tx_hash  TEXT NOT NULL,
    raw      BLOB NOT NULL,
    device   TEXT,                 -- NULL for a keeper call
    sequence INTEGER,
    keys     TEXT NOT NULL,        -- dedupe keys, newline-separated, in batch order
    state    TEXT NOT NULL CHECK (state IN ('open', 'done', 'failed')),
    block    INTEGER,
    PRIMARY KEY (sender, nonce)
)
"""


@dataclass
class Entry:
    """One signed transaction as journalled."""

    nonce: int
    tx_hash: str
    raw: bytes
    device: str | None
    sequence: int | None
    keys: list[str]
    state: str = "open"
    sent_at: float = field(default_factory=time.monotonic)
    target: str | None = None  # the statute a batch was signed for (None: a keeper call, or an older journal)


class Journal:
    """Signed transactions of one sender, by nonce, durable before they are sent.

    A table in the outbox's file, used through the outbox's connection and
    lock, so the gateway's threads queue on that lock instead of sleeping in
    SQLite's busy handler.
    """

    def __init__(self, outbox: Outbox, sender: str) -> None:
        self.sender = sender
        self._outbox = outbox
        with outbox.transaction() as db:
            db.execute(_JOURNAL)
            columns = {row[1] for row in db.execute("PRAGMA table_info(chain_journal)")}
            if "target" not in columns:  # a journal written before statutes had versions on one gateway
                db.execute("ALTER TABLE chain_journal ADD COLUMN target TEXT")

    def add(self, entries: Sequence[Entry]) -> None:
        with self._outbox.transaction() as db:
            db.executemany(
                "INSERT INTO chain_journal (sender, nonce, tx_hash, raw, device, sequence, keys, state, target)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
                [
                    (self.sender, e.nonce, e.tx_hash, e.raw, e.device, e.sequence, "\n".join(e.keys), e.target)
                    for e in entries
                ],
            )

    def settle(self, entries: Sequence[Entry], blocks: Sequence[int | None]) -> None:
        with self._outbox.transaction() as db:
            db.executemany(
                "UPDATE chain_journal SET state = ?, block = ? WHERE sender = ? AND nonce = ?",
                [(e.state, b, self.sender, e.nonce) for e, b in zip(entries, blocks)],
            )

    def entries(self, from_nonce: int = 0, states: tuple[str, ...] = ("open", "done", "failed")) -> list[Entry]:
        marks = ", ".join("?" for _ in states)
        with self._outbox.reading() as db:
            rows = db.execute(
                f"SELECT nonce, tx_hash, raw, device, sequence, keys, state, target FROM chain_journal"
                f" WHERE sender = ? AND nonce >= ? AND state IN ({marks}) ORDER BY nonce",
                (self.sender, from_nonce, *states),
            ).fetchall()
        return [
            Entry(n, h, bytes(r), d, s, k.split("\n") if k else [], st, target=t) for n, h, r, d, s, k, st, t in rows
        ]

    def next_nonce(self) -> int:
        with self._outbox.reading() as db:
            row = db.execute("SELECT MAX(nonce) FROM chain_journal WHERE sender = ?", (self.sender,)).fetchone()
        return 0 if row[0] is None else row[0] + 1

    def open_count(self) -> int:
        with self._outbox.reading() as db:
            count: int = db.execute(
                "SELECT COUNT(*) FROM chain_journal WHERE sender = ? AND state = 'open'", (self.sender,)
            ).fetchone()[0]
            return count

    def target_of(self, tx_hash: str) -> str | None:
        """The statute a journalled batch was sent to (None: unknown, or a journal older than versions)."""
        with self._outbox.reading() as db:
            row = db.execute("SELECT target FROM chain_journal WHERE tx_hash = ?", (tx_hash,)).fetchone()
        return None if row is None else row[0]

    def max_sequences(self) -> dict[tuple[str | None, str], int]:
        """Per statute and device, the highest sequence number a not-failed transaction carries (a
        device has its own sequence on each version of a statute)."""
        with self._outbox.reading() as db:
            rows = db.execute(
                "SELECT target, device, MAX(sequence) FROM chain_journal WHERE sender = ? AND device IS NOT"
                " NULL AND state != 'failed' GROUP BY target, device",
                (self.sender,),
            ).fetchall()
        return {(target, device): sequence for target, device, sequence in rows}


_SIGNING_ERRORS = """
CREATE TABLE IF NOT EXISTS signing_errors (
    device     TEXT NOT NULL,     -- the terminal's label
    detail     TEXT NOT NULL,     -- why its batch waits (each refusal, by whom; the revert decoded)
    times      INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT 'unsigned',  -- unsigned | unregistered-device | reverted
    PRIMARY KEY (device, detail)
)
"""

#: Why a batch waits in the outbox instead of going to the chain (`oracle status` shows them).
UNSIGNED, UNREGISTERED, REVERTED = "unsigned", "unregistered-device", "reverted"


@dataclass(frozen=True)
class SigningError:
    """A held batch as `oracle status` shows it: its signer would not vouch for it, its device is
    not registered, or the contract reverted it."""

    when: dt.datetime
    device: str
    detail: str
    times: int
    reason: str = UNSIGNED


class SigningErrors:
    """Refusals to sign, in the outbox's file: the same refusal again (a batch retried every few
    seconds) bumps a counter instead of adding a row, as the quarantine does."""

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox
        with outbox.transaction() as db:
            db.execute(_SIGNING_ERRORS)
            columns = {row[1] for row in db.execute("PRAGMA table_info(signing_errors)")}
            if "reason" not in columns:  # an outbox written before holds had reasons
                db.execute("ALTER TABLE signing_errors ADD COLUMN reason TEXT NOT NULL DEFAULT 'unsigned'")

    def record(self, device: str, detail: str, reason: str = UNSIGNED) -> None:
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        with self._outbox.transaction() as db:
            db.execute(
                "INSERT INTO signing_errors (device, detail, first_seen, last_seen, reason)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (device, detail) DO UPDATE SET times = times + 1,"
                " last_seen = excluded.last_seen",
                (device, detail, now, now, reason),
            )


def read_table(path: str | Path, table: str, query: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows of `query` on the outbox file at `path`, or none while `table` does not exist (no
    gateway has written it yet): how `oracle status`, another process, reads the gateway's tables."""
    with closing(sqlite3.connect(path)) as db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone() is None:
            return []
        return db.execute(query, params).fetchall()


def signing_errors(path: str | Path, limit: int = 10) -> list[SigningError]:
    """The newest refusals to sign recorded in an outbox file, newest first (none before any)."""
    rows = read_table(
        path,
        "signing_errors",
        "SELECT last_seen, device, detail, times, reason FROM signing_errors ORDER BY last_seen DESC LIMIT ?",
        (limit,),
    )
    return [
        SigningError(dt.datetime.fromisoformat(when), device, detail, times, reason)
        for when, device, detail, times, reason in rows
    ]


def journal_summary(path: str | Path) -> dict[str, int | None]:
    """Transactions per journal state and the latest block one was mined in, for `oracle status`."""
    summary: dict[str, int | None] = {"open": 0, "done": 0, "failed": 0, "block": None}
    rows = read_table(path, "chain_journal", "SELECT state, COUNT(*), MAX(block) FROM chain_journal GROUP BY state")
    summary.update((state, count) for state, count, _ in rows)
    summary["block"] = max((block for *_, block in rows if block is not None), default=None)
    return summary
