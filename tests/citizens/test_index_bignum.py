"""The portal's index keeps every chain integer whole: refs, amounts, times, wages up to 2**256 − 1.

A fake reader hands the index decoded logs, so the property runs without a
chain: what goes in as a uint256 comes out of the pages' queries unchanged,
row order is chain order, and weekly sums are exact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from chain.reader import RawEvent
from chain.registry import Enactment
from citizens.portal.index import Index, big, unbig
from lawdsl.ast import Domain

UINT256 = st.integers(min_value=0, max_value=2**256 - 1)
STATUTE = "0x" + "11" * 20
REGISTRY = "0x" + "22" * 20
FIRM = "0x" + "33" * 20
WORKER = "0x" + "44" * 20
DEVICE = "0x" + "55" * 20
ARTICLE = b"44.1".ljust(32, b"\0")


class FakeReader:
    """A chain of one statute whose logs are `events`, each in its own block at time `times[block]`."""

    def __init__(self, events: list[RawEvent], times: dict[int, int]) -> None:
        self.events, self.times = events, times
        self.head = max(times)

    def latest_block(self) -> int:
        return self.head

    def block_hash(self, number: int) -> str:
        return f"0x{number:064x}"

    def block_time(self, number: int) -> int:
        return self.times.get(number, 0)

    def forget(self) -> None:
        pass

    def discover_registries(self, end: int, start: int = 0) -> list[str]:
        return [REGISTRY]

    def enactments(self, registry: str, start: int, end: int) -> list[Enactment]:
        return [Enactment(REGISTRY, "Big", 2**256 - 1, STATUTE, b"\1" * 32, 0, 0, "0x00")] if start == 0 else []

    def domain_of(self, address: str) -> Domain:
        return Domain.WORKING_TIME

    def currency_of(self, address: str) -> tuple[str, int]:
        return ("CNY", 2)

    def statute_events(self, statutes: dict, start: int, end: int) -> Iterator[RawEvent]:
        return iter([e for e in self.events if start <= e.block <= end])


def payment(block: int, ref: int, amount: int) -> RawEvent:
    return RawEvent(
        "WagePaid",
        {
            "ref": ref,
            "article": ARTICLE,
            "employer": FIRM,
            "employee": WORKER,
            "amount": amount,
        },
        block,
        0,
        "0xab",
        STATUTE,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(UINT256, UINT256), min_size=1, max_size=8), UINT256, UINT256)
def test_refs_amounts_and_wages_survive_whole(
    tmp_path_factory, pays: list[tuple[int, int]], wage: int, at: int
) -> None:
    path = tmp_path_factory.mktemp("index") / "index.sqlite"
    events = [
        RawEvent(
            "Employed",
            {"employer": FIRM, "employee": WORKER, "hourlyWage": wage},
            1,
            0,
            "0x01",
            STATUTE,
        ),
        RawEvent(
            "Punched",
            {"device": DEVICE, "employee": WORKER, "at": at, "clockIn": True},
            1,
            1,
            "0x01",
            STATUTE,
        ),
    ]
    events += [payment(2 + i, ref, amount) for i, (ref, amount) in enumerate(pays)]
    times = {block: 1_700_000_000 + block * 86_400 for block in range(3 + len(pays))}
    index = Index(path, [REGISTRY])
    index.sync(FakeReader(events, times))  # type: ignore[arg-type]
    rows = index.payments(limit=100)
    assert [(p.ref, p.amount) for p in rows] == list(reversed(pays))  # newest first, whole
    assert index.rows("SELECT wage FROM employment") == [(wage,)]
    assert index.rows("SELECT at FROM punches") == [(at,)]
    assert index.statutes()[0]["version"] == 2**256 - 1
    assert sum(total for _, total, _, _ in index.weekly(None)) == sum(amount for _, amount in pays)
    older = index.payments(before=rows[0].pos, limit=100)  # keyset paging on the stored order
    assert [p.pos for p in older] == [p.pos for p in rows[1:]]
    index.close()


@given(UINT256, UINT256)
def test_stored_text_orders_as_the_numbers_do(a: int, b: int) -> None:
    assert (big(a) < big(b)) == (a < b)
    assert unbig(big(a)) == a


def test_a_negative_number_is_refused() -> None:
    try:
        big(-1)
    except ValueError as error:
        assert "unsigned" in str(error)
    else:
        raise AssertionError("big(-1) was accepted")


def test_sqlite_integer_alone_would_not_hold_a_gateway_ref(tmp_path: Path) -> None:
    """Why DECTEXT: the plain column type refuses the refs a gateway sends (≥ 2**63)."""
    db = sqlite3.connect(tmp_path / "plain.sqlite")
    db.execute("CREATE TABLE t (ref INTEGER)")
    try:
        db.execute("INSERT INTO t VALUES (?)", (2**63,))
    except OverflowError:
        pass
    else:
        raise AssertionError("SQLite stored 2**63 in an INTEGER")
