"""Live-path fixtures: a node of each implementation started per test on a free port, the `lawdsl`
command as a user runs it (a shim on PATH running this checkout), and a clean home with its own
key directory.

The nodes are started by `lawdsl chain`'s own classes at the current time, and every command talks
to them through `--rpc` as to any network's node: only standard JSON-RPC reaches them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from chain.anvil import LocalAnvil, LocalHardhat

ROOT = Path(__file__).resolve().parents[2]
NODES = ("anvil", "hardhat")
PASSWORD = "correct horse battery staple"


@pytest.fixture(params=NODES)
def node_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def node(node_kind: str) -> Iterator[LocalAnvil]:
    with LocalHardhat() if node_kind == "hardhat" else LocalAnvil(None) as started:
        yield started


@dataclass
class Operator:
    """Runs `lawdsl` as a user would, in `cwd`, with `env` (HOME, keys, password, PATH)."""

    cwd: Path
    env: dict[str, str]
    rpc: str = ""  # the node's URL, where a test started one

    def __call__(self, *args: str, password: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
        env = dict(self.env)
        if password is not None:
            env["LAWDSL_PASSWORD"] = password
        return subprocess.run(
            ["lawdsl", *args],
            check=False,
            cwd=self.cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def ok(self, *args: str) -> str:
        done = self(*args)
        assert done.returncode == 0, f"lawdsl {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture
def operator(tmp_path: Path) -> Operator:
    return make_operator(tmp_path)


def make_operator(tmp_path: Path) -> Operator:
    """A fresh home with a `lawdsl` on PATH that runs this checkout's code."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "lawdsl"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m lawdsl.cli "$@"\n')
    shim.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "LAWDSL_KEYS": str(home / "keys"),
        "LAWDSL_PASSWORD": PASSWORD,
        "PATH": f"{bin_dir}:{ROOT / 'node_modules' / '.bin'}:{os.environ.get('PATH', '')}",
    }
    env.pop("PYTHONPATH", None)
    work = tmp_path / "work"
    work.mkdir()
    return Operator(work, env)
