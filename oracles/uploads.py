"""Punches into a gateway as terminals send them: `lawdsl oracle import` and `lawdsl oracle simulate`.

A CSV export is admitted through the same intake checks as a live upload; a
simulated site's attendance goes out as ATTLOG uploads over HTTP to a running
gateway (`HttpTerminals`, retrying as terminal firmware does) or through the
ADMS handler straight into an outbox. `config_yaml` writes the simulated
site's configuration for `oracle serve --config`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from pathlib import Path
from urllib.parse import urlsplit

from rich.progress import Progress

from lawdsl import terminal

from .devices.config import GatewayConfig, load_config
from .devices.csv_import import import_csv
from .devices.intake import Intake
from .devices.records import CanonicalPunch, Quarantined, Redelivered
from .devices.simulator import CLEAN, Profile, Simulation, simulate, simulated_config
from .devices.zkteco_push import AdmsProtocol
from .http_service import Peer
from .outbox import Outbox

console = terminal.console(stderr=True)


# ---------------------------------------------------------------- import


def cmd_import(args: argparse.Namespace) -> int:
    with Outbox(args.outbox) as outbox, console.status(f"importing {args.file}"):
        results = import_csv(args.file, Intake(load_config(args.config), outbox))
    print_admissions(results)
    return 0


def print_admissions(results: Sequence[object]) -> None:
    admitted = sum(isinstance(r, CanonicalPunch) for r in results)
    again = sum(isinstance(r, Redelivered) for r in results)
    quarantined = [r for r in results if isinstance(r, Quarantined)]
    print(f"{admitted} admitted, {again} already in the outbox, {len(quarantined)} quarantined")
    for item in quarantined[:20]:
        print(f"  {item}")


# ---------------------------------------------------------------- simulate


def cmd_simulate(args: argparse.Namespace) -> int:
    config = load_config(args.config) if args.config else simulated_config(args.employees, args.devices)
    if args.write_config:
        Path(args.write_config).write_text(config_yaml(config), encoding="utf-8")
        print(f"wrote {args.write_config}")
        return 0
    if not (args.url or args.outbox):
        console.print("simulate: give --url (a running `oracle serve`) or --outbox")
        return 2
    start = args.start or dt.date.today() - dt.timedelta(days=args.days + 1)
    simulation = simulate(config, start, args.days, args.seed, CLEAN if args.clean else Profile())
    uploads = list(attlog_uploads(simulation, args.per_upload))
    if args.url:
        deliver = HttpTerminals(args.url).upload
        _upload_all(uploads, deliver)
    else:
        with Outbox(args.outbox) as outbox:
            protocol = AdmsProtocol(Intake(config, outbox))
            _upload_all(
                uploads,
                lambda serial, body: (
                    protocol.handle(
                        Peer.local(), "POST", "/iclock/cdata", {"sn": serial, "table": "ATTLOG"}, body.encode()
                    ).body
                ),
            )
    print(f"{len(simulation.records)} records from {len(simulation.shifts)} shifts in {len(uploads)} uploads")
    return 0


def attlog_uploads(simulation: Simulation, per_upload: int) -> Iterator[tuple[str, str]]:
    """(serial, ATTLOG body) in delivery order: runs of one terminal's records, at most `per_upload` each."""
    for serial, run in groupby(simulation.records, key=lambda r: r.serial):
        records = list(run)
        for i in range(0, len(records), per_upload):
            yield serial, "".join(f"{r.attlog()}\n" for r in records[i : i + per_upload])


def _upload_all(uploads: list[tuple[str, str]], deliver: Callable[[str, str], str]) -> None:
    """Deliver every upload in order; anything but `OK…` stops the run (terminals would retry forever)."""
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("uploading", total=len(uploads))
        for serial, body in uploads:
            answer = deliver(serial, body)
            if not answer.startswith("OK"):
                raise RuntimeError(f"upload from {serial} answered {answer!r}")
            progress.advance(task)


class HttpTerminals:
    """Terminals uploading to one gateway over one keep-alive connection, retrying like firmware does;
    an https URL with the `tls` client context (the gateway's CA, a client certificate)."""

    def __init__(
        self, url: str, retry_delay: float = 1.0, attempts: int = 30, tls: ssl.SSLContext | None = None
    ) -> None:
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or (443 if self.https else 80)
        self.tls = tls
        self.retry_delay = retry_delay
        self.attempts = attempts
        self._connection: http.client.HTTPConnection | None = None

    def upload(self, serial: str, body: str) -> str:
        for _ in range(self.attempts):
            try:
                return self._post(f"/iclock/cdata?SN={serial}&table=ATTLOG&Stamp=9999", body.encode())
            except (OSError, http.client.HTTPException, RuntimeError):
                self._connection = None
                time.sleep(self.retry_delay)
        raise RuntimeError(f"gateway at {self.host}:{self.port} unreachable")

    def _post(self, path: str, body: bytes) -> str:
        if self._connection is None:
            self._connection = (
                http.client.HTTPSConnection(self.host, self.port, timeout=30, context=self.tls)
                if self.https
                else http.client.HTTPConnection(self.host, self.port, timeout=30)
            )
        self._connection.request("POST", path, body, {"Content-Type": "text/plain"})
        response = self._connection.getresponse()
        text = response.read().decode()
        if response.status != 200:
            raise RuntimeError(f"{response.status} {text}")
        return text


def config_yaml(config: GatewayConfig) -> str:
    """A gateway.yaml for `config` (devices with label and fixed-offset zone, PINs), quoted as text."""
    lines = ["devices:"]
    for device in config.devices.values():
        offset = dt.datetime.now(device.zone).utcoffset() or dt.timedelta()
        minutes = int(offset.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        lines += [
            f"  {device.serial}:",
            f"    label: {device.label}",
            f'    zone: "{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"',
        ]
    lines.append("employees:")
    lines += [f'  "{pin}": {label}' for pin, label in config.employees.items()]
    return "\n".join(lines) + "\n"
