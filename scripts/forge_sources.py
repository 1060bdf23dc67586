"""Write the generated Solidity of statutes into `contracts/generated/` for Foundry and Slither.

`forge build` compiles `contracts/` as files on disk, while `lawdsl compile` keeps the generated
contracts in the compiler's virtual file system (`contracts/generated/<Name>.sol`, importing their
base contracts as `../<Base>.sol`). This writes the same sources at that very path, through the
same generator and without running solc, so Foundry compiles exactly what `lawdsl compile` does.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compiler.generate import generate
from lawdsl.diagnostics import StatuteError
from lawdsl.load import load_statute

ROOT = Path(__file__).resolve().parent.parent


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: forge_sources.py STATUTE.law ...", file=sys.stderr)
        return 2
    for path in paths:
        try:
            contract = generate(load_statute(path))
        except StatuteError as error:
            print(error, file=sys.stderr)
            return 1
        target = ROOT / contract.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text() != contract.source:  # keep forge's cache warm
            target.write_text(contract.source)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
