"""Brownie in a virtual environment of its own, made once and kept under build/.

eth-brownie pins web3 7, eth-account 0.13 and hypothesis 6.27 exactly, so it can
never be installed into the project's environment. The venv lives in
`build/brownie-venv/<version>/` and is reused while its stamp names the pinned
version: the install (about 50 s) is paid once per machine, and the tests that
follow cost seconds.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from compiler.brownie import BROWNIE_VERSION
from compiler.solc import PROJECT_ROOT

VENV_ROOT = PROJECT_ROOT / "build" / "brownie-venv"
PIP_FLAGS = ["--disable-pip-version-check", "--no-input", "-q"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "brownie: runs Brownie from its own virtual environment (installed once into build/)"
    )


def brownie_venv(version: str = BROWNIE_VERSION, root: Path = VENV_ROOT) -> Path:
    """The venv with `eth-brownie==version`, made if missing or half-made (no stamp).

    A file lock serialises concurrent test runs; the stamp is written last, so an
    interrupted install is detected and redone from scratch.
    """
    venv = root / version
    stamp = venv / ".stamp-eth-brownie"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == version and (venv / "bin" / "brownie").exists():
            return venv
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run(
            [str(venv / "bin" / "pip"), "install", *PIP_FLAGS, f"eth-brownie=={version}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"pip install eth-brownie=={version} failed:\n{done.stdout}\n{done.stderr}")
        stamp.write_text(version)
    return venv


@pytest.fixture(scope="session")
def brownie_bin() -> Path:
    """The folder holding the `brownie` command."""
    return brownie_venv() / "bin"


@pytest.fixture
def brownie_home(tmp_path: Path) -> Iterator[Path]:
    """A throwaway HOME: Brownie keeps its data folder (networks, accounts) in ~/.brownie and
    offers no variable to move it, so the user's home is never touched."""
    home = tmp_path / "home"
    home.mkdir()
    yield home


def brownie_env(bin_dir: Path, home: Path, **extra: str) -> dict[str, str]:
    """The environment a firm's shell would have: Brownie's venv first on PATH, nothing of ours."""
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update(
        HOME=str(home), PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONUNBUFFERED="1", NO_COLOR="1", **extra
    )
    return env
