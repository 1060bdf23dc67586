"""The portal's SQLite index of chain facts: a cache, rebuilt from the chain whenever asked.

Only what logs and view calls say is stored, never anything from the
oracle's outbox, so `--rebuild` (delete, then read the chain again) gives the
same index. Every row carries `pos = block * 2**20 + log index`: the chain's
own order, stable however the rows arrive. Pages read pages of rows by
`pos` (keyset pagination), so the newest payments cost the same with ten
rows or a million.

Chain integers are uint256 (a gateway's punch refs are often above 2**63),
and SQLite's INTEGER is 64-bit signed: every number that comes from the
chain is stored as a `DECTEXT` (a type name with text affinity, so SQLite
never turns it back into a number): its decimal digits behind a two-digit
length (`big`), so text order is number order and nothing is ever cut.
Reads give Python ints back through the column type; sums go through
`BIGSUM`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils.address import to_checksum_address

from chain.abi import checksum
from chain.domains.driver import article_text
from chain.domains.working_time import PERIODS, PUNCH_REASONS
from chain.reader import ChainReader, RawEvent
from chain.registry import Enactment
from compiler.dates import EPOCH, day_date
from lawdsl.ast import Domain
from lawdsl.interpret.working_time import period_name

LOG_SHIFT = 20  # pos = block << LOG_SHIFT | log index: a block never holds a million logs
#: Blocks read per step of a sync: one `eth_getLogs` for all statutes, one transaction of inserts.
CHUNK = 5_000
#: Logs decoded between two progress reports inside a step: a gateway's blocks hold hundreds of
#: punches, so a first sync of 100,000 fits in one step and would otherwise show nothing for 40 s.
REPORT_EVERY = 2_000
WIDTH = 2  # digits of a DECTEXT's length prefix: up to 99 digits (2**256 has 78)


def big(value: int) -> str:
    """A chain integer as sortable text: `big(a) < big(b)` exactly when `a < b` (0 ≤ a, b < 10**99)."""
    if value < 0:
        raise ValueError(f"chain integers are unsigned: {value}")
    digits = str(value)
    return f"{len(digits):0{WIDTH}d}{digits}"


def unbig(text: bytes | str) -> int:
    return int(text[WIDTH:])


sqlite3.register_converter("DECTEXT", unbig)


class BigSum:
    """SQL aggregate `BIGSUM(column)`: the exact sum of DECTEXTs, as a DECTEXT."""

    def __init__(self) -> None:
        self.total = 0

    def step(self, value: str | None) -> None:
        if value is not None:
            self.total += unbig(value)

    def finalize(self) -> str:
        return big(self.total)


def week_of(time: str, offset: int) -> str:
    """SQL function `WEEK(time, offset)`: weeks since 1970 that begin on Monday, in the zone `offset`
    seconds east of UTC (day 0, 1970-01-01, was a Thursday)."""
    return big(((unbig(time) + offset) // 86400 + 3) // 7)


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS statutes (
    address TEXT PRIMARY KEY, registry TEXT NOT NULL, title TEXT NOT NULL, version DECTEXT NOT NULL,
    law_hash TEXT NOT NULL, effective_from DECTEXT NOT NULL, block DECTEXT NOT NULL, tx TEXT NOT NULL,
    domain TEXT, currency TEXT NOT NULL, digits INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS payments (
    pos DECTEXT PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, time DECTEXT NOT NULL,
    ref DECTEXT NOT NULL, article TEXT NOT NULL, payer TEXT NOT NULL, payee TEXT NOT NULL,
    amount DECTEXT NOT NULL);
CREATE INDEX IF NOT EXISTS payments_payee ON payments (payee, pos);
CREATE INDEX IF NOT EXISTS payments_payer ON payments (payer, pos);
CREATE INDEX IF NOT EXISTS payments_statute ON payments (statute, pos);
CREATE TABLE IF NOT EXISTS punches (
    pos DECTEXT PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, device TEXT NOT NULL,
    employee TEXT NOT NULL, at DECTEXT NOT NULL, clock_in INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS punches_employee ON punches (employee, pos);
CREATE TABLE IF NOT EXISTS rejected (
    pos DECTEXT PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, time DECTEXT NOT NULL, ref DECTEXT NOT NULL,
    device TEXT NOT NULL, employee TEXT NOT NULL, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rejected_employee ON rejected (employee, pos);
CREATE TABLE IF NOT EXISTS employment (
    pos DECTEXT PRIMARY KEY, statute TEXT NOT NULL, employer TEXT NOT NULL, employee TEXT NOT NULL,
    wage DECTEXT NOT NULL);
CREATE INDEX IF NOT EXISTS employment_employee ON employment (employee, pos);
CREATE TABLE IF NOT EXISTS violations (
    pos DECTEXT PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, time DECTEXT NOT NULL,
    article TEXT NOT NULL, employer TEXT NOT NULL, employee TEXT NOT NULL, period TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS violations_employer ON violations (employer, pos);
CREATE TABLE IF NOT EXISTS merchants (
    pos DECTEXT PRIMARY KEY, statute TEXT NOT NULL, merchant TEXT NOT NULL, category TEXT NOT NULL,
    eligible INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS spends (
    pos DECTEXT PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, time DECTEXT NOT NULL,
    merchant TEXT NOT NULL, purchase DECTEXT NOT NULL, discount DECTEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bids (
    pos DECTEXT PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, time DECTEXT NOT NULL,
    tender DECTEXT NOT NULL, bidder TEXT NOT NULL, step TEXT NOT NULL, price DECTEXT);
"""


