"""The portal's pages other than a worker's (`worker.py`): home, the payments feed, a statute's
page, not found; each a small function returning HTML, every value through `html.escape`.

The pieces they are built of are in `markup.py`, the charts in `charts.py`, what they read in
`state.py`.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

from .charts import charts
from .highlight import excerpt, highlight
from .markup import PAGE_SIZE, badge, day, layout, payment_table, table, when
from .sources import LawSource
from .state import Portal
from .verify import Badge

e = html.escape


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


def not_found(what: str) -> str:
    return layout("Not found", f"<p>{e(what)}</p>")
