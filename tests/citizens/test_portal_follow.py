"""The portal keeps following a node that goes away and comes back: one log line each way."""

from __future__ import annotations

import threading
import time

from citizens.portal.server import keep_synced


class Meta:
    def meta(self, key: str, default: str) -> str:
        return "41" if key == "last_block" else default


class FlakyApp:
    """`refresh` fails while `down` is set, as a sync against a restarting node does."""

    rpc = "http://127.0.0.1:8545"
    index = Meta()

    def __init__(self) -> None:
        self.down = threading.Event()
        self.rounds = 0

    def refresh(self) -> None:
        self.rounds += 1
        if self.down.is_set():
            raise ConnectionError("connection refused")


def test_a_node_outage_is_logged_once_and_its_return_once() -> None:
    app, lines, stop = FlakyApp(), [], threading.Event()
    app.down.set()
    keep_synced(app, 0.01, stop, lines.append)  # type: ignore[arg-type]
    while app.rounds < 5:
        time.sleep(0.01)
    app.down.clear()
    rounds = app.rounds
    while app.rounds < rounds + 5:
        time.sleep(0.01)
    stop.set()
    assert lines == [
        (
            "the node at http://127.0.0.1:8545 does not answer (ConnectionError: connection refused); retrying every "
            "0.01 s, the pages show the index as it is"
        ),
        "the node at http://127.0.0.1:8545 answers again; indexed to block 41",
    ]


def test_explanations_that_fail_are_logged_once_and_the_node_s_absence_not_at_all() -> None:
    app, lines, stop = FlakyApp(), [], threading.Event()
    failures = [ConnectionRefusedError("refused"), ValueError("bad source"), ValueError("bad source")]
    rounds = []

    def explain() -> None:
        rounds.append(1)
        if failures:
            raise failures.pop(0)

    keep_synced(app, 0.01, stop, lines.append, explain)  # type: ignore[arg-type]
    while len(rounds) < 6:
        time.sleep(0.01)
    stop.set()
    assert lines == ["explanations not derived (ValueError: bad source); retrying every 0.01 s"]
