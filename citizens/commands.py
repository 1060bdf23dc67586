"""`lawdsl verify` and `lawdsl audit`, contributed through `register` (see lawdsl/cli.py).

Both read a chain someone else runs, so both need `--rpc`: the private
anvil other commands start without it would hold no statute to check.
"""

from __future__ import annotations

import argparse
import json
from functools import wraps
from pathlib import Path
from typing import Any, Callable

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from rich.table import Table
from web3 import Web3

from chain.history import NotFound, code_at, creation_block, find_creation
from chain.registry import enactments_of, recorded_source_hashes
from compiler.artifacts import Artifact, compile_statutes
from compiler.sourcemap import locate
from compiler.verify import CodeComparison, Status, Verification, verify_code
from lawdsl.ast import Statute
from lawdsl.cli import UsageError
from lawdsl.interpret.explain import Explanation
from lawdsl.load import load_statute
from lawdsl.terminal import console

from .audit import SHOWN, audit, print_enactments, print_report, registry_discrepancies, report_json
from .labels import load_labels

out = console()


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = commands.add_parser("verify", help="recompile a statute and compare it with deployed code")
    verify.add_argument("file", metavar="FILE", help="the statute's .law file")
    verify.set_defaults(func=cmd_verify)

    audit_ = commands.add_parser(
        "audit", help="replay a deployed statute's inputs through the interpreter and check every payment"
    )
    audit_.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="the statute's .law file, as the registry hashed it (default: the file in "
        "--statutes whose keccak256 a registry recorded for the contract)",
    )
    audit_.add_argument(
        "--statutes",
        default="statutes",
        metavar="DIR",
        help="where to look for the statute's source when FILE is not given (default: statutes)",
    )
    audit_.add_argument("--all", action="store_true", help=f"list every discrepancy (default: the first {SHOWN})")
    audit_.add_argument("--json", action="store_true", help="print the report as JSON, for machines")
    audit_.add_argument(
        "--labels",
        metavar="FILE",
        help="your local file of `0xADDRESS NAME` lines: parties shown by name (never published)",
    )
    audit_.set_defaults(func=cmd_audit)

    explain = commands.add_parser(
        "explain",
        help="why each payment (and each arrear still owed) of a deployed statute has its amount, rebuilt "
        "from the chain alone",
    )
    explain.add_argument("file", metavar="FILE", help="the statute's .law file")
    explain.add_argument(
        "--payment", metavar="REF", help="only the payment logged with this ref, or the arrear due at it (event number)"
    )
    explain.add_argument("--worker", metavar="ADDR", help="only the payments to (or from) this address")
    explain.add_argument("--json", action="store_true", help="print the explanations as JSON, for machines")
    explain.add_argument(
        "--labels",
        metavar="FILE",
        help="your local file of `0xADDRESS NAME` lines: parties shown by name (never published)",
    )
    explain.set_defaults(func=cmd_explain)

    for command in (verify, audit_, explain):
        command.add_argument("--address", required=True, metavar="ADDR", help="the statute contract")
        command.add_argument("--rpc", metavar="URL", help="JSON-RPC endpoint of the chain (required)")
        command.add_argument(
            "--registry",
            metavar="ADDR",
            help="the statute registry to trust (default: found from its StatuteEnacted logs)",
        )


def connect(args: argparse.Namespace) -> Web3:
    """The chain to read; `UsageError` (exit 2) when there is none to read."""
    if not args.rpc:
        raise UsageError(
            f"{args.command} needs --rpc URL: it checks a statute already deployed, and the "
            "private chain started without --rpc would be empty"
        )
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
        assert creation is not None  # find_creation returned
        note = f"transaction {creation.transaction}, block {creation.block}, from {creation.sender}"
    artifact = artifacts[statute.header.title]
    verification = verify_code(artifact, runtime, creation.input if creation else None)
    found = enactments_of(
        w3, address, statute.header.title, args.registry, creation.block if creation else creation_block(w3, address)
    )
    # an unregistered contract is reported, not failed: the code comparison stands on its own
    registry_problems = (
        registry_discrepancies(found, keccak(Path(args.file).read_bytes()), statute, address) if found else []
    )
    print_verification(verification, note, found, [p.message for p in registry_problems])
    passed, line = verdict(verification, artifact, statute, [p.message for p in registry_problems])
    out.print(f"[green]{line}[/green]" if passed else f"[red]{line}[/red]", soft_wrap=True)
    return 0 if passed else 1


