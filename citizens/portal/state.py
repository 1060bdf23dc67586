"""What every portal page reads: the index, the matched sources, the badges and the derived
explanations, kept in one `Portal` so that the page functions stay plain functions of it.

Apart from the pages because the server and the benchmark build it, and the explanations it
keys (`_derived`) are state that outlives one request.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lawdsl.interpret.explain import Explanation

from .index import Index, PaymentRow
from .sources import LawSource
from .verify import Badge

e = html.escape


#: A statute's explanations as the explainer publishes them: the payments' (a list that only grows
#: while its replay builds on the last one), how many of them are derived, the arrears owed.
Published = tuple[list[Explanation], int, list[Explanation]]
#: And as the portal keeps them: the published payments, how many are keyed, payment key →
#: explanation, the arrears owed.
Derived = tuple[list[Explanation], int, dict[tuple[Any, ...], Explanation], list[Explanation]]


@dataclass
class Portal:
    """What every page reads: the index, the matched sources and the verification badges."""

    index: Index
    sources: dict[bytes, LawSource]
    names: dict[str, str]
    badges: dict[str, Badge] = field(default_factory=dict)
    rpc: str = ""
    #: statute row → why each of its payments, and each arrear it still owes, has its amount, as last
    #: derived from the chain (None: not derived yet); the portal offers none without an explainer
    explainer: Callable[[dict[str, Any]], Published | None] | None = None
    _zones: dict[str, dt.tzinfo] = field(default_factory=dict)
    _explained: dict[str, Derived] = field(default_factory=dict)

    def article(self, address: str, article: str) -> str:
        """An article as '44.1 Extended working hours' where the statute's source is known."""
        statute = self.index.statute(address)
        source = self.source(statute) if statute else None
        found = next((a for a in source.statute.articles if a.id == article), None) if source else None
        return f"{article} {found.title}" if found is not None and found.title else article

    def explanation(self, p: PaymentRow) -> Explanation | None:
        """Why payment `p` has its amount."""
        derived = self._derived(p.statute)
        return derived[2].get((p.ref, p.payee, p.article, p.amount)) if derived else None

    def explains(self, statute: str) -> bool:
        """Whether the portal derives the statute's explanations (an explainer, and its source)."""
        row = self.index.statute(statute)
        return self.explainer is not None and row is not None and self.source(row) is not None

    def covering(self, statute: str, party: str) -> dict[str, list[Explanation]]:
        """The party's payments and owed arrears by the shifts they cover, each shift named as an
        explanation's "shift" step names it ("2026-03-02 09:00 → 2026-03-02 13:00")."""
        derived = self._derived(statute)
        found: dict[str, list[Explanation]] = {}
        for x in [*derived[0][: derived[1]], *derived[3]] if derived else []:
            if x.payment.recipient == party:
                for step in x.steps:
                    if step.what == "shift":
                        found.setdefault(step.value.split(" (")[0], []).append(x)
        return found

    def owed(self, statute: str, party: str) -> list[Explanation] | None:
        """The arrears the statute still owes `party` (as payee), each with why; None: not offered."""
        derived = self._derived(statute)
        return [x for x in derived[3] if x.payment.recipient == party] if derived else None

    def _derived(self, address: str) -> Derived | None:
        """The explainer's latest for a statute, keyed for lookup. Only payments published since the
        last call are keyed; a new list (a replay started over) is keyed whole."""
        statute = self.index.statute(address)
        if self.explainer is None or statute is None or self.source(statute) is None:
            return None
        published = self.explainer(statute)
        if published is None:
            return None
        paid, count, owed = published
        listed, keyed, by_key, _ = self._explained.get(address, (paid, 0, {}, owed))
        if listed is not paid:
            keyed, by_key = 0, {}
        for x in paid[keyed:count]:
            by_key[(x.payment.event, x.payment.recipient, x.payment.article, x.payment.amount.minor)] = x
        derived = self._explained[address] = (paid, count, by_key, owed)
        return derived

    def source(self, statute: dict[str, Any]) -> LawSource | None:
        return self.sources.get(bytes.fromhex(statute["law_hash"][2:]))

    def forget(self) -> None:
        """Drop what was derived from an index that has been rebuilt."""
        self.badges.clear()
        self._zones.clear()
        self._explained.clear()

    def zone(self, address: str) -> dt.tzinfo:
        """The statute's own time zone (its source says it), else UTC: a shift at 09:00 in Beijing
        should read 09:00, not 01:00."""
        if address not in self._zones:
            statute = self.index.statute(address)
            source = self.source(statute) if statute else None
            self._zones[address] = source.statute.header.time_zone.tzinfo if source else dt.timezone.utc
        return self._zones[address]

    def offset(self, address: str) -> int:
        """Seconds east of UTC of the statute's zone now, for the charts' day buckets (a zone with
        daylight saving shifts last season's buckets by its hour; the pages' times are exact)."""
        offset = dt.datetime.now(self.zone(address)).utcoffset()
        return int(offset.total_seconds()) if offset else 0

    def party(self, address: str) -> str:
        """A link to the party's page, named where the operator's own label file names it."""
        name = self.names.get(address)
        text = e(name) if name else f'<span class="addr">{e(address[:10])}…</span>'
        return f'<a href="/worker/{e(address)}" title="{e(address)}">{text}</a>'
