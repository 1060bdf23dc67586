"""The citizens' portal, end to end: example scenarios on the session anvil, the portal served
on loopback, and Debian's Chromium driven by Playwright reading it as a citizen would.

The browser is never downloaded: `make browser` installs Debian's chromium,
and a machine without it FAILS these tests (a portal nobody has looked at is
not tested).
"""

from __future__ import annotations

import html
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import pytest

from chain.client import Chain
from citizens.portal import markup
from citizens.portal.bench import feed_timings
from citizens.portal.commands import registries
from citizens.portal.demo import Replayed, replay
from citizens.portal.highlight import highlight
from citizens.portal.index import Index
from citizens.portal.server import PortalApp, make_server
from citizens.portal.sources import address_book
from compiler.artifacts import compile_statutes
from lawdsl.interpret import interpret
from lawdsl.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
STATUTES = ROOT / "statutes"
#: Screenshots go to docs/screenshots/ only when asked (`LAWDSL_SCREENSHOTS=1 make test`),
#: so an ordinary test run leaves the work tree clean.
SCREENSHOTS = ROOT / "docs" / "screenshots" if os.environ.get("LAWDSL_SCREENSHOTS") else None
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: The project's example scenarios, one per statute: all three domains, two currencies.
EXAMPLES = ("overtime-march", "vouchers-march", "procurement-wheat", "laptop-tender", "us-weekly-overtime")

pytestmark = pytest.mark.chain


def replay_examples(chain: Chain, names: tuple[str, ...]) -> Iterator[list[Replayed]]:
    """Replay example scenarios on the session anvil for one test module, then put the chain back
    (block time included) for the modules after it."""
    snapshot = chain.snapshot()
    scenarios = [load_scenario(STATUTES / f"{name}.yaml") for name in names]
    artifacts = compile_statutes({s.statute.header.title: s.statute for s in scenarios}.values())
    done = replay(scenarios, chain, artifacts)
    for item in done:  # the chain did what the law says, so the portal shows the law's outcome
        assert item.outcome.payments == interpret(item.scenario).payments, item.scenario.path.name
    yield done
    chain.revert(snapshot)


@pytest.fixture(scope="module")
def replayed(session_chain: Chain) -> Iterator[list[Replayed]]:
    yield from replay_examples(session_chain, EXAMPLES)


@pytest.fixture(scope="module")
def app(replayed: list[Replayed], session_chain: Chain, tmp_path_factory: pytest.TempPathFactory) -> PortalApp:
    url = session_chain.w3.provider.endpoint_uri
    index = tmp_path_factory.mktemp("portal") / "index.sqlite"
    # the operator's own label file, here the scenarios' labels: names appear only because it is given
    app = PortalApp(
        url, index, [r.deployment.registry.address for r in replayed], STATUTES, labels=address_book(STATUTES)
    )
    app.explain_known()  # what `lawdsl portal`'s explaining thread does, here once: the chain stays put
    return app


