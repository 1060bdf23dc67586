"""The portal's pages: small functions returning HTML, every value through `html.escape`.

No template engine: a page is a few f-strings, so what a citizen sees can be
read straight from this file. Amounts are shown in the token's own currency
and minor digits, times in UTC with the statute's own zone where a statute
source is known.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from eth_utils.crypto import keccak

from lawdsl.ast import Categories, EarningRule, Percentage, Statute
from lawdsl.interpret.explain import Explanation

from .highlight import css, excerpt, highlight
from .index import Index, PaymentRow
from .sources import LawSource
from .svg import Bar, bar_chart
from .verify import Badge

PAGE_SIZE = 50
e = html.escape

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f23;background:#fafafa}
header{background:#123;color:#fff;padding:.8em 1.5em}header a{color:#fff;margin-right:1.2em}
main{max-width:1100px;margin:1em auto;padding:0 1em}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em;background:#fff}
th,td{border-bottom:1px solid #ddd;padding:.35em .6em;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code,.addr{font-family:ui-monospace,monospace;font-size:.85em;word-break:break-all;overflow-wrap:anywhere}
.badge{display:inline-block;border-radius:1em;padding:0 .7em;font-size:.85em;font-weight:600}
.badge.verified{background:#d4f7dc;color:#0a5a1e}.badge.mismatch{background:#ffd7d7;color:#8a0000}
.badge.nosource{background:#eee;color:#555}
article.law{background:#fff;border-left:4px solid #123;padding:.5em 1em;margin:1em 0}
blockquote{font-family:Georgia,serif;margin:.5em 0;padding-left:1em;border-left:2px solid #ccc}
pre.src{background:#fff;border:1px solid #ddd;padding:.8em;overflow-x:auto}
pre.rules{white-space:pre-wrap;overflow-wrap:anywhere}
.chart-box{overflow-x:auto;max-width:100%}svg.chart{background:#fff;border:1px solid #ddd}
details.why summary{cursor:pointer;color:#0645ad}details.why ol{margin:.3em 0;padding-left:1.2em}
header{display:flex;flex-wrap:wrap;gap:.4em 1.2em}header a{margin-right:0}
@media (max-width:700px){
main{padding:0 .5em}h1{font-size:1.4em;overflow-wrap:anywhere}
table.reflow thead{display:none}
table.reflow,table.reflow tbody,table.reflow tr,table.reflow td{display:block;width:auto}
table.reflow tr{border-bottom:2px solid #ccc;padding:.3em 0}
table.reflow td{border:0;padding:.15em .4em;text-align:left;white-space:normal}
table.reflow td::before{content:attr(data-label);font-weight:600;display:inline-block;min-width:6.5em;margin-right:.4em}
}
.bar{fill:#4a78b5}.bar.hi{fill:#e36209}.axis{stroke:#999}.chart-title{font-weight:600;font-size:13px}
.value,.label{font-size:11px;text-anchor:middle}.empty{color:#666}
nav.pager a{margin-right:1em}
footer{color:#555;font-size:.85em;padding:1em 1.5em;border-top:1px solid #ddd}
"""


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


def money(minor: int, currency: str, digits: int) -> str:
    sign, minor = ("-" if minor < 0 else ""), abs(minor)
    whole, part = divmod(minor, 10**digits)
    return f"{currency} {sign}{whole:,}" + (f".{part:0{digits}d}" if digits else "")


def when(unix: int, zone: dt.tzinfo = dt.timezone.utc) -> str:
    """A chain time as a date and time; one past year 9999 (a uint256 may hold it) as its number."""
    try:
        moment = dt.datetime.fromtimestamp(unix, zone)
    except (OverflowError, ValueError, OSError):
        return f"unix time {unix}"
    offset = moment.strftime("%z")
    return moment.strftime("%Y-%m-%d %H:%M ") + ("UTC" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}")


def day(unix: int, zone: dt.tzinfo) -> str:
    try:
        return dt.datetime.fromtimestamp(unix, zone).date().isoformat()
    except (OverflowError, ValueError, OSError):
        return f"unix time {unix}"


