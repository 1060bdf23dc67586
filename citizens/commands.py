"""`lawdsl verify` and `lawdsl audit`, contributed through `register` (see lawdsl/cli.py).

Both read a chain someone else runs, so both need `--rpc`: the private
anvil other commands start without it would hold no statute to check.
"""
from __future__ import annotations

import argparse
from functools import wraps
from pathlib import Path
from typing import Callable

from eth_utils import keccak, to_checksum_address
from rich.console import Console
from rich.table import Table
from web3 import Web3

from chain.history import NotFound, code_at, creation_block, find_creation
from chain.registry import enactments_of, recorded_source_hashes
from compiler.artifacts import compile_statutes
from compiler.verify import Status, Verification, verify_code
from lawdsl.cli import UsageError
from lawdsl.load import load_statute

from .audit import audit, print_enactments, print_report, registry_discrepancies

out = Console()


def register(commands: argparse._SubParsersAction) -> None:
    verify = commands.add_parser("verify", help="recompile a statute and compare it with deployed code")
    verify.add_argument("file", metavar="FILE", help="the statute's .law file")
    verify.set_defaults(func=cmd_verify)

    audit_ = commands.add_parser("audit", help="replay a deployed statute's inputs through the interpreter "
                                               "and check every payment")
    audit_.add_argument("file", nargs="?", metavar="FILE",
                        help="the statute's .law file, as the registry hashed it (default: the file in "
                             "--statutes whose keccak256 a registry recorded for the contract)")
    audit_.add_argument("--statutes", default="statutes", metavar="DIR",
                        help="where to look for the statute's source when FILE is not given (default: statutes)")
    audit_.set_defaults(func=cmd_audit)

    for command in (verify, audit_):
        command.add_argument("--address", required=True, metavar="ADDR", help="the statute contract")
        command.add_argument("--rpc", metavar="URL", help="JSON-RPC endpoint of the chain (required)")
        command.add_argument("--registry", metavar="ADDR",
                             help="the statute registry to trust (default: found from its StatuteEnacted logs)")


def connect(args: argparse.Namespace) -> Web3:
    """The chain to read; `UsageError` (exit 2) when there is none to read."""
    if not args.rpc:
        raise UsageError(f"{args.command} needs --rpc URL: it checks a statute already deployed, and the "
                         "private chain started without --rpc would be empty")
    if not Web3.is_address(args.address):
        raise UsageError(f"--address {args.address} is not an address")
    w3 = Web3(Web3.HTTPProvider(args.rpc, request_kwargs={"timeout": 60}))
    if not w3.is_connected():
        raise UsageError(f"no JSON-RPC node answers at {args.rpc}")
    return w3


def reporting_absence(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """What the chain does not hold (no contract, no registry there) is an answer, not a crash: exit 1."""
    @wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except NotFound as missing:
            out.print(f"[red]{missing}[/red]")
            return 1
    return run


@reporting_absence
def cmd_verify(args: argparse.Namespace) -> int:
    w3 = connect(args)
    address = to_checksum_address(args.address)
    statute = load_statute(args.file)
    artifacts = compile_statutes([statute])
    runtime = code_at(w3, address)
    if not runtime:
        raise NotFound(f"no contract at {address}")
    try:
        creation = find_creation(w3, address)
    except NotFound as missing:
        creation, note = None, str(missing)
    else:
        note = f"transaction {creation.transaction}, block {creation.block}, from {creation.sender}"
    verification = verify_code(artifacts[statute.header.title], runtime, creation.input if creation else None)
    found = enactments_of(w3, address, statute.header.title, args.registry,
                          creation.block if creation else creation_block(w3, address))
    # an unregistered contract is reported, not failed: the code comparison stands on its own
    registry_problems = registry_discrepancies(found, keccak(Path(args.file).read_bytes()), statute,
                                               address) if found else []
    print_verification(verification, note, found, [p.message for p in registry_problems])
    passed = verification.creation is not None and verification.status is not Status.MISMATCH
    return 0 if passed and not registry_problems else 1


def print_verification(verification: Verification, creation_note: str, found: list,
                       registry_problems: list[str]) -> None:
    """One row per check of the code, the registry's entries, then the verdict."""
    table = Table(title=f"Verification of {verification.contract_name}")
    table.add_column("check")
    table.add_column("result", overflow="fold")  # hashes and addresses whole, never cut short
    table.add_row("runtime code (immutables masked)", _verdict(verification.runtime.describe()))
    if verification.creation is None:
        table.add_row("creation code", f"[yellow]not checked: {creation_note}[/yellow]")
    else:
        table.add_row("creation code", _verdict(verification.creation.describe()) + f"\n{creation_note}")
        table.add_row("constructor arguments", _words(verification.constructor_arguments))
    settings = verification.settings
    table.add_row("recompiled with", f"solc {settings['compiler']}, EVM {settings['evmVersion']}, "
                                     f"optimizer {settings['optimizer']}")
    table.add_row("deployed code's compiler", verification.deployed_compiler or "not recorded")
    out.print(table)
    print_enactments(found, out)
    if not found:
        out.print("[yellow]no statute registry enacts this contract under the file's title[/yellow]")
    for problem in registry_problems:
        out.print(f"[red]{problem}[/red]")
    if verification.creation is None:
        out.print("[red]not verified[/red]: without the creation code, the statute constants the "
                  "constructor wrote into immutables are unchecked")
    else:
        out.print(_verdict(verification.status.value))


def _verdict(text: str) -> str:
    colour = "green" if not text.startswith("mismatch") else "red"
    return f"[{colour}]{text}[/{colour}]"


def _words(data: bytes) -> str:
    """ABI-encoded arguments as 32-byte words (the statute's are its currency and authority)."""
    return "\n".join("0x" + data[i:i + 32].hex() for i in range(0, len(data), 32)) or "none"


@reporting_absence
def cmd_audit(args: argparse.Namespace) -> int:
    w3 = connect(args)
    source = args.file or registered_source(w3, args.address, Path(args.statutes))
    report = audit(w3, source, args.address, args.registry)
    print_report(report, out)
    return 0 if report.ok else 1


def registered_source(w3: Web3, address: str, folder: Path) -> Path:
    """The `.law` file in `folder` whose keccak256 a registry recorded for the contract (SPEC §7's
    `lawdsl audit --address ADDR`: the registry, not the citizen, says which law the contract claims)."""
    recorded = recorded_source_hashes(w3, address, creation_block(w3, to_checksum_address(address)))
    if not recorded:
        raise NotFound(f"no registry records a statute at {address}; name its .law FILE")
    for path in sorted(folder.glob("**/*.law")):
        if keccak(path.read_bytes()) in recorded:
            out.print(f"statute source: {path} (its keccak256 is the registry's)", soft_wrap=True)
            return path
    raise NotFound(f"no .law file under {folder} has the source hash the registry recorded "
                   f"({', '.join('0x' + h.hex() for h in sorted(recorded))}); name the FILE")
