"""A voucher's instalments as the interpreter and the compiler read them (docs/semantics.md, "Instalments").

Without an instalments sentence a voucher is one part, the face value,
spendable whenever spending is open. With one, each recipient's face value
comes as several vouchers, one per instalment, each spendable only from 00:00
(the statute's time zone) of its date: no public money is paid out early.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .ast import InstalmentRule, IssueRule, Statute
from .money import Money

#: The most instalments one voucher may come in: a year of monthly parts. It bounds what one
#: recipient adds to the contract's storage at an issue, and the issue call's loop.
MAX_INSTALMENTS = 12


@dataclass(frozen=True)
class Part:
    """One instalment: its amount, and the date from which it may be spent (None: no date of its own)."""

    amount: Money
    on: dt.date | None


def schedule(statute: Statute) -> tuple[Part, ...]:
    """The parts of each recipient's face value, in issue order; a checked statute's, so typed and sound."""
    found = statute.rule(InstalmentRule)
    if found is None:
        _, issue = next(statute.rules(IssueRule))
        return (Part(statute.value_as(issue.face_value, Money), None),)
    return tuple(Part(statute.value_as(i.amount, Money), statute.value_as(i.on, dt.date)) for i in found[1].instalments)
