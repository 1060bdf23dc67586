"""Chaos: `kill -9` the chain and the gateway, again and again, while terminals upload.

Real processes: anvil with its state persisted every second (`AnvilNode`:
`anvil_dumpState` written atomically, `--load-state` on restart; anvil's own
`--state` dump is not crash-safe), so a SIGKILL loses up to a second of
blocks, as a crashed node loses unflushed ones; and `lawdsl oracle serve`. Terminals retry every upload
until they get `OK`, as firmware does. At the end every accepted punch is on
chain exactly once, no shift is paid twice, and the payments equal the
reference interpreter's to the fen.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest

from chain.client import Chain
from lawdsl.load import load_statute
from oracles.devices.simulator import Profile, simulate, simulated_config
from oracles.gateway import DEFAULT_LAW, AnvilNode, audit, provision
from oracles.outbox import Outbox
from oracles.uploads import attlog_uploads, config_yaml

from .test_gateway_e2e import Served, Terminal, wait_settled

pytestmark = pytest.mark.chain

START = dt.date(2026, 8, 3)
STATE_INTERVAL = 1  # seconds between anvil's state dumps


def run_chaos(tmp_path: Path, employees: int, days: int, kills: int, punches: int, pause: float = 0.001) -> None:
    config = simulated_config(employees=employees, devices=3)
    anvil = AnvilNode(state=tmp_path / "chain-state.json", state_interval=STATE_INTERVAL).start()
    served: Served | None = None
    try:
        site = provision(Chain(anvil.url), load_statute(DEFAULT_LAW), config)
        time.sleep(STATE_INTERVAL * 2.5)  # the deployment is in the state file before the first kill
        config_file = tmp_path / "gateway.yaml"
        config_file.write_text(config_yaml(config))
        outbox = tmp_path / "outbox.db"
        simulation = simulate(config, START, days, seed=11, profile=Profile())
        uploads = list(attlog_uploads(simulation, per_upload=20))
        served = Served(config_file, outbox, anvil.url, site.address).start()

        sent = 0  # uploads answered OK so far
        done = threading.Event()

        def terminals() -> None:
            nonlocal sent
            devices = {serial: Terminal(served.port, serial) for serial in config.devices}
            for serial, body in uploads:
                devices[serial].upload(body)
                sent += 1
                time.sleep(pause)
            for terminal in devices.values():
                terminal.close()
            done.set()

        def when_uploaded(fraction: float) -> None:
            while sent < fraction * len(uploads):
                time.sleep(0.01)

        pusher = threading.Thread(target=terminals, daemon=True)
        pusher.start()
        port = served.port
        steps = 2 * kills + 1
        for round_ in range(kills):  # kills spread over the stream: chain, gateway, chain, gateway …
            when_uploaded((2 * round_ + 1) / steps)
            anvil.kill()
            time.sleep(0.5)
            anvil.start()
            when_uploaded((2 * round_ + 2) / steps)
            served.kill()
            served = Served(config_file, outbox, anvil.url, site.address, port=port).start()
        assert not done.is_set(), "the stream ended before the last kill"
        pusher.join(timeout=600)
        assert done.is_set()
        with Outbox(outbox) as box:
            counts = box.counts()
        accepted = sum(counts[state] for state in ("pending", "sent", "confirmed", "rejected"))
        wait_settled(outbox, accepted, timeout=120)
        assert served.stop() == 0
        served = None
        result = audit(site, anvil.url, outbox)
        assert accepted >= punches
        assert result.exactly_once, "a punch is missing on chain or applied twice"
        assert result.chain_payments == result.expected_payments, "payments differ from the interpreter's"
        assert result.chain_rejected == result.expected_rejected
        assert result.total_paid == sum(p.amount.minor for p in result.expected_payments) > 0
    finally:
        if served is not None and served.process is not None and served.process.poll() is None:
            served.kill()
        anvil.kill()


def test_one_kill_of_each_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    run_chaos(tmp_path, employees=30, days=25, kills=1, punches=1_000)


@pytest.mark.slow
def test_repeated_kills_during_ten_thousand_punches(tmp_path: Path) -> None:
    run_chaos(tmp_path, employees=300, days=28, kills=4, punches=10_000)