@dataclass(frozen=True)
class PaymentRow:
    pos: int
    statute: str
    title: str
    tx: str
    time: int
    ref: int
    article: str
    payer: str
    payee: str
    amount: int
    currency: str
    digits: int


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def _address(value: Any) -> str:
    """EIP-55 form, through the decoder's cache (one keccak per distinct party, not per row)."""
    return checksum(bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value))


#: Rows of one sync step, by table, inserted with one `executemany` each.
Rows = dict[str, list[tuple[Any, ...]]]
#: The logs that pay, and which of their arguments are the payer, the payee and the amount.
PAYMENT_ARGS = {
    "WagePaid": ("employer", "employee", "amount"),
    "PaidAtClockOut": ("employer", "employee", "amount"),
    "Payment": ("payer", "payee", "amount"),
    "VoucherSpent": ("issuer", "merchant", "discount"),
}
#: A tender's logs as the step of a bid they record.
BID_STEPS = {"BidCommitted": "sealed", "BidRevealed": "revealed", "TenderAwarded": "awarded"}
#: `progress(done, total)`: blocks read so far of those the sync set out to read.
Progress = Callable[[int, int], None]


class Index:
    """The SQLite file and the queries the pages make; `sync` brings it up to the chain's head."""

    def __init__(self, path: Path | str, registries: Iterable[str] = ()) -> None:
        self.path = str(path)
        self.registries = [to_checksum_address(r) for r in registries]
        self.rebuilds = 0  # how often the index started over: what was derived from it is stale
        self.db = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, detect_types=sqlite3.PARSE_DECLTYPES
        )
        self.db.create_aggregate("BIGSUM", 1, BigSum)  # type: ignore[arg-type]
        self.db.create_function("WEEK", 2, week_of, deterministic=True)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    # ------------------------------------------------------------ building

    def rebuild(self, reader: ChainReader, progress: Progress | None = None) -> int:
        """Forget everything and read the chain again: the index is only ever a cache of it."""
        reader.forget()
        self.rebuilds += 1
        with self.db:
            for (table,) in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                self.db.execute(f"DELETE FROM {table}")
        return self.sync(reader, progress)

    def behind(self, reader: ChainReader) -> int:
        """Blocks the index has yet to read (what a progress bar counts)."""
        return max(0, reader.latest_block() - int(self.meta("last_block", "-1")))

    def sync(self, reader: ChainReader, progress: Progress | None = None) -> int:
        """Read blocks after the last synced one, `CHUNK` blocks per step (each step its own
        transaction, so a long first sync shows its rows as it goes and resumes where it stopped);
        returns the number of rows added."""
        head = reader.latest_block()
        start = int(self.meta("last_block", "-1")) + 1
        wanted = ",".join(self.registries) or "*"
        if start and (
            start - 1 > head
            or reader.block_hash(start - 1) != self.meta("last_block_hash", "")
            or self.meta("registries", wanted) != wanted
        ):
            # another chain behind the same URL (a restarted anvil), a reorganisation, or other
            # registries asked for than the index was built from: start over
            return self.rebuild(reader, progress)
        added = 0
        for first in range(start, head + 1, CHUNK):
            last = min(first + CHUNK - 1, head)

            def reading(block: int) -> None:
                """Within the step: the blocks before the one whose logs are being decoded are read."""
                if progress is not None:
                    progress(block - start, head - start + 1)

            added += self._step(reader, first, last, wanted, reading)
            if progress is not None:
                progress(last - start + 1, head - start + 1)
        return added

    def _step(self, reader: ChainReader, first: int, last: int, wanted: str, reading: Callable[[int], None]) -> int:
        """Blocks [first, last]: new enactments, then every known statute's logs, in one transaction;
        `reading(block)` hears every `REPORT_EVERY` logs where the step is."""
        known = {
            row[0]: Domain(row[1]) if row[1] else None
            for row in self.db.execute("SELECT address, domain FROM statutes")
        }
        registries = self.registries or reader.discover_registries(last, first)
        rows: Rows = defaultdict(list)
        self.db.execute("BEGIN")
        try:
            self.set_meta("registries", wanted)
            self.set_meta("registries_discovered", "0" if self.registries else "1")
            fresh = [e for r in registries for e in reader.enactments(r, first, last)]
            for enactment in fresh:
                known[enactment.statute] = self._add_statute(reader, enactment)
            # a statute enacted now may have logged before (its employment, say): read its past too
            for enactment in fresh:
                domain = known[enactment.statute]
                if domain is not None and first > 0:
                    for event in reader.statute_events({enactment.statute: domain}, 0, first - 1):
                        self._add_event(reader, event, rows)
            live = {address: domain for address, domain in known.items() if domain is not None}
            for count, event in enumerate(reader.statute_events(live, first, last), 1):
                self._add_event(reader, event, rows)
                if count % REPORT_EVERY == 0:
                    reading(event.block)
            for table, values in rows.items():
                marks = ",".join("?" * len(values[0]))
                self.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", values)
            self.set_meta("last_block", str(last))
            self.set_meta("last_block_hash", reader.block_hash(last))
            self.set_meta("last_block_time", str(reader.block_time(last)))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return sum(len(values) for table, values in rows.items() if table != "merchants")

    def _add_statute(self, reader: ChainReader, e: Enactment) -> Domain | None:
        domain = reader.domain_of(e.statute)
        currency, digits = reader.currency_of(e.statute)
        self.db.execute(
            "INSERT OR REPLACE INTO statutes VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                e.statute,
                e.registry,
                e.title,
                big(e.version),
                _hex(e.law_source_hash),
                big(e.effective_from),
                big(e.block or 0),
                e.tx_hash,
                domain.value if domain else None,
                currency,
                digits,
            ),
        )
        return domain

    def _add_event(self, reader: ChainReader, event: RawEvent, rows: Rows) -> None:
        """One decoded log as rows of its tables (events the pages do not use add none)."""
        a, pos, tx, statute = event.args, big(event.block << LOG_SHIFT | event.log_index), event.tx_hash, event.address
        time = big(reader.block_time(event.block))  # cached per block: logs of one block share it
        logged = (pos, statute, tx, time)
        if event.name in PAYMENT_ARGS:
            payer, payee, amount = PAYMENT_ARGS[event.name]
            parties = (_address(a[payer]), _address(a[payee]), big(a[amount]))
            rows["payments"].append((*logged, big(a["ref"]), article_text(a["article"]), *parties))
        if event.name in ("Punched", "PaidAtClockOut"):  # a clock-out's one log: the punch and its first payment
            punch = (_address(a["device"]), _address(a["employee"]), big(a["at"]), int(a.get("clockIn", False)))
            rows["punches"].append((pos, statute, tx, *punch))
        elif event.name == "PunchRejected":  # the contract's reason code, in the law's words
            rejected = (_address(a["device"]), _address(a["employee"]), PUNCH_REASONS[a["reason"]])
            rows["rejected"].append((*logged, big(a["ref"]), *rejected))
        elif event.name == "Employed":
            rows["employment"].append(
                (pos, statute, _address(a["employer"]), _address(a["employee"]), big(a["hourlyWage"]))
            )
        elif event.name == "LimitExceeded":
            period = period_name(PERIODS[a["period"]], day_date(a["periodStart"]))
            violation = (article_text(a["article"]), _address(a["employer"]), _address(a["employee"]), period)
            rows["violations"].append((*logged, *violation))
        elif event.name == "MerchantRegistered":
            rows["merchants"].append((pos, statute, _address(a["merchant"]), _hex(a["category"]), int(a["eligible"])))
        elif event.name == "VoucherSpent":  # a spend's one log: the spend and its payment to the merchant
            rows["spends"].append((*logged, _address(a["merchant"]), big(a["purchase"]), big(a["discount"])))
        elif event.name in BID_STEPS:
            price, bidder = a.get("price"), _address(a.get("bidder", a.get("winner")))
            bid = (bidder, BID_STEPS[event.name], None if price is None else big(price))
            rows["bids"].append((*logged, big(a["tender"]), *bid))

    # ------------------------------------------------------------ meta

    def meta(self, key: str, default: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------ queries

    def statutes(self) -> list[dict[str, Any]]:
        cursor = self.db.execute("SELECT * FROM statutes ORDER BY title, version")
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    def statute(self, address: str) -> dict[str, Any] | None:
        return next((s for s in self.statutes() if s["address"] == address), None)

    def payments(
        self, before: int | None = None, limit: int = 50, party: str | None = None, statute: str | None = None
    ) -> list[PaymentRow]:
        """Newest first, `limit` rows older than `pos` `before`: one index range scan per page."""
        where: list[str] = ["1"]
        params: list[str | int] = []
        if before is not None:
            where.append("p.pos < ?")
            params.append(big(before))
        if statute:
            where.append("p.statute = ?")
            params.append(statute)
        if party:
            # one indexed scan per side, merged: an OR over two columns would scan the whole table
            query = (
                f"SELECT * FROM (SELECT * FROM payments p WHERE {' AND '.join(where)} AND p.payee = ? "
                f"ORDER BY p.pos DESC LIMIT ?) UNION SELECT * FROM (SELECT * FROM payments p WHERE "
                f"{' AND '.join(where)} AND p.payer = ? ORDER BY p.pos DESC LIMIT ?) ORDER BY pos DESC LIMIT ?"
            )
            params = [*params, party, limit, *params, party, limit, limit]
            rows = self.db.execute(query, params).fetchall()
        else:
            rows = self.db.execute(
                f"SELECT * FROM payments p WHERE {' AND '.join(where)} ORDER BY p.pos DESC LIMIT ?", [*params, limit]
            ).fetchall()
        meta = {s["address"]: s for s in self.statutes()}
        return [
            PaymentRow(
                *(row[0], row[1], meta[row[1]]["title"], *row[2:], meta[row[1]]["currency"], meta[row[1]]["digits"])
            )
            for row in rows
        ]

    def weekly(
        self, articles: set[str] | None, statute: str | None = None, payee: str | None = None, offset: int = 0
    ) -> list[tuple[dt.date, int, str, int]]:
        """(Monday, total, currency, digits) of payments per week (from Monday, in the time zone
        `offset` seconds east of UTC), summed in SQL so that a chart over a long history reads no
        rows into Python."""
        where, params = ["1"], []
        for column, value in (("p.statute", statute), ("p.payee", payee)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if articles is not None:
            where.append(f"p.article IN ({','.join('?' * len(articles))})")
            params += sorted(articles)
        # day 0 (1970-01-01) was a Thursday: (days + 3) // 7 counts weeks that begin on Monday
        rows = self.db.execute(
            f"SELECT WEEK(p.time, {int(offset)}) AS week, BIGSUM(p.amount), s.currency, s.digits "
            f"FROM payments p "
            f"JOIN statutes s ON s.address = p.statute WHERE {' AND '.join(where)} "
            f"GROUP BY week, s.currency ORDER BY week",
            params,
        ).fetchall()
        last = (dt.date.max - EPOCH).days // 7  # a time past the calendar (a uint256 may hold one) has no week
        return [
            (day_date(unbig(week) * 7 - 3), unbig(total), currency, digits)
            for week, total, currency, digits in rows
            if unbig(week) < last
        ]

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """A read query for the pages (every table is documented in `SCHEMA`)."""
        return self.db.execute(sql, params).fetchall()

    def close(self) -> None:
        self.db.close()
