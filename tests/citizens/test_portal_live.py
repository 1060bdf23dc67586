"""The portal on a chain fed live through the device gateway, read in Chromium on a phone and a desktop.

Not a replayed scenario: terminals upload ATTLOG records over ADMS to a real
`lawdsl oracle serve` process, whose submitter signs and sends the batches;
their refs are 64-bit hashes (half of them above 2**63). The portal indexes
the chain while it runs; more punches are uploaded after the first pages are
seen, and they must appear on reload, without restarting the portal. At
400 px and 1,280 px no element may run past the viewport's right edge (text
inside a box that scrolls, such as a chart or a source listing, excepted), and
chart text must be at least 11 px.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chain.anvil import LocalAnvil
from chain.client import Chain
from citizens.portal.server import PortalApp, keep_synced, make_server
from lawdsl.load import load_statute
from oracles.devices.simulator import Profile, simulate, simulated_config
from oracles.gateway import DEFAULT_LAW, provision
from oracles.outbox import Outbox
from oracles.uploads import attlog_uploads, config_yaml
from tests.oracles.test_gateway_e2e import Served, Terminal, wait_settled

from .test_portal import CHROMIUM, CHROMIUM_ARGS, STATUTES, shot

pytestmark = pytest.mark.chain

START = dt.date(2026, 9, 7)
WIDTHS = (400, 1280)
#: Elements past the right edge of the viewport, skipping those inside a box that scrolls or clips.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && !clipped(el)) out.push(el.tagName + '.' + el.className + ' ' + r.right);
  }
  if (document.documentElement.scrollWidth > width + 1) out.push('page ' + document.documentElement.scrollWidth);
  return out;
}"""
#: Rendered size of the smallest chart text, in CSS pixels.
SMALLEST_CHART_TEXT = """() => Math.min(1e9, ...[...document.querySelectorAll('svg.chart text')].map(
  t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""


class Feed:
    """A site provisioned on a fresh anvil, its gateway serving, and the terminals that upload to it."""

    def __init__(self, folder: Path, node: LocalAnvil) -> None:
        # The gateway locks its relayer key machine-wide (a file in the temporary directory); this
        # chain is its own, so its gateway takes its lock beside it, not across other test runs.
        self.tmpdir = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = str(folder)  # read by the `lawdsl oracle serve` process started below
        config = simulated_config(employees=4, devices=2)
        self.site = provision(Chain(node.url), load_statute(DEFAULT_LAW), config)
        (folder / "gateway.yaml").write_text(config_yaml(config))
        self.outbox = folder / "outbox.db"
        self.uploads = list(attlog_uploads(simulate(config, START, 4, seed=5, profile=Profile()), per_upload=6))
        self.served = Served(folder / "gateway.yaml", self.outbox, node.url, self.site.address).start()
        self.terminals = {serial: Terminal(self.served.port, serial) for serial in config.devices}
        for terminal in self.terminals.values():
            terminal.handshake()
        self.sent = 0

    def upload(self, count: int) -> None:
        """Deliver the next `count` uploads and wait until the gateway has settled them on chain."""
        for serial, body in self.uploads[self.sent : self.sent + count]:
            self.terminals[serial].upload(body)
        self.sent = min(len(self.uploads), self.sent + count)
        with Outbox(self.outbox) as box:
            counts = box.counts()
        wait_settled(self.outbox, sum(counts[k] for k in ("pending", "sent", "confirmed", "rejected")), 60)

    def close(self) -> None:
        for terminal in self.terminals.values():
            terminal.close()
        if self.tmpdir is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = self.tmpdir
        assert self.served.stop() == 0


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Feed, PortalApp, str]]:
    folder = tmp_path_factory.mktemp("live")
    with LocalAnvil(timestamp=int(time.time())) as node:
        feed = Feed(folder, node)
        try:
            feed.upload(len(feed.uploads) // 2)
            app = PortalApp(node.url, folder / "portal.sqlite", [], STATUTES)
            app.explain_known()  # the first replay, before the threads take over
            server = make_server(app, 0)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            stop = threading.Event()
            keep_synced(app, 0.3, stop, explain=app.explain_known)
            host, port = server.server_address[:2]
            yield feed, app, f"http://{host}:{port}"
            stop.set()
            server.shutdown()
            server.server_close()
        finally:
            feed.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def fits(page, name: str) -> None:
    """Nothing runs off the right edge; chart text is legible; the page paints (screenshot)."""
    assert page.evaluate(OVERFLOWING) == [], name
    if page.locator("svg.chart text").count():
        assert page.evaluate(SMALLEST_CHART_TEXT) >= 11, name
    shot(page, name)


def test_live_chain_on_a_phone_and_a_desktop(live, browser) -> None:
    feed, app, url = live
    refs = [ref for (ref,) in app.index.rows("SELECT ref FROM payments")]
    assert refs and max(refs) >= 2**63  # the gateway's 64-bit refs, kept whole
    worker = app.index.rows("SELECT payee FROM payments ORDER BY pos LIMIT 1")[0][0]
    statute = feed.site.address
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(url + "/")
        assert "Working Hours and Overtime Pay Act" in page.locator("table.statutes").inner_text()
        assert page.locator("[data-last-block]").count() == 1  # how fresh the page is
        fits(page, f"live-home-{width}.png")
        page.goto(f"{url}/statute/{statute}")
        assert "Extended working hours" in page.locator("#article-44\\.1").inner_text()
        fits(page, f"live-statute-{width}.png")
        page.goto(url + "/payments")
        assert page.locator("table.payments tbody tr").count() == len(refs)
        fits(page, f"live-payments-{width}.png")
        page.goto(f"{url}/worker/{worker}")
        why = page.locator("details.why").first
        why.locator("summary").click()
        assert "minutes under article" in why.inner_text() and "rounded" in why.inner_text()
        assert page.locator("table.shifts tbody tr").count() >= 1
        assert "emp-0" not in page.content()  # no names on public pages: the gateway's labels stay off them
        fits(page, f"live-worker-{width}.png")
        page.close()


def test_new_punches_appear_without_restarting_the_portal(live, browser) -> None:
    feed, _, url = live
    page = browser.new_page(viewport={"width": 400, "height": 900})
    page.goto(url + "/payments")
    before = page.locator("table.payments tbody tr").count()
    block = int(page.locator("[data-last-block]").get_attribute("data-last-block"))
    feed.upload(len(feed.uploads))  # the rest of the week, through the same gateway
    deadline = time.monotonic() + 20
    while page.locator("table.payments tbody tr").count() <= before and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    assert page.locator("table.payments tbody tr").count() > before
    assert int(page.locator("[data-last-block]").get_attribute("data-last-block")) > block
    page.close()