#: The named result for code equal but for solc's metadata hash, which covers every source byte.
WORDING_ONLY = "source differs only in comments/wording"


def verdict(
    verification: Verification, artifact: Artifact, statute: Statute, registry_problems: list[str]
) -> tuple[bool, str]:
    """(passed, the report's last line): the line and the exit code say the same thing.

    A mismatch is named by the declaration its first differing byte was
    compiled from (solc's source map) and the article that declaration implements.
    """
    if verification.creation is None:
        return False, (
            "NOT verified: without the creation code, the statute constants the constructor "
            "wrote into immutables are unchecked"
        )
    if verification.status is Status.MISMATCH:
        return False, f"NOT verified: {mismatch_place(verification, artifact, statute)}"
    if registry_problems:
        return False, f"NOT verified: the code matches, but {registry_problems[0]}"
    if verification.status is Status.MATCH:
        return True, f"verified: {WORDING_ONLY} (the same code; only the metadata hash differs)"
    return True, "verified: exact match"


def mismatch_place(verification: Verification, artifact: Artifact, statute: Statute) -> str:
    """'mismatch in function _article44_1Start (article 44.1 "Extended working hours")', or the
    byte offset where no declaration of the statute's source produced the byte."""
    runtime = verification.runtime.status is Status.MISMATCH
    comparison = verification.runtime if runtime else verification.creation
    assert comparison is not None and comparison.offset is not None
    code = bytes.fromhex((artifact.runtime_bytecode if runtime else artifact.bytecode)[2:])
    source_map = artifact.runtime_source_map if runtime else artifact.source_map
    where = "runtime" if runtime else "creation"
    found = locate(code, source_map, artifact.source_index, artifact.source, comparison.offset)
    if found is None:
        return f"mismatch at byte {comparison.offset} of the {where} code (compiler-generated code, no article)"
    article = ""
    if found.article is not None:
        titled = next((a for a in statute.articles if a.id == found.article), None)
        article = f" (article {found.article}" + (f' "{titled.title}")' if titled and titled.title else ")")
    return f"mismatch in {found.describe()}{article}, byte {comparison.offset} of the {where} code"


def print_verification(
    verification: Verification, creation_note: str, found: list[Any], registry_problems: list[str]
) -> None:
    """One row per check of the code, the registry's entries and any registry problem (the verdict
    line follows)."""
    table = Table(title=f"Verification of {verification.contract_name}")
    table.add_column("check")
    table.add_column("result", overflow="fold")  # hashes and addresses whole, never cut short
    table.add_row("runtime code (immutables masked)", _verdict(_named(verification.runtime)))
    if verification.creation is None:
        table.add_row("creation code", f"[yellow]not checked: {creation_note}[/yellow]")
    else:
        table.add_row("creation code", _verdict(_named(verification.creation)) + f"\n{creation_note}")
        table.add_row("constructor arguments", _words(verification.constructor_arguments))
    settings = verification.settings
    table.add_row(
        "recompiled with",
        f"solc {settings['compiler']}, EVM {settings['evmVersion']}, optimizer {settings['optimizer']}",
    )
    table.add_row("deployed code's compiler", verification.deployed_compiler or "not recorded")
    out.print(table)
    print_enactments(found, out)
    if not found:
        out.print("[yellow]no statute registry enacts this contract under the file's title[/yellow]")
    for problem in registry_problems:
        out.print(f"[red]{problem}[/red]")


