"""The portal keeps following a node that is stopped and restarted from its saved state.

A live chain fed through the device gateway, as in `test_portal_live`: the
anvil saves its state (`anvil_dumpState`, `oracles.gateway.AnvilNode`), is
stopped while the portal runs, and started again with `--load-state` on the
same port. The portal logs the outage once and the return once, and keeps
going: the rows it had are all still there once each, the punches uploaded
after the restart appear without restarting the portal, and the index, the
explanations it shows and the replay behind them equal those built from
scratch on the restarted chain.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from web3 import Web3

from chain.reader import ChainReader
from citizens.portal.index import Index
from citizens.portal.server import PortalApp, keep_synced, make_server
from citizens.replay import Replay
from oracles.gateway import DEFAULT_LAW, AnvilNode

from .test_portal import STATUTES
from .test_portal_live import Feed

pytestmark = pytest.mark.chain

TABLES = ("payments", "punches", "rejected", "employment", "violations")


def rows(index: Index) -> dict[str, list[tuple[object, ...]]]:
    return {table: index.rows(f"SELECT * FROM {table} ORDER BY pos") for table in TABLES}


def until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds:g} s: {what}")
        time.sleep(0.1)


def page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode("utf-8")


def test_a_stopped_and_restarted_node_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    node = AnvilNode(state=tmp_path / "chain-state.json", state_interval=0.5, timestamp=int(time.time())).start()
    stop, lines = threading.Event(), []
    feed: Feed | None = None
    server = None
    try:
        feed = Feed(tmp_path, node)  # type: ignore[arg-type]  (it reads only the node's url)
        feed.upload(len(feed.uploads) // 2)
        app = PortalApp(node.url, tmp_path / "portal.sqlite", [], STATUTES)
        app.explain_known()  # the first replay, before the threads take over
        server = make_server(app, 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = "http://{}:{}".format(*server.server_address[:2])
        keep_synced(app, 0.2, stop, lines.append, app.explain_known)
        statute = feed.site.address
        worker = app.index.rows("SELECT payee FROM payments ORDER BY pos LIMIT 1")[0][0]
        assert '<details class="why">' in page(f"{url}/worker/{worker}")  # explained, from the kept replay
        before = rows(app.index)
        assert before["payments"] and before["punches"]

        node.flush()  # what the node has is on disk, as a node's database is
        node.stop()
        until(lambda: any("does not answer" in line for line in lines), 20, "the outage logged")
        assert "Payments" in page(f"{url}/payments")  # the pages keep showing the index meanwhile
        node.start()
        until(lambda: any("answers again" in line for line in lines), 20, "the return logged")
        assert rows(app.index) == before  # nothing lost, nothing doubled
        assert app.index.rebuilds == 0  # the saved state keeps the block hashes: the index resumes

        feed.upload(len(feed.uploads))  # the rest, through the gateway that waited out the outage
        head = Web3(Web3.HTTPProvider(node.url)).eth.block_number
        until(lambda: int(app.index.meta("last_block", "-1")) >= head, 30, "the index at the head")
        after = rows(app.index)
        assert len(after["punches"]) > len(before["punches"])
        for table in TABLES:  # the rows from before the restart are there, each once
            assert set(before[table]) <= set(after[table])
            assert len(set(after[table])) == len(after[table])
        fresh = Index(tmp_path / "fresh.sqlite")
        fresh.sync(ChainReader(node.url))
        assert rows(fresh) == after  # as if the portal had never seen the node go away
        assert len(after["payments"]) == page(f"{url}/payments").count('<code class="tx">')
        assert len(lines) == 2

        # the explaining thread brings the kept replay to the head and publishes what it derived
        until(lambda: app.published[statute][1] == len(after["payments"]), 30, "every payment explained")
        paid, count, _ = app.published[statute]
        rebuilt = Replay(app.reader.w3, DEFAULT_LAW, statute)
        rebuilt.update()
        assert paid[:count] == rebuilt.explanations
        assert app.replays[statute].restarts == 1  # it built on what it had read before the restart
    finally:
        stop.set()
        if server is not None:
            server.shutdown()
            server.server_close()
        if feed is not None:
            feed.close()
        node.stop()
