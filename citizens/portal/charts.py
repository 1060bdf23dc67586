"""The portal's charts: overtime paid per week, voucher spending by category, tender bids.

Each reads its figures from the index and draws them with `svg.bar_chart`; the statute's source,
where known, names what the chain only hashes (categories) and tells which articles are overtime.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from eth_utils.crypto import keccak

from lawdsl.ast import Categories, EarningRule, Percentage, Statute

from .markup import money
from .sources import LawSource
from .state import Portal
from .svg import Bar, bar_chart


def overtime_articles(statute: Statute | None) -> set[str] | None:
    """Articles whose earning rules pay above 100%: what docs/semantics.md calls overtime; None if unknown."""
    if statute is None:
        return None
    found = set()
    for article, rule in statute.rules(EarningRule):
        rate = statute.value(rule.rate)
        if isinstance(rate, Percentage) and rate.millionths > Percentage.SCALE:
            found.add(article.id)
    return found


def overtime_chart(weeks: list[tuple[dt.date, int, str, int]]) -> str:
    """Overtime paid per week (weeks from Monday, UTC): the question a worker asks first."""
    return bar_chart(
        "Overtime paid per week",
        [Bar(f"wk {monday:%m-%d}", total, money(total, currency, digits)) for monday, total, currency, digits in weeks],
    )


def statute_of(portal: Portal, s: dict[str, Any]) -> Statute | None:
    source = portal.source(s)
    return source.statute if source else None


def charts(portal: Portal, s: dict[str, Any], source: LawSource | None) -> str:
    statute = source.statute if source else None
    if s["domain"] == "working time":
        return overtime_chart(
            portal.index.weekly(overtime_articles(statute), statute=s["address"], offset=portal.offset(s["address"]))
        )
    if s["domain"] == "vouchers":
        return voucher_chart(portal, s, statute)
    if s["domain"] == "procurement":
        return bid_chart(portal, s)
    return ""


def voucher_chart(portal: Portal, s: dict[str, Any], statute: Statute | None) -> str:
    """Voucher money spent per merchant category; categories are hashed on chain, so their names
    come from the statute's categories terms."""
    names = {}
    for term in statute.terms if statute else ():
        if isinstance(value := getattr(term, "value", None), Categories):
            names.update({"0x" + keccak(text=n).hex(): n for n in value.names})
    category = {
        m: c
        for m, c in portal.index.rows(
            "SELECT merchant, category FROM merchants WHERE statute = ? ORDER BY pos", s["address"]
        )
    }
    spent: dict[str, int] = defaultdict(int)
    for merchant, discount in portal.index.rows(
        "SELECT merchant, discount FROM spends WHERE statute = ?", s["address"]
    ):
        hashed = category.get(merchant, "")
        spent[names.get(hashed, hashed[:10] or "unregistered")] += discount
    bars = [Bar(k, v, money(v, s["currency"], s["digits"])) for k, v in sorted(spent.items())]
    return bar_chart("Voucher spending by category", bars)


def bid_chart(portal: Portal, s: dict[str, Any]) -> str:
    """Revealed bid prices per tender, the winner in orange: how close the competition was."""
    rows = portal.index.rows(
        "SELECT tender, bidder, step, price FROM bids WHERE statute = ? ORDER BY pos", s["address"]
    )
    winners = {(t, b) for t, b, step, _ in rows if step == "awarded"}
    bars = [
        Bar(f"#{t} {portal.names.get(b, b[:8])}", price, money(price, s["currency"], s["digits"]), (t, b) in winners)
        for t, b, step, price in rows
        if step == "revealed"
    ]
    return bar_chart("Tender bids (revealed unit prices; winner highlighted)", bars)
