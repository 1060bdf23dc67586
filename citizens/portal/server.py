"""The portal's web server: the standard library's threading HTTP server, on loopback.

A background thread keeps the index at the chain's head (every `interval`
seconds), so a page never waits for the chain; one lock serialises the
SQLite connection between that thread and the request threads. A second
thread keeps each statute's replay (`citizens/replay.py`, the payments'
explanations) at the head and publishes what it derived: a long history's
first replay takes a minute or more, and neither the pages nor the index
wait for it.
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from eth_utils.address import is_address, to_checksum_address

from chain.reader import ChainReader
from lawdsl.interpret.explain import Explanation

from ..ocds import TenderExport, release_package
from ..replay import Replay
from . import pages, worker
from .index import Index, Progress
from .sources import load_sources
from .state import Portal
from .verify import badges

#: A statute's published explanations: the payments' (a list that grows), how many of them were
#: derived when published, and the arrears still owed.
Derivation = tuple[list[Explanation], int, list[Explanation]]


class PortalApp:
    """Index + chain reader + pages, and the routing of a request path to a page."""

    def __init__(
        self,
        rpc: str,
        index_path: Path,
        registries: list[str],
        statutes: Path | None,
        rebuild: bool = False,
        progress: Progress | None = None,
        labels: dict[str, str] | None = None,
    ) -> None:
        self.rpc = rpc
        self.reader = ChainReader(rpc)
        self.index = Index(index_path, registries)
        self.lock = threading.Lock()
        self.replays: dict[str, Replay] = {}  # by statute: the law's side, kept current by `explain_known`
        #: by statute: what its replay last derived (payments, how many of them, arrears owed)
        self.published: dict[str, Derivation] = {}
        sources = load_sources(statutes)
        # names only from the operator's own label file: the pages are public, names are personal data
        self.portal = Portal(self.index, sources, labels or {}, rpc=rpc, explainer=self._explain)
        with self.lock:
            if rebuild:
                self.index.rebuild(self.reader, progress)
            else:
                self.index.sync(self.reader, progress)
            self._verify()

    def _verify(self) -> None:
        """Badges for statutes not yet checked: compiling is slow, so each is checked once."""
        unchecked = [s for s in self.index.statutes() if s["address"] not in self.portal.badges]
        if unchecked:
            self.portal.badges.update(badges(unchecked, self.portal.sources, self.reader.code, self.reader.w3))

    def _explain(self, statute: dict[str, Any]) -> Derivation | None:
        """What the statute's replay last published (None: not derived yet); never reads the chain."""
        return self.published.get(statute["address"])

    def explain_known(self) -> None:
        """Bring the replay of every statute whose source is known to the chain's head and publish
        what it derived. Runs outside the lock: an update reads only the chain and its own state."""
        with self.lock:
            known = [(s["address"], source.path) for s in self.index.statutes() if (source := self.portal.source(s))]
        for address, path in known:
            replay = self.replays.get(address)
            if replay is None:
                replay = self.replays[address] = Replay(self.reader.w3, path, address)
            if replay.update() or address not in self.published:
                self.published[address] = (replay.explanations, len(replay.explanations), replay.owed())

    def refresh(self) -> None:
        with self.lock:
            rebuilds = self.index.rebuilds
            added = self.index.sync(self.reader)
            if self.index.rebuilds != rebuilds:  # another chain: the same address may hold other code
                self.portal.forget()
                self.replays.clear()
                self.published.clear()
            if added or len(self.portal.badges) < len(self.index.statutes()):
                self._verify()

    def route(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, str]:
        """(status, content type, body) for a GET of `path`."""
        parts = [p for p in path.split("/") if p]
        one = {k: v[0] for k, v in query.items() if v}
        with self.lock:
            if not parts:
                return _html(pages.home(self.portal))
            if parts == ["payments"]:
                try:
                    before, party, statute = (
                        _position(one.get("before")),
                        _address(one, "party"),
                        _address(one, "statute"),
                    )
                except BadQuery as error:
                    return HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", f"{error}\n"
                return _html(pages.payments(self.portal, before, party, statute))
            address = _addr(parts[1]) if len(parts) > 1 else None
            if address and parts[0] == "statute":
                page = pages.statute_page(self.portal, address)
                return _html(page) if page else _missing("No statute at that address in the registry.")
            if address and parts[0] == "worker":
                return _html(worker.worker_page(self.portal, address))
            if address and parts[0] == "ocds":
                return self.ocds(address, parts[2:])
        return _missing("There is no such page.")

    def ocds(self, address: str, rest: list[str]) -> tuple[int, str, str]:
        """`/ocds/ADDR` every release of the statute's tenders; `/ocds/ADDR/N` those of tender N."""
        statute = self.index.statute(address)
        if statute is None or statute["domain"] != "procurement":
            return _missing("No procurement statute at that address in the registry.")
        source = self.portal.source(statute)
        export = TenderExport(self.reader, address, self.portal.names, source.statute if source else None)
        releases = export.releases()
        if rest:
            releases = [r for r in releases if r["ocid"].endswith(f"-{rest[0]}")]
        package = release_package(releases, f"/ocds/{address}" + (f"/{rest[0]}" if rest else ""))
        return HTTPStatus.OK, "application/json", json.dumps(package, indent=2, ensure_ascii=False)


