"""Why a payment has its amount: the derivation, step by step, beside the outcome.

The interpreter records an `Explanation` for every payment when asked
(`interpret(scenario, explain=True)`); outcomes are the same either way. The
steps name no party (the payment's payer and payee do), so the derivation
rebuilt from a chain's inputs (`lawdsl explain`) and the one from a
scenario (`lawdsl simulate --explain`) can be compared once labels are
mapped to addresses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..ast import Percentage, Statute
from ..money import Money
from ..outcome import Payment


@dataclass(frozen=True)
class Step:
    """One line of a derivation: what is taken or computed, and its value in words and numbers."""

    what: str
    value: str


@dataclass(frozen=True)
class Explanation:
    """A payment and how the law arrives at it; `owed`: not paid yet, an arrear still waiting."""

    payment: Payment
    steps: tuple[Step, ...]
    owed: bool = False

    def to_json(self, names: dict[str, str] | None = None) -> dict[str, Any]:
        names = names or {}
        p = self.payment
        return {
            "event": p.event,
            "from": names.get(p.sender, p.sender),
            "to": names.get(p.recipient, p.recipient),
            "amount": str(p.amount),
            "article": p.article,
            "owed": self.owed,
            "steps": [{"what": s.what, "value": s.value} for s in self.steps],
        }

    def lines(self, statute: Statute, names: dict[str, str] | None = None) -> list[str]:
        """The explanation as a reader sees it: the payment, then one indented line per step."""
        names = names or {}
        p = self.payment
        head = (
            f"{'owed as arrears since' if self.owed else 'payment at'} event {p.event}: "
            f"{names.get(p.sender, p.sender)} → {names.get(p.recipient, p.recipient)}, "
            f"{p.amount} under article {article_title(statute, p.article)}"
        )
        return [head, *(f"  {s.what}: {s.value}" for s in self.steps)]


def article_title(statute: Statute, article: str) -> str:
    """'44.1 "Extended working hours"': the article with its title."""
    found = next((a for a in statute.articles if a.id == article), None)
    return f'{article} "{found.title}"' if found is not None and found.title else article


def percent(millionths: int) -> str:
    """A rate as the statute writes it: 150%, 12.5%."""
    return f"{decimal(Fraction(millionths * 100, Percentage.SCALE))}%"


def exact(currency: str, digits: int, minor: Fraction) -> str:
    """An amount before rounding (`minor` in minor units) in major units, at least `digits` places."""
    return f"{currency} {decimal(minor / 10**digits, digits)}"


def decimal(value: Fraction, places: int = 0) -> str:
    """`value` ≥ 0 in decimals: exact where they end within 12 places (at least `places`), else 12
    places and an ellipsis; cut, never rounded (a payment's rounding is its own step)."""
    for shown in range(places, 13):
        if (value * 10**shown).denominator == 1:
            break
    scaled = int(value * 10**shown)
    text = f"{scaled // 10**shown}.{scaled % 10**shown:0{shown}d}" if shown else str(scaled)
    return text + ("…" if (value * 10**shown).denominator != 1 else "")


def rounding(currency: str, digits: int, value: Fraction, paid: Money) -> Step:
    """The one rounding of a payment: half up to the currency's minor unit."""
    return Step("rounded", f"{exact(currency, digits, value)} half up to the minor unit = {paid}")


def when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