@pytest.fixture(scope="module")
def portal_url(app: PortalApp) -> Iterator[str]:
    server = make_server(app, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page(portal_url: str) -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        yield page
        browser.close()


def shot(page, name: str) -> None:
    """Render the page to PNG (proving it paints), kept in docs/ when LAWDSL_SCREENSHOTS is set."""
    folder = SCREENSHOTS or Path(tempfile.gettempdir()) / "lawdsl-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    assert page.screenshot(path=str(folder / name), full_page=True)


def by_title(replayed: list[Replayed], title: str) -> Replayed:
    return next(r for r in replayed if r.scenario.statute.header.title == title)


# ---------------------------------------------------------------- in the browser


def test_home_lists_every_example_statute_as_verified(page, portal_url: str, replayed: list[Replayed]) -> None:
    page.goto(portal_url + "/")
    rows = page.locator("table.statutes tbody tr")
    assert rows.count() == len(EXAMPLES)
    listed = {
        rows.nth(i).locator("td").first.inner_text(): rows.nth(i).locator("[data-badge]").inner_text()
        for i in range(rows.count())
    }
    assert listed == {r.scenario.statute.header.title: "verified" for r in replayed}
    for r in replayed:
        assert r.deployment.driver.contract.address in page.content()
    shot(page, "portal-statutes.png")


def test_worker_page_shows_the_payments_the_chain_made(
    page, portal_url: str, replayed: list[Replayed], session_chain: Chain
) -> None:
    alice = session_chain.address("alice")
    overtime = by_title(replayed, "Working Hours and Overtime Pay Act")
    page.goto(f"{portal_url}/worker/{alice}")
    assert page.locator("h1").inner_text() == "Worker alice"
    rows = page.locator("table.payments tbody tr")
    shown = sorted(
        (rows.nth(i).locator("td").nth(2).inner_text().split(" ")[0], rows.nth(i).locator("td").nth(5).inner_text())
        for i in range(rows.count())
    )
    assert "44.1 Extended working hours" in page.locator("table.payments").inner_text()  # articles with titles
    on_chain = sorted(
        (p.article, f"CNY {p.amount.amount_text()}") for p in overtime.outcome.payments if p.recipient == "alice"
    )
    assert shown == on_chain
    for i in range(rows.count()):  # every transaction hash shown is a mined transaction
        receipt = session_chain.w3.eth.get_transaction_receipt(rows.nth(i).locator("code.tx").inner_text())
        assert receipt["status"] == 1
    assert page.locator("table.shifts tbody tr").count() == 3  # her three accepted shifts
    assert "41" in page.locator("table.violations").inner_text()  # her employer's violation of article 41
    shot(page, "portal-worker.png")


def test_charts_render(page, portal_url: str, replayed: list[Replayed]) -> None:
    for title, chart, name in (
        ("Working Hours and Overtime Pay Act", "Overtime paid per week", "overtime"),
        ("Household Consumption Voucher Program", "Voucher spending by category", "vouchers"),
        ("Municipal School Laptop Tender", "Tender bids", "tender"),
    ):
        page.goto(f"{portal_url}/statute/{by_title(replayed, title).deployment.driver.contract.address}")
        svg = page.locator("svg.chart")
        assert chart in svg.get_attribute("aria-label")
        bars = svg.locator("rect.bar")
        assert bars.count() >= 1
        box = bars.first.bounding_box()
        assert box is not None and box["height"] > 0 and box["width"] > 0
        shot(page, f"portal-{name}.png")


def test_statute_page_renders_the_law(page, portal_url: str, replayed: list[Replayed]) -> None:
    overtime = by_title(replayed, "Working Hours and Overtime Pay Act")
    page.goto(f"{portal_url}/statute/{overtime.deployment.driver.contract.address}")
    article = page.locator("#article-44\\.1")
    assert "Extended working hours" in article.inner_text()
    assert "not less than 150 percent" in article.locator("blockquote").inner_text()  # official wording
    assert article.locator("pre.rules span").count() > 3  # the rule sentence, highlighted
    assert "beyond the standard day" in article.locator("pre.rules").inner_text()


def test_payments_feed_is_live_and_complete(page, portal_url: str, replayed: list[Replayed]) -> None:
    page.goto(portal_url + "/payments")
    rows = page.locator("table.payments tbody tr")
    assert rows.count() == sum(len(r.outcome.payments) for r in replayed)
    shot(page, "portal-payments.png")


# ---------------------------------------------------------------- the index


def test_index_pages_cover_the_history_without_overlap(app: PortalApp) -> None:
    everything = app.index.payments(limit=10_000)
    seen, before = [], None
    while True:
        chunk = app.index.payments(before, limit=3)
        if not chunk:
            break
        seen += chunk
        before = chunk[-1].pos
    assert seen == everything


def test_rebuild_from_the_chain_gives_the_same_index(app: PortalApp, tmp_path: Path) -> None:
    fresh = Index(tmp_path / "again.sqlite", app.index.registries)
    fresh.rebuild(app.reader)
    assert fresh.payments(limit=10_000) == app.index.payments(limit=10_000)
    assert fresh.statutes() == app.index.statutes()


def test_index_starts_over_when_other_registries_are_asked_for(app: PortalApp, tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    Index(path, app.index.registries).sync(app.reader)
    narrower = Index(path, app.index.registries[:1])
    narrower.sync(app.reader)
    assert narrower.rebuilds == 1 and len(narrower.statutes()) == 1


def test_registry_taken_from_deploy_output(tmp_path: Path) -> None:
    log = tmp_path / "deploy.txt"
    address = "0x" + "ab" * 20
    log.write_text(f"statute   0x{'11' * 20}\ncurrency  0x{'22' * 20}\nregistry  {address}\n")
    assert [a.lower() for a in registries([str(log)])] == [address]


def test_feed_of_a_100000_punch_history_loads_under_a_second(tmp_path: Path) -> None:
    timings = feed_timings(100_000, tmp_path)
    slow = {name: seconds for name, seconds in timings.items() if seconds >= 1.0}
    assert not slow, slow


def test_highlighting_keeps_the_source_verbatim() -> None:
    for path in STATUTES.glob("*.law"):
        text = path.read_text("utf-8")
        language = "zh" if path.name.endswith(".zh.law") else "en"
        assert html.unescape(re.sub(r"<[^>]+>", "", highlight(text, language))) == text
    assert markup.money(-123456, "CNY", 2) == "CNY -1,234.56" and markup.money(5, "JPY", 0) == "JPY 5"
