"""One pinned Solidity compiler behind one interface, whichever backend runs it.

Bytecode must be reproducible (`lawdsl verify` compares it byte for byte),
so the version, EVM version and optimizer settings are fixed here and
nowhere else. A native solc of exactly `SOLC_VERSION` (py-solc-x) is used
when installed; otherwise solc-js from `node_modules`, which every machine
that ran `make bootstrap` has.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Protocol

SOLC_VERSION = "0.8.30"
EVM_VERSION = "prague"
OPTIMIZER_RUNS = 200
PROJECT_ROOT = Path(__file__).resolve().parent.parent
REMAPPINGS = ["@openzeppelin/=node_modules/@openzeppelin/"]
OUTPUT_SELECTION = {
    "*": {
        "*": [
            "abi",
            "evm.bytecode.object",
            "evm.deployedBytecode.object",
            "evm.deployedBytecode.immutableReferences",
            "evm.bytecode.sourceMap",
            "evm.deployedBytecode.sourceMap",
            "metadata",
        ]
    }
}


class CompilerError(RuntimeError):
    """solc reported errors; the message lists them as solc formatted them."""


def settings() -> dict[str, Any]:
    """The standard-JSON settings every compile uses (part of the cache key)."""
    return {
        "evmVersion": EVM_VERSION,
        "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
        "remappings": REMAPPINGS,
        "outputSelection": OUTPUT_SELECTION,
    }


class Backend(Protocol):
    def compile_standard_json(self, input: dict[str, Any]) -> dict[str, Any]: ...


class NativeSolc:
    """py-solc-x driving a native solc binary of exactly `SOLC_VERSION`."""

    def compile_standard_json(self, input: dict[str, Any]) -> dict[str, Any]:
        import solcx

        return solcx.compile_standard(
            input, solc_version=SOLC_VERSION, allow_paths=[str(PROJECT_ROOT)], base_path=str(PROJECT_ROOT)
        )

    @staticmethod
    def available() -> bool:
        try:
            import solcx

            return any(str(v) == SOLC_VERSION for v in solcx.get_installed_solc_versions())
        except Exception:  # no solcx, or no install folder: not available
            return False


class SolcJs:
    """solc-js (npm `solc`) through `compiler/solc_js.js`: Node, standard JSON on stdin/stdout."""

    script = Path(__file__).with_name("solc_js.js")

    def compile_standard_json(self, input: dict[str, Any]) -> dict[str, Any]:
        done = subprocess.run(
            ["node", str(self.script), str(PROJECT_ROOT)],
            input=json.dumps(input),
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            check=False,
        )
        if done.returncode != 0:
            raise CompilerError(f"solc-js failed: {done.stderr.strip()}")
        text = done.stdout
        output: dict[str, Any] = json.loads(text[text.index("{") :])  # solc-js may print an SMT notice first
        return output


def backend() -> Backend:
    return NativeSolc() if NativeSolc.available() else SolcJs()


def compile_standard_json(input: dict[str, Any]) -> dict[str, Any]:
    """Compile, raising `CompilerError` with solc's messages if any error is reported."""
    output = backend().compile_standard_json(input)
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise CompilerError("\n".join(e.get("formattedMessage", e["message"]) for e in errors))
    return output
