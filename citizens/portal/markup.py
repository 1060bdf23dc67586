"""The pieces every portal page is built of: the page frame and its style, tables, amounts,
times, badges, the payments table and a payment's folded derivation.

No template engine: a page is a few f-strings, so what a citizen sees can be read straight from
these functions; every value goes through `html.escape`. Amounts are shown in the token's own
currency and minor digits, times in the statute's own zone where its source is known.
"""

from __future__ import annotations

import datetime as dt
import html

from lawdsl.interpret.explain import Explanation

from .highlight import css
from .index import PaymentRow
from .state import Portal
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
