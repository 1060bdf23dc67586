"""Compiler output kept in `build/`, keyed by everything that determines it.

The key is the sha256 of the standard-JSON input (every source and the
settings), the compiler version and the OpenZeppelin version the imports
resolve to; a warm compile reads one JSON file and never starts solc.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

from .solc import PROJECT_ROOT, SOLC_VERSION

BUILD_DIR = PROJECT_ROOT / "build" / "solc"


def _openzeppelin_version() -> str:
    package = PROJECT_ROOT / "node_modules" / "@openzeppelin" / "contracts" / "package.json"
    return json.loads(package.read_text())["version"] if package.exists() else "absent"


def cache_key(input: dict[str, Any]) -> str:
    blob = json.dumps(
        {"input": input, "solc": SOLC_VERSION, "oz": _openzeppelin_version()}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def cached_compile(
    input: dict[str, Any], compile: Callable[[dict[str, Any]], dict[str, Any]], directory: Path = BUILD_DIR
) -> dict[str, Any]:
    """solc's output for `input`, from `directory` if present, else compiled and stored."""
    path = directory / f"{cache_key(input)}.json"
    if path.exists():
        cached: dict[str, Any] = json.loads(path.read_text())
        return cached
    output = compile(input)
    directory.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(output))
    temporary.replace(path)  # atomic: a concurrent reader never sees half a file
    return output