def _named(comparison: CodeComparison) -> str:
    return WORDING_ONLY if comparison.status is Status.MATCH else comparison.describe()


def _verdict(text: str) -> str:
    colour = "green" if not text.startswith("mismatch") else "red"
    return f"[{colour}]{text}[/{colour}]"


def _words(data: bytes) -> str:
    """ABI-encoded arguments as 32-byte words (the statute's are its currency and authority)."""
    return "\n".join("0x" + data[i : i + 32].hex() for i in range(0, len(data), 32)) or "none"


@reporting_absence
def cmd_audit(args: argparse.Namespace) -> int:
    labels = load_labels(args.labels)
    w3 = connect(args)
    source = args.file or registered_source(w3, args.address, Path(args.statutes))
    with console(stderr=True).status("auditing") as status:  # a long audit shows where it is
        report = audit(w3, source, args.address, args.registry, lambda what: status.update(what))
    if args.json:
        print(json.dumps(report_json(report, labels), indent=2, ensure_ascii=False))
    else:
        print_report(report, out, labels, None if args.all else SHOWN)
    return 0 if report.ok else 1


@reporting_absence
def cmd_explain(args: argparse.Namespace) -> int:
    """Rebuild the inputs from the chain (as the audit does), derive every payment with the law, and
    show the derivations asked for, each checked against what the chain paid."""
    labels = load_labels(args.labels)
    if args.payment is not None and not args.payment.isdigit():
        raise UsageError(f"--payment {args.payment}: expected the payment's ref, a whole number")
    if args.worker is not None and not Web3.is_address(args.worker):
        raise UsageError(f"--worker {args.worker} is not an address")
    w3 = connect(args)
    with console(stderr=True).status("rebuilding the inputs from the chain") as status:
        report = audit(w3, args.file, args.address, args.registry, lambda what: status.update(what))
    chosen = [
        e
        for e in report.explanations
        if (args.payment is None or e.payment.event == int(args.payment))
        and (args.worker is None or to_checksum_address(args.worker) in (e.payment.sender, e.payment.recipient))
    ]
    paid = report.chain.payments if report.chain else []
    owed = report.chain.arrears if report.chain else []

    def same(e: Explanation) -> bool:
        """The chain paid this payment, or holds this arrear owed, exactly."""
        return e.payment in (owed if e.owed else paid)

    if args.json:
        print(
            json.dumps(
                [{**e.to_json(), "chain_paid_the_same": same(e)} for e in chosen],
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for explanation in chosen:
            out.print("\n".join(explanation.lines(report.statute, labels)), soft_wrap=True, markup=False)
            agreed = "owes exactly this as arrears" if explanation.owed else "paid exactly this"
            out.print(
                "  on chain: "
                + (
                    f"[green]{agreed}[/green]"
                    if same(explanation)
                    else "[red]the chain did not record this (run lawdsl audit)[/red]"
                )
            )
        if not chosen:
            out.print("no payment of the statute matches")
    return 0 if chosen and all(same(e) for e in chosen) else 1


def registered_source(w3: Web3, address: str, folder: Path) -> Path:
    """The `.law` file in `folder` whose keccak256 a registry recorded for the contract (README.md, "Commands"
    `lawdsl audit --address ADDR`: the registry, not the citizen, says which law the contract claims)."""
    recorded = recorded_source_hashes(w3, address, creation_block(w3, to_checksum_address(address)))
    if not recorded:
        raise NotFound(f"no registry records a statute at {address}; name its .law FILE")
    for path in sorted(folder.glob("**/*.law")):
        if keccak(path.read_bytes()) in recorded:
            out.print(f"statute source: {path} (its keccak256 is the registry's)", soft_wrap=True)
            return path
    raise NotFound(
        f"no .law file under {folder} has the source hash the registry recorded "
        f"({', '.join('0x' + h.hex() for h in sorted(recorded))}); name the FILE"
    )
