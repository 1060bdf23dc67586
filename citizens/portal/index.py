"""The portal's SQLite index of chain facts: a cache, rebuilt from the chain whenever asked.

Only what logs and view calls say is stored, never anything from the
oracle's outbox, so `--rebuild` (delete, then read the chain again) gives the
same index. Every row carries `pos = block * 2**20 + log index`: the chain's
own order, stable however the rows arrive. Pages read pages of rows by
`pos` (keyset pagination), so the newest payments cost the same with ten
rows or a million.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from eth_utils import to_checksum_address

from chain.domains.driver import article_text
from chain.domains.working_time import PERIODS
from compiler.dates import day_date
from lawdsl.ast import Domain
from lawdsl.interpret.working_time import period_name

from chain.reader import ChainReader, RawEvent
from chain.registry import Enactment

LOG_SHIFT = 20  # pos = block << LOG_SHIFT | log index: a block never holds a million logs

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS statutes (
    address TEXT PRIMARY KEY, registry TEXT NOT NULL, title TEXT NOT NULL, version INTEGER NOT NULL,
    law_hash TEXT NOT NULL, effective_from INTEGER NOT NULL, block INTEGER NOT NULL, tx TEXT NOT NULL,
    domain TEXT, currency TEXT NOT NULL, digits INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS payments (
    pos INTEGER PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, time INTEGER NOT NULL,
    ref INTEGER NOT NULL, article TEXT NOT NULL, payer TEXT NOT NULL, payee TEXT NOT NULL,
    amount INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS payments_payee ON payments (payee, pos);
CREATE INDEX IF NOT EXISTS payments_payer ON payments (payer, pos);
CREATE INDEX IF NOT EXISTS payments_statute ON payments (statute, pos);
CREATE TABLE IF NOT EXISTS punches (
    pos INTEGER PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, device TEXT NOT NULL,
    employee TEXT NOT NULL, at INTEGER NOT NULL, clock_in INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS punches_employee ON punches (employee, pos);
CREATE TABLE IF NOT EXISTS employment (
    pos INTEGER PRIMARY KEY, statute TEXT NOT NULL, employer TEXT NOT NULL, employee TEXT NOT NULL,
    wage INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS employment_employee ON employment (employee, pos);
CREATE TABLE IF NOT EXISTS violations (
    pos INTEGER PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, time INTEGER NOT NULL,
    article TEXT NOT NULL, employer TEXT NOT NULL, employee TEXT NOT NULL, period TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS violations_employer ON violations (employer, pos);
CREATE TABLE IF NOT EXISTS merchants (
    pos INTEGER PRIMARY KEY, statute TEXT NOT NULL, merchant TEXT NOT NULL, category TEXT NOT NULL,
    eligible INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS spends (
    pos INTEGER PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, time INTEGER NOT NULL,
    merchant TEXT NOT NULL, purchase INTEGER NOT NULL, discount INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bids (
    pos INTEGER PRIMARY KEY, statute TEXT NOT NULL, tx TEXT NOT NULL, time INTEGER NOT NULL,
    tender INTEGER NOT NULL, bidder TEXT NOT NULL, step TEXT NOT NULL, price INTEGER);
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
    return to_checksum_address(value)


class Index:
    """The SQLite file and the queries the pages make; `sync` brings it up to the chain's head."""

    def __init__(self, path: Path | str, registries: Iterable[str] = ()) -> None:
        self.path = str(path)
        self.registries = [to_checksum_address(r) for r in registries]
        self.rebuilds = 0  # how often the index started over: what was derived from it is stale
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    # ------------------------------------------------------------ building

    def rebuild(self, reader: ChainReader) -> int:
        """Forget everything and read the chain again: the index is only ever a cache of it."""
        reader.forget()
        self.rebuilds += 1
        with self.db:
            for (table,) in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                self.db.execute(f"DELETE FROM {table}")
        return self.sync(reader)

    def sync(self, reader: ChainReader) -> int:
        """Read blocks after the last synced one; returns the number of rows added."""
        head = reader.latest_block()
        start = int(self.meta("last_block", "-1")) + 1
        wanted = ",".join(self.registries) or "*"
        if start and (start - 1 > head or reader.block_hash(start - 1) != self.meta("last_block_hash", "")
                      or self.meta("registries", wanted) != wanted):
            # another chain behind the same URL (a restarted anvil), a reorganisation, or other
            # registries asked for than the index was built from: start over
            return self.rebuild(reader)
        if start > head:
            return 0
        known = {row[0]: Domain(row[1]) if row[1] else None
                 for row in self.db.execute("SELECT address, domain FROM statutes")}
        registries = self.registries or reader.discover_registries(head)
        added = 0
        self.db.execute("BEGIN")
        try:
            self.set_meta("registries", wanted)
            self.set_meta("registries_discovered", "0" if self.registries else "1")
            fresh = [e for r in registries for e in reader.enactments(r, start, head)]
            for enactment in fresh:
                known[enactment.statute] = self._add_statute(reader, enactment)
            for address, domain in known.items():
                if domain is None:
                    continue
                first = 0 if any(e.statute == address for e in fresh) else start
                for event in reader.statute_events(domain, address, first, head):
                    added += self._add_event(reader, address, event)
            self.set_meta("last_block", str(head))
            self.set_meta("last_block_hash", reader.block_hash(head))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return added

    def _add_statute(self, reader: ChainReader, e: Enactment) -> Domain | None:
        domain = reader.domain_of(e.statute)
        currency, digits = reader.currency_of(e.statute)
        self.db.execute("INSERT OR REPLACE INTO statutes VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (e.statute, e.registry, e.title, e.version, _hex(e.law_source_hash), e.effective_from,
                         e.block, e.tx_hash, domain.value if domain else None, currency, digits))
        return domain

    def _add_event(self, reader: ChainReader, statute: str, event: RawEvent) -> int:
        """One decoded log into its table; 1 if it was a row the pages use, else 0."""
        a, pos, tx = event.args, event.block << LOG_SHIFT | event.log_index, event.tx_hash
        insert = self.db.execute
        if event.name == "WagePaid":
            insert("INSERT OR REPLACE INTO payments VALUES (?,?,?,?,?,?,?,?,?)",
                   (pos, statute, tx, reader.block_time(event.block), a["ref"], article_text(a["article"]),
                    _address(a["employer"]), _address(a["employee"]), a["amount"]))
        elif event.name == "Payment":
            insert("INSERT OR REPLACE INTO payments VALUES (?,?,?,?,?,?,?,?,?)",
                   (pos, statute, tx, reader.block_time(event.block), a["ref"], article_text(a["article"]),
                    _address(a["payer"]), _address(a["payee"]), a["amount"]))
        elif event.name == "Punched":
            insert("INSERT OR REPLACE INTO punches VALUES (?,?,?,?,?,?,?)",
                   (pos, statute, tx, _address(a["device"]), _address(a["employee"]), a["at"], int(a["clockIn"])))
        elif event.name == "PaidAtClockOut":  # a clock-out's one log: the punch and its first payment
            insert("INSERT OR REPLACE INTO punches VALUES (?,?,?,?,?,?,?)",
                   (pos, statute, tx, _address(a["device"]), _address(a["employee"]), a["at"], 0))
            insert("INSERT OR REPLACE INTO payments VALUES (?,?,?,?,?,?,?,?,?)",
                   (pos, statute, tx, reader.block_time(event.block), a["ref"], article_text(a["article"]),
                    _address(a["employer"]), _address(a["employee"]), a["amount"]))
        elif event.name == "Employed":
            insert("INSERT OR REPLACE INTO employment VALUES (?,?,?,?,?)",
                   (pos, statute, _address(a["employer"]), _address(a["employee"]), a["hourlyWage"]))
        elif event.name == "LimitExceeded":
            start = day_date(a["periodStart"])
            insert("INSERT OR REPLACE INTO violations VALUES (?,?,?,?,?,?,?,?)",
                   (pos, statute, tx, reader.block_time(event.block), article_text(a["article"]),
                    _address(a["employer"]), _address(a["employee"]), period_name(PERIODS[a["period"]], start)))
        elif event.name == "MerchantRegistered":
            insert("INSERT OR REPLACE INTO merchants VALUES (?,?,?,?,?)",
                   (pos, statute, _address(a["merchant"]), _hex(a["category"]), int(a["eligible"])))
        elif event.name == "VoucherSpent":  # a spend's one log: the spend and its payment to the merchant
            time = reader.block_time(event.block)
            insert("INSERT OR REPLACE INTO spends VALUES (?,?,?,?,?,?,?)",
                   (pos, statute, tx, time, _address(a["merchant"]), a["purchase"], a["discount"]))
            insert("INSERT OR REPLACE INTO payments VALUES (?,?,?,?,?,?,?,?,?)",
                   (pos, statute, tx, time, a["ref"], article_text(a["article"]), _address(a["issuer"]),
                    _address(a["merchant"]), a["discount"]))
        elif event.name in ("BidCommitted", "BidRevealed", "TenderAwarded"):
            bidder = a.get("bidder", a.get("winner"))
            insert("INSERT OR REPLACE INTO bids VALUES (?,?,?,?,?,?,?,?)",
                   (pos, statute, tx, reader.block_time(event.block), a["tender"], _address(bidder),
                    {"BidCommitted": "sealed", "BidRevealed": "revealed", "TenderAwarded": "awarded"}[event.name],
                    a.get("price")))
        else:
            return 0
        return 1

    # ------------------------------------------------------------ meta

    def meta(self, key: str, default: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------ queries

    def statutes(self) -> list[dict]:
        cursor = self.db.execute("SELECT * FROM statutes ORDER BY title, version")
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    def statute(self, address: str) -> dict | None:
        return next((s for s in self.statutes() if s["address"] == address), None)

    def payments(self, before: int | None = None, limit: int = 50, party: str | None = None,
                 statute: str | None = None) -> list[PaymentRow]:
        """Newest first, `limit` rows older than `pos` `before`: one index range scan per page."""
        where, params = ["p.pos < ?"], [before if before is not None else 1 << 62]
        if statute:
            where.append("p.statute = ?")
            params.append(statute)
        if party:
            # one indexed scan per side, merged: an OR over two columns would scan the whole table
            query = (f"SELECT * FROM (SELECT * FROM payments p WHERE {' AND '.join(where)} AND p.payee = ? "
                     f"ORDER BY p.pos DESC LIMIT ?) UNION SELECT * FROM (SELECT * FROM payments p WHERE "
                     f"{' AND '.join(where)} AND p.payer = ? ORDER BY p.pos DESC LIMIT ?) ORDER BY pos DESC LIMIT ?")
            params = [*params, party, limit, *params, party, limit, limit]
            rows = self.db.execute(query, params).fetchall()
        else:
            rows = self.db.execute(f"SELECT * FROM payments p WHERE {' AND '.join(where)} "
                                   "ORDER BY p.pos DESC LIMIT ?", [*params, limit]).fetchall()
        meta = {s["address"]: s for s in self.statutes()}
        return [PaymentRow(row[0], row[1], meta[row[1]]["title"], *row[2:], meta[row[1]]["currency"],
                           meta[row[1]]["digits"]) for row in rows]

    def weekly(self, articles: set[str] | None, statute: str | None = None, payee: str | None = None,
               offset: int = 0) -> list[tuple[dt.date, int, str, int]]:
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
            f"SELECT ((p.time + {int(offset)}) / 86400 + 3) / 7 AS week, SUM(p.amount), s.currency, s.digits "
            f"FROM payments p "
            f"JOIN statutes s ON s.address = p.statute WHERE {' AND '.join(where)} "
            f"GROUP BY week, s.currency ORDER BY week", params).fetchall()
        return [(day_date(week * 7 - 3), total, currency, digits)
                for week, total, currency, digits in rows]

    def rows(self, sql: str, *params: Any) -> list[tuple]:
        """A read query for the pages (every table is documented in `SCHEMA`)."""
        return self.db.execute(sql, params).fetchall()

    def close(self) -> None:
        self.db.close()
