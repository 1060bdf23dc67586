"""A private anvil on a free loopback port, started and stopped by the tool.

Chain time on anvil (how blocks get the scenario's dates) is described in
`chain/client.py`; this module only runs the node.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from compiler.solc import PROJECT_ROOT

from .client import ChainError

ANVIL = PROJECT_ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
GENESIS_TIME = 946_684_800  # 2000-01-01T00:00:00Z: before every scenario date
PR_SET_PDEATHSIG = 1  # prctl option, <linux/prctl.h>


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """In the child before exec: on Linux, get SIGTERM when the starting process dies, so even
    a killed test run or CLI leaves no anvil behind (`stop()` covers every orderly exit)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class LocalAnvil:
    """A private anvil on a free loopback port; use as a context manager or start()/stop()."""

    def __init__(self, timestamp: int = GENESIS_TIME, binary: Path = ANVIL) -> None:
        self.timestamp = timestamp
        self.binary = binary
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._error = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0, attempts: int = 3) -> str:
        """Start anvil and wait until it answers; a port taken meanwhile is retried on another."""
        if not self.binary.exists():
            raise ChainError(f"anvil not found at {self.binary}; run `make bootstrap`")
        for _ in range(attempts):
            if self._launch(timeout):
                return self.url
        raise ChainError(f"anvil did not start: {self._error}")

    def _launch(self, timeout: float) -> bool:
        self.port = _free_port()
        self._log = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would stall anvil
        self.process = subprocess.Popen(
            [str(self.binary), "--host", "127.0.0.1", "--port", str(self.port),
             "--timestamp", str(self.timestamp), "--silent"],
            stdout=subprocess.DEVNULL, stderr=self._log, start_new_session=True,
            preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.05)
        self._log.seek(0)
        self._error = self._log.read().decode(errors="replace").strip() or f"no answer within {timeout:.0f} s"
        self.stop()
        return False

    def stop(self) -> None:
        """Terminate anvil (and only it: it runs in its own process group)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        assert self._log is not None  # opened with the process
        self._log.close()
        self.process = None

    def __enter__(self) -> "LocalAnvil":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

