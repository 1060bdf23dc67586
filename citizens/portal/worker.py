"""A worker's (or any party's) page: employment, shifts and what each paid, refused punches,
overtime, payments with why, arrears owed and the employer's violations.

The portal's largest page, apart from the statute pages because it joins punches to the payments
and explanations that cover them (`shifts_table`).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any
from urllib.parse import urlencode

from lawdsl.interpret.explain import Explanation

from .charts import overtime_articles, overtime_chart, statute_of
from .markup import PAGE_SIZE, layout, money, payment_table, table, when, why
from .state import Portal

e = html.escape


def worker_page(portal: Portal, address: str) -> str:
    idx = portal.index
    name = portal.names.get(address, address)
    jobs = idx.rows("SELECT statute, employer, wage FROM employment WHERE employee = ? ORDER BY pos", address)
    meta = {s["address"]: s for s in idx.statutes()}
    parts = [f'<p class="addr">{e(address)}</p>']
    if jobs:
        parts.append(
            "<h2>Employment</h2>"
            + table(
                ["Statute", "Employer", "#Hourly wage"],
                [
                    [e(meta[st]["title"]), portal.party(er), e(money(w, meta[st]["currency"], meta[st]["digits"]))]
                    for st, er, w in jobs
                ],
            )
        )
    parts.append(
        "<h2>Shifts</h2>"
        + shifts_table(
            portal,
            address,
            idx.rows(
                "SELECT p.statute, p.at, p.clock_in, pay.amount, pay.article FROM punches p "
                "LEFT JOIN payments pay ON pay.pos = p.pos WHERE p.employee = ? ORDER BY p.pos",
                address,
            ),
        )
    )
    refused = idx.rows(
        "SELECT time, statute, device, reason, tx FROM rejected WHERE employee = ? ORDER BY pos", address
    )
    parts.append(
        "<h2>Punches the statute refused</h2>"
        + (
            table(
                ["Recorded", "Statute", "Device", "Reason", "Transaction"],
                [
                    [
                        e(when(t, portal.zone(st))),
                        e(meta[st]["title"]),
                        portal.party(dev),
                        e(reason),
                        f'<code class="tx">{e(tx)}</code>',
                    ]
                    for t, st, dev, reason, tx in refused
                ],
                "rejected",
            )
            if refused
            else "<p>None.</p>"
        )
    )
    weeks = [
        week
        for statute in {st for st, _, _ in jobs}
        for week in idx.weekly(
            overtime_articles(statute_of(portal, meta[statute])),
            statute=statute,
            payee=address,
            offset=portal.offset(statute),
        )
    ]
    parts.append("<h2>Overtime</h2>" + overtime_chart(sorted(weeks)))
    received = idx.payments(limit=PAGE_SIZE + 1, party=address)
    parts.append("<h2>Payments</h2>" + payment_table(portal, received[:PAGE_SIZE], explain=True))
    if len(received) > PAGE_SIZE:
        parts.append(f'<p><a href="/payments?{e(urlencode({"party": address}))}">All payments →</a></p>')
    parts.append(owed_section(portal, address, sorted({st for st, _, _ in jobs}), meta))
    employers = sorted({er for _, er, _ in jobs})
    violations = [
        row
        for er in employers
        for row in idx.rows(
            "SELECT time, statute, article, employee, period, tx FROM violations WHERE employer = ? ORDER BY pos", er
        )
    ]
    parts.append(
        "<h2>Violations by their employer</h2>"
        + (
            table(
                ["Recorded", "Statute", "Article", "Employee", "Period", "Transaction"],
                [
                    [
                        e(when(t, portal.zone(st))),
                        e(meta[st]["title"]),
                        e(portal.article(st, a)),
                        portal.party(emp),
                        e(per),
                        f'<code class="tx">{e(tx)}</code>',
                    ]
                    for t, st, a, emp, per, tx in violations
                ],
                "violations",
            )
            if violations
            else "<p>None recorded.</p>"
        )
    )
    return layout(f"Worker {name}" if jobs else f"Party {name}", "".join(parts), portal)


def owed_section(portal: Portal, address: str, statutes: list[str], meta: dict[str, dict[str, Any]]) -> str:
    """The arrears the worker's statutes still owe them (due, not paid: the employer's deposit was
    short), each with how it was earned and why it waits; derived from the chain's inputs."""
    offered = [(st, portal.owed(st, address)) for st in statutes]
    rows = [
        [
            e(meta[st]["title"]),
            e(portal.article(st, x.payment.article)),
            portal.party(x.payment.sender),
            e(str(x.payment.amount)),
            why(x),
        ]
        for st, owed in offered
        for x in owed or []
    ]
    if not any(owed is not None for _, owed in offered):
        return ""
    return "<h2>Owed as arrears</h2>" + (
        table(["Statute", "Article", "Employer", "#Owed", "Why"], rows, "owed") if rows else "<p>Nothing owed.</p>"
    )


def shifts_table(portal: Portal, address: str, punches: list[tuple[str, int, int, int | None, str | None]]) -> str:
    """Pairs an accepted clock-in with the next accepted clock-out of the same statute (the contract
    logs refused punches apart, so the pairs are the shifts it counted), with what the clock-out paid
    or else the later payment (a weekly or monthly one) or arrear owed that covers the shift."""
    rows, open_since = [], {}
    meta = {s["address"]: s for s in portal.index.statutes()}
    covering = {statute: portal.covering(statute, address) for statute, *_ in punches}
    for statute, at, clock_in, amount, article in punches:
        zone = portal.zone(statute)
        if clock_in:
            open_since[statute] = at
        elif statute in open_since:
            start = open_since.pop(statute)
            minutes = (at - start) // 60
            shift = f"{_local(start, zone)} → {_local(at, zone)}"  # as an explanation's "shift" step names it
            if amount is not None:
                paid = (
                    f"{e(money(amount, meta[statute]['currency'], meta[statute]['digits']))} "
                    f"(article {e(portal.article(statute, article or ''))})"
                )
            else:
                paid = "<br>".join(_covered_by(x) for x in covering[statute].get(shift, [])) or "—"
            rows.append([e(when(start, zone)), e(when(at, zone)), f"{minutes // 60} h {minutes % 60:02d} min", paid])
    rows += [
        [e(when(start, portal.zone(statute))), "still clocked in", "", ""] for statute, start in open_since.items()
    ]
    return table(["In", "Out", "#Worked", "#Pay"], rows, "shifts") if rows else "<p>No shifts recorded.</p>"


def _local(unix: int, zone: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(unix, zone).strftime("%Y-%m-%d %H:%M")


def _covered_by(x: Explanation) -> str:
    """The payment (or arrear owed) a shift is part of: 'in CNY 960.00 paid at event 32 (article 68)'."""
    p = x.payment
    done = "owed as arrears since" if x.owed else "paid at"
    return e(f"in {p.amount} {done} event {p.event} (article {p.article})")
