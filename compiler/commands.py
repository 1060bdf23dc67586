"""`lawdsl compile`: contributed to the command line through `register` (see lawdsl/cli.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lawdsl.load import load_statute

from .artifacts import compile_statutes, write_artifacts
from .solc import CompilerError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    compile_ = commands.add_parser("compile", help="Solidity source, ABI, bytecode and metadata per statute")
    compile_.add_argument("files", nargs="+", metavar="FILE")
    compile_.add_argument(
        "-o",
        "--output",
        default="build/contracts",
        metavar="DIR",
        help="where to write <Contract>.sol and <Contract>.json (default: build/contracts)",
    )
    compile_.set_defaults(func=cmd_compile)

    export = commands.add_parser("export", help="export compiled statutes for other toolchains")
    targets = export.add_subparsers(dest="target", required=True, metavar="TARGET")
    brownie = targets.add_parser("brownie", help="a Brownie project that deploys and tests the statutes offline")
    brownie.add_argument("files", nargs="+", metavar="FILE")
    brownie.add_argument("-o", "--output", required=True, metavar="DIR", help="the project folder to write")
    brownie.set_defaults(func=cmd_export_brownie)


def cmd_compile(args: argparse.Namespace) -> int:
    statutes = [load_statute(path) for path in args.files]
    try:
        artifacts = compile_statutes(statutes)
    except CompilerError as error:
        print(f"lawdsl: solc failed:\n{error}", file=sys.stderr)
        return 1
    for path in write_artifacts(artifacts, Path(args.output)):
        print(path)
    return 0


def cmd_export_brownie(args: argparse.Namespace) -> int:
    from .brownie import export_brownie

    paths = [Path(p) for p in args.files]
    for path in paths:
        load_statute(path)  # a bad statute stops here with its diagnostics
    try:
        export_brownie(paths, Path(args.output))
    except CompilerError as error:
        print(f"lawdsl: solc failed:\n{error}", file=sys.stderr)
        return 1
    print(f"Brownie project written to {args.output}")
    return 0