class BadQuery(ValueError):
    """A query parameter the portal cannot use; the message says which and why (answered 400)."""


#: Feed positions are (block << 20 | log index), kept whole as the index's DECTEXT: at most 99 digits.
MAX_POSITION = 10**99 - 1


def _position(text: str | None) -> int | None:
    """`before=`: a feed position, or None when not given."""
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 99:
        raise BadQuery(f"before={text[:40]!r} is not a feed position (a whole number of at most 99 digits)")
    return int(text)


def _address(one: dict[str, str], name: str) -> str | None:
    """`party=` or `statute=`: an address (0x and 40 hex digits), or None when not given."""
    text = one.get(name)
    if text is not None and not is_address(text):
        raise BadQuery(f"{name}={text[:60]!r} is not an address (0x and 40 hex digits)")
    return _addr(text)


def _addr(text: str | None) -> str | None:
    return to_checksum_address(text) if text and is_address(text) else None


def _html(body: str) -> tuple[int, str, str]:
    return HTTPStatus.OK, "text/html; charset=utf-8", body


def _missing(message: str) -> tuple[int, str, str]:
    return HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", pages.not_found(message)


def make_server(app: PortalApp, port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server bound to loopback (port 0: any free port, read it from `server_address`)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            url = urlsplit(self.path)
            try:
                status, kind, body = app.route(url.path, parse_qs(url.query))
            except Exception as error:  # one broken page must not stop the portal
                status, kind, body = HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain", f"error: {error}"
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # quiet: a citizen's browse is no event
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def keep_synced(
    app: PortalApp,
    interval: float,
    stop: threading.Event,
    log: Callable[[str], None] = lambda line: None,
    explain: Callable[[], None] | None = None,
) -> threading.Thread:
    """Refresh the index every `interval` seconds until `stop` is set; and, on a thread of its own,
    `explain` (`PortalApp.explain_known`) as often, where given.

    A node that stops answering (restarted, upgraded, its network down) is
    retried every round; `log` hears one line when it goes away and one when
    it answers again, not one per round. The explaining thread leaves the
    node's absence (an `OSError`: refused, reset, timed out) to the index's
    thread and logs any other failure once, until it changes: the pages say
    those payments are still being derived.
    """
    if explain is not None:

        def explaining() -> None:
            said = ""
            while True:
                try:
                    explain()
                    said = ""
                except OSError:
                    pass  # the node is away: the sync thread says so; the next round retries
                except Exception as error:  # a statute that cannot be replayed: said once, retried
                    if str(error) != said:
                        log(
                            f"explanations not derived ({type(error).__name__}: {error}); retrying every {interval:g} s"
                        )
                    said = str(error)
                if stop.wait(interval):
                    return

        threading.Thread(target=explaining, name="portal-explain", daemon=True).start()

    def loop() -> None:
        failing = False
        while not stop.wait(interval):
            try:
                app.refresh()
            except Exception as error:  # the node may be away for a while; the next round tries again
                if not failing:
                    log(
                        f"the node at {app.rpc} does not answer ({type(error).__name__}: {error}); "
                        f"retrying every {interval:g} s, the pages show the index as it is"
                    )
                failing = True
            else:
                if failing:
                    log(f"the node at {app.rpc} answers again; indexed to block {app.index.meta('last_block', '-1')}")
                failing = False

    thread = threading.Thread(target=loop, name="portal-sync", daemon=True)
    thread.start()
    return thread
