"""A private node on loopback, started and stopped by the tool: anvil, or Hardhat (the second EVM
implementation of the live-path tests).

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

from web3 import Web3

from compiler.solc import PROJECT_ROOT

from .client import ChainError

ANVIL = PROJECT_ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
HARDHAT = PROJECT_ROOT / "node_modules" / ".bin" / "hardhat"
HARDHAT_CONFIG = PROJECT_ROOT / "chain" / "hardhat" / "hardhat.config.js"
#: The first prefunded account of a fresh anvil or Hardhat node (both derive it from the public
#: "test test … junk" mnemonic): `lawdsl chain --fund` pays from it on the tool's own chain only.
NODE_FAUCET_KEY = bytes.fromhex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
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
    """A private anvil on loopback (a free port unless `port`); use as a context manager or
    start()/stop(). `timestamp` None: the chain's clock starts now; `state`: a file the chain
    is loaded from if it exists and written to while it runs and at exit."""

    NAME = "anvil"

    def __init__(
        self, timestamp: int | None = GENESIS_TIME, binary: Path = ANVIL, *, port: int = 0, state: Path | None = None
    ) -> None:
        self.timestamp = timestamp
        self.binary = binary
        self.fixed_port = port
        self.state = state
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._error = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        command = [str(self.binary), "--host", "127.0.0.1", "--port", str(self.port), "--silent"]
        if self.timestamp is not None:
            command += ["--timestamp", str(self.timestamp)]
        if self.state is not None:
            command += ["--state", str(self.state), "--state-interval", "1"]
        return command

    def start(self, timeout: float = 20.0, attempts: int = 3) -> str:
        """Start the node and wait until it answers; a free port taken meanwhile is retried on another."""
        if not self.binary.exists():
            raise ChainError(f"{self.NAME} not found at {self.binary}; run `make bootstrap`")
        for _ in range(1 if self.fixed_port else attempts):
            if self._launch(timeout):
                return self.url
        raise ChainError(f"{self.NAME} did not start: {self._error}")

    def _launch(self, timeout: float) -> bool:
        self.port = self.fixed_port or _free_port()
        self._log = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would stall the node
        self.process = subprocess.Popen(
            self.command(),
            cwd=PROJECT_ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self._answers():
                return True
            time.sleep(0.05)
        self._log.seek(0)
        self._error = self._log.read().decode(errors="replace").strip()[-500:] or f"no answer within {timeout:.0f} s"
        self.stop()
        return False

    def _answers(self) -> bool:
        """Whether the node answers JSON-RPC (a listening socket alone is not enough for Hardhat)."""
        try:
            return Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 1})).eth.chain_id > 0
        except (OSError, ValueError):
            return False

    def stop(self) -> None:
        """Terminate the node (and only it: it runs in its own process group)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._log is not None:
            self._log.close()
        self.process = None

    def __enter__(self) -> "LocalAnvil":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LocalHardhat(LocalAnvil):
    """A private Hardhat 2 node (EDR), the second EVM implementation of the live-path tests. Its
    clock starts now; it keeps no state across restarts."""

    NAME = "hardhat"

    def __init__(self, *, port: int = 0) -> None:
        super().__init__(None, HARDHAT, port=port)

    def command(self) -> list[str]:
        return [
            str(self.binary),
            "--config",
            str(HARDHAT_CONFIG),
            "node",
            "--hostname",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]

    def start(self, timeout: float = 60.0, attempts: int = 3) -> str:
        return super().start(timeout, attempts)
