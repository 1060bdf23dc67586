"""The instalments sentence against the rest of a vouchers statute: the checker's pass over sound values.

The parts must add up to the face value the issue rule names (the statute says
the amount twice, so the two must agree), come in date order, each within the
period in which vouchers may be spent, and be few enough for the contract to
issue them in one call (`lawdsl.instalments.MAX_INSTALMENTS`). Instalment
vouchers cannot be transferable: a transfer would put a later instalment ahead
of an earlier one in the receiver's spending order.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from .. import ast as A
from ..instalments import MAX_INSTALMENTS
from ..money import Money

Report = Callable[..., None]  # (span, message key, **fields)


def check_instalments(statute: A.Statute, report: Report) -> None:
    """Report every way the instalments sentence contradicts the statute, at the sentence or the part."""
    found = statute.rule(A.InstalmentRule)
    issue = statute.rule(A.IssueRule)
    if found is None or issue is None:
        return
    rule = found[1]
    if len(rule.instalments) > MAX_INSTALMENTS:
        report(rule.instalments[MAX_INSTALMENTS].span, "too_many_instalments", most=MAX_INSTALMENTS)
    transfer = statute.rule(A.TransferRule)
    if transfer is not None and transfer[1].transferable:
        report(transfer[1].span, "instalments_transferable")
    first, last = _spending_dates(statute)
    previous: dt.date | None = None
    for instalment in rule.instalments:
        amount = statute.value_as(instalment.amount, Money)
        on = statute.value_as(instalment.on, dt.date)
        if amount.minor <= 0:
            report(instalment.span, "instalment_not_positive", amount=amount)
        if previous is not None and on <= previous:
            report(instalment.span, "instalments_out_of_order", date=on, previous=previous)
        if (first is not None and on < first) or (last is not None and on > last):
            report(instalment.span, "instalment_outside_period", date=on, first=first or "…", last=last or "…")
        previous = on
    face = statute.value_as(issue[1].face_value, Money)
    total = sum((statute.value_as(i.amount, Money).minor for i in rule.instalments), 0)
    if total != face.minor:
        report(rule.span, "instalments_sum", total=Money(face.currency, total), face=face)


def _spending_dates(statute: A.Statute) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day on which vouchers may be spent: the `when` range, cut by the expiry range's end."""
    when, expiry = statute.rule(A.WhenRule), statute.rule(A.ExpiryRule)
    during = statute.value_as(when[1].during, A.DateRange) if when else None
    ends = [during.last] if during else []
    ends += [statute.value_as(expiry[1].after, A.DateRange).last] if expiry else []
    return (during.first if during else None), min(ends, default=None)
