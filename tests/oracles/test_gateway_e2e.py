"""`lawdsl oracle serve` as a real process, fed by a client that speaks ADMS byte for byte.

The client below is deliberately not the project's: raw sockets, the request
lines and headers a ZKTeco terminal sends, so the test checks the wire and not
our own idea of it. The punches must end up on chain, each once, paying what
the reference interpreter pays for the same punches.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chain.anvil import LocalAnvil
from chain.client import Chain
from lawdsl.load import load_statute
from oracles.devices.simulator import Profile, simulate, simulated_config
from oracles.gateway import DEFAULT_LAW, Site, audit, provision
from oracles.outbox import Outbox
from oracles.uploads import attlog_uploads, config_yaml

pytestmark = pytest.mark.chain

ROOT = Path(__file__).resolve().parents[2]
START = dt.date(2026, 9, 7)


def lawdsl(*args: str) -> list[str]:
    """The `lawdsl` command line of this checkout (not whichever one is installed)."""
    return [sys.executable, "-c", "import sys; from lawdsl.cli import main; sys.exit(main())", *args]


class Terminal:
    """A ZKTeco terminal's side of ADMS over one keep-alive socket."""

    def __init__(self, port: int, serial: str) -> None:
        self.port = port
        self.serial = serial
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.buffer = b""
        return self.sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def request(self, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
        head = (
            f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            "User-Agent: iClock Proxy/1.09\r\nConnection: Keep-Alive\r\nAccept: */*\r\n"
        )
        if method == "POST":
            head += f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
        sock = self._connect()
        sock.sendall(head.encode() + b"\r\n" + body)
        return self._response()

    def _response(self) -> tuple[int, bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._read()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(int(line.split(":", 1)[1]) for line in lines[1:] if line.lower().startswith("content-length"))
        while len(self.buffer) < length:
            self._read()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, body

    def _read(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("gateway closed the connection")
        self.buffer += chunk

    def handshake(self) -> bytes:
        status, body = self.request("GET", f"/iclock/cdata?SN={self.serial}&options=all&pushver=2.4.1&language=69")
        assert status == 200
        return body

    def upload(self, attlog: str) -> bytes:
        """POST one ATTLOG batch until the gateway answers OK (firmware retries after ErrorDelay)."""
        while True:
            try:
                status, body = self.request(
                    "POST", f"/iclock/cdata?SN={self.serial}&table=ATTLOG&Stamp=9999", attlog.encode()
                )
                if status == 200:
                    return body
            except OSError:
                self.close()
            time.sleep(0.2)


class Served:
    """`lawdsl oracle serve` in a subprocess; `port` once it listens."""

    def __init__(self, config: Path, outbox: Path, rpc: str, statute: str, port: int = 0) -> None:
        self.args = lawdsl(
            "oracle",
            "serve",
            "--config",
            str(config),
            "--outbox",
            str(outbox),
            "--rpc",
            rpc,
            "--statute",
            statute,
            "--listen",
            f"127.0.0.1:{port}",
            "--dev-keys",
        )
        self.process: subprocess.Popen | None = None
        self.port = port
        self.log = outbox.with_name("serve.log")

    def start(self) -> Served:
        with self.log.open("a") as log:  # stderr to a file beside the outbox: what a failed start said
            self.process = subprocess.Popen(
                self.args, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("listening on "), self.log.read_text()[-2000:]
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def wait_settled(outbox: Path, expected: int, timeout: float) -> dict[str, int]:
    """Until every admitted punch is confirmed or rejected (reading the outbox beside the gateway)."""
    deadline = time.monotonic() + timeout
    with Outbox(outbox) as box:
        while True:
            counts = box.counts()
            if counts["confirmed"] + counts["rejected"] >= expected and counts["pending"] == counts["sent"] == 0:
                return counts
            if time.monotonic() > deadline:
                raise TimeoutError(f"not settled in {timeout:.0f} s: {counts}")
            time.sleep(0.2)


@pytest.fixture(scope="module")
def node() -> Iterator[LocalAnvil]:
    with LocalAnvil(timestamp=int(time.time())) as anvil:
        yield anvil


def test_punches_uploaded_over_adms_are_paid_on_chain_as_the_interpreter_pays(tmp_path: Path, node: LocalAnvil) -> None:
    config = simulated_config(employees=8, devices=2)
    site: Site = provision(Chain(node.url), load_statute(DEFAULT_LAW), config)
    config_file = tmp_path / "gateway.yaml"
    config_file.write_text(config_yaml(config))
    outbox = tmp_path / "outbox.db"
    simulation = simulate(config, START, 5, seed=3, profile=Profile())
    served = Served(config_file, outbox, node.url, site.address).start()
    try:
        terminals = {serial: Terminal(served.port, serial) for serial in config.devices}
        for terminal in terminals.values():
            options = terminal.handshake()
            assert options.startswith(f"GET OPTION FROM: {terminal.serial}\n".encode())
        lines = 0
        for serial, body in attlog_uploads(simulation, per_upload=7):
            lines += body.count("\n")
            assert terminals[serial].upload(body) == f"OK: {body.count(chr(10))}".encode()
        assert terminals["SIM0001"].request("GET", "/iclock/getrequest?SN=SIM0001") == (200, b"OK")
        with Outbox(outbox) as box:
            admitted = box.counts()
        accepted = admitted["pending"] + admitted["sent"] + admitted["confirmed"] + admitted["rejected"]
        assert 0 < accepted < lines  # double taps are quarantined, re-sent records acknowledged
        counts = wait_settled(outbox, accepted, timeout=60)
        for terminal in terminals.values():
            terminal.close()
    finally:
        assert served.stop() == 0
    said = served.log.read_text()
    assert "stopping: no more uploads taken" in said and "stopped: every punch reached the chain" in said
    result = audit(site, node.url, outbox)
    assert counts["confirmed"] > 0 and result.exactly_once
    assert result.chain_payments == result.expected_payments and result.total_paid > 0
    assert result.chain_rejected == result.expected_rejected
    status = subprocess.run(
        lawdsl("oracle", "status", "--outbox", str(outbox), "--json"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"confirmed": %d' % counts["confirmed"] in status.stdout