def layout(title: str, body: str, portal: Portal | None = None) -> str:
    """The page around `body`; with `portal`, a footer saying how far the index has read the chain."""
    footer = f"<footer>{synced(portal)}</footer>" if portal is not None else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(title)} · lawdsl portal</title>'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{STYLE}{css()}</style></head>'
        f'<body><header><a href="/"><b>Statutes on chain</b></a><a href="/payments">Payments</a></header>'
        f"<main><h1>{e(title)}</h1>{body}</main>{footer}</body></html>"
    )


def synced(portal: Portal) -> str:
    """'Indexed to block N (its time)': what a reader needs to know how fresh the page is."""
    block = int(portal.index.meta("last_block", "-1"))
    if block < 0:
        return "Nothing indexed yet."
    time = when(int(portal.index.meta("last_block_time", "0")))
    return f'Indexed to block <span data-last-block="{block}">{block:,}</span> ({e(time)}).'


def badge(value: Badge) -> str:
    css = {Badge.VERIFIED: "verified", Badge.MISMATCH: "mismatch", Badge.NO_SOURCE: "nosource"}[value]
    return f'<span class="badge {css}" data-badge="{css}">{e(value.value)}</span>'


def table(headers: list[str], rows: list[list[str]], css: str = "") -> str:
    """Cells are HTML already (escaped by the caller); a header starting with '#' is numeric.

    On a narrow screen each row re-flows into a block of `header: value` lines (the header comes
    from the cell's `data-label`), so no table runs off a phone's screen.
    """
    head = "".join(f"<th>{e(h.lstrip('#'))}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num" data-label="{e(h.lstrip("#"))}">{c}</td>'
            if h.startswith("#")
            else f'<td data-label="{e(h)}">{c}</td>'
            for h, c in zip(headers, row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table class="{css} reflow"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# ---------------------------------------------------------------- pages


def home(portal: Portal) -> str:
    rows = []
    for s in portal.index.statutes():
        rows.append(
            [
                f'<a href="/statute/{e(s["address"])}">{e(s["title"])}</a>',
                str(s["version"]),
                e(day(s["effective_from"], portal.zone(s["address"]))),
                f'<span class="addr">{e(s["address"])}</span>',
                f"<code>{e(s['law_hash'][:18])}…</code>",
                badge(portal.badges.get(s["address"], Badge.NO_SOURCE)),
            ]
        )
    note = ""
    if portal.index.meta("registries_discovered", "0") == "1":
        note = (
            "<p>No registry was named, so these are every registry found on this chain. "
            "Start the portal with <code>--registry ADDR</code> to show only the official one.</p>"
        )
    body = (
        note
        + table(["Statute", "#Version", "Effective", "Address", "Source hash", "Verification"], rows, "statutes")
        + "<h2>Latest payments</h2>"
        + payment_table(portal, portal.index.payments(limit=10))
        + '<p><a href="/payments">All payments →</a></p>'
    )
    return layout("Statutes in force", body, portal)


def payment_table(portal: Portal, rows: list[PaymentRow], explain: bool = False) -> str:
    headers = ["Time", "Statute", "Article", "From", "To", "#Amount", "Transaction"] + (["Why"] if explain else [])
    return table(
        headers,
        [
            [
                e(when(p.time, portal.zone(p.statute))),
                f'<a href="/statute/{e(p.statute)}">{e(p.title)}</a>',
                e(portal.article(p.statute, p.article)),
                portal.party(p.payer),
                portal.party(p.payee),
                e(money(p.amount, p.currency, p.digits)),
                f'<code class="tx">{e(p.tx)}</code>',
            ]
            + ([why(portal.explanation(p), portal.explains(p.statute))] if explain else [])
            for p in rows
        ],
        "payments",
    )


def why(explanation: Explanation | None, derived: bool = True) -> str:
    """A payment's derivation, folded: the reader opens it. `derived`: the portal derives this
    statute's (so a missing one is still being derived from the chain)."""
    if explanation is None:
        if derived:
            return '<span class="empty">being derived from the chain: reload in a moment</span>'
        return '<span class="empty">no derivation (no source for this statute)</span>'
    steps = "".join(f"<li><b>{e(s.what)}</b>: {e(s.value)}</li>" for s in explanation.steps)
    return (
        f'<details class="why"><summary>how {e(str(explanation.payment.amount))} is reached</summary>'
        f"<ol>{steps}</ol></details>"
    )


def payments(portal: Portal, before: int | None, party: str | None = None, statute: str | None = None) -> str:
    """The live feed: newest first, one page at a time, `before` = the last row's `pos`."""
    rows = portal.index.payments(before, PAGE_SIZE, party=party, statute=statute)
    pager = ""
    if len(rows) == PAGE_SIZE:
        query = {k: v for k, v in {"before": rows[-1].pos, "party": party, "statute": statute}.items() if v}
        pager = f'<nav class="pager"><a rel="next" href="/payments?{e(urlencode(query))}">Older payments →</a></nav>'
    refresh = '<meta http-equiv="refresh" content="15">' if before is None else ""
    return layout("Payments", refresh + payment_table(portal, rows) + pager, portal)


def statute_page(portal: Portal, address: str) -> str | None:
    s = portal.index.statute(address)
    if s is None:
        return None
    source = portal.source(s)
    facts = table(
        ["Fact", "Value"],
        [
            ["Title", e(s["title"])],
            ["Version", str(s["version"])],
            ["Effective from", e(when(s["effective_from"], portal.zone(address)))],
            ["Contract", f'<span class="addr">{e(s["address"])}</span>'],
            ["Registry", f'<span class="addr">{e(s["registry"])}</span>'],
            ["Source hash (keccak256)", f"<code>{e(s['law_hash'])}</code>"],
            ["Verification", badge(portal.badges.get(address, Badge.NO_SOURCE))],
            ["Enacted in", f'<code class="tx">{e(s["tx"])}</code>'],
        ],
    )
    body = facts + charts(portal, s, source)
    if source is not None:
        body += (
            law(source) + f"<h2>Full source</h2><p>{e(source.path.name)}</p>"
            f'<pre class="src">{highlight(source.text, source.statute.language)}</pre>'
        )
    else:
        body += "<p>No source with this hash was supplied; the statute's text cannot be shown.</p>"
    body += "<h2>Payments under this statute</h2>" + payment_table(
        portal, portal.index.payments(limit=20, statute=address)
    )
    body += f'<p><a href="/payments?{e(urlencode({"statute": address}))}">All its payments →</a></p>'
    if s["domain"] == "procurement":
        body += f'<p><a href="/ocds/{e(address)}">Open Contracting (OCDS 1.1) releases of its tenders</a></p>'
    return layout(s["title"], body, portal)


def law(source: LawSource) -> str:
    """The statute as law: preamble, then each article with its official wording and its rules."""
    statute = source.statute
    parts = ["<h2>The law</h2>"]
    if statute.preamble:
        parts.append(f"<blockquote>{e(statute.preamble)}</blockquote>")
    for article in statute.articles:
        parts.append(
            f'<article class="law" id="article-{e(article.id)}"><h3>Article {e(article.id)} — {e(article.title)}</h3>'
        )
        if article.wording:
            parts.append(f"<blockquote>{e(article.wording)}</blockquote>")
        if article.rules:
            text = excerpt(source.text, article.rules[0].span, article.rules[-1].span)
            parts.append(f'<pre class="src rules">{highlight(text, statute.language)}</pre>')
        parts.append("</article>")
    return "".join(parts)


# ---------------------------------------------------------------- charts


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


def _statute(portal: Portal, s: dict[str, Any]) -> Statute | None:
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


# ---------------------------------------------------------------- a worker's page


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
            overtime_articles(_statute(portal, meta[statute])),
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


def not_found(what: str) -> str:
    return layout("Not found", f"<p>{e(what)}</p>")
