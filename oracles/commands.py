"""`lawdsl run | chain | deploy | verify` and `test --chain`, contributed through `register`.

Without `--rpc` a command starts a private anvil and stops it at exit. A
scenario replays dates from its statute's effective date on, so it needs a
chain whose latest block is not later than its first event (a fresh one).
"""
from __future__ import annotations

import argparse
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from compiler.artifacts import compile_statutes, matches_deployed
from lawdsl import cli
from lawdsl.load import load_statute
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario, load_scenario

from .chain import Chain, LocalAnvil
from .runner import deploy, run_on_chain


@contextmanager
def connect(rpc: str | None) -> Iterator[Chain]:
    """The chain at `rpc`, or a private anvil for the duration of the block."""
    if rpc:
        yield Chain(rpc)
        return
    with LocalAnvil() as anvil:
        yield Chain(anvil.url)


def run_scenario(scenario: Scenario, args: argparse.Namespace) -> Outcome:
    """`lawdsl run` and `lawdsl test --chain`: the scenario's outcome read from the chain."""
    with connect(getattr(args, "rpc", None)) as chain:
        return run_on_chain(scenario, chain)


def register(commands: argparse._SubParsersAction) -> None:
    cli.chain_runner = run_scenario

    run = commands.add_parser("run", help="deploy and execute a scenario on a chain through the oracle path")
    run.add_argument("scenario", metavar="SCENARIO")
    run.add_argument("--json", action="store_true", help="print the outcome as JSON")
    run.add_argument("--rpc", metavar="URL", help="JSON-RPC endpoint (default: a private anvil)")
    run.set_defaults(func=cmd_run)

    chain = commands.add_parser("chain", help="start the local chain and print its URL")
    chain.set_defaults(func=cmd_chain)

    deploy_ = commands.add_parser("deploy", help="deploy a statute and enact it in the statute registry")
    deploy_.add_argument("file", metavar="FILE")
    deploy_.add_argument("--rpc", metavar="URL", help="JSON-RPC endpoint (default: a private anvil)")
    deploy_.set_defaults(func=cmd_deploy)

    verify = commands.add_parser("verify", help="recompile a statute and compare it with deployed code")
    verify.add_argument("file", metavar="FILE")
    verify.add_argument("--address", required=True, metavar="ADDR")
    verify.add_argument("--rpc", metavar="URL", required=True, help="JSON-RPC endpoint of the chain")
    verify.set_defaults(func=cmd_verify)


def cmd_run(args: argparse.Namespace) -> int:
    cli.show(run_scenario(load_scenario(args.scenario), args), args.json)
    return 0


def cmd_chain(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # leave through `with`: anvil stops
    with LocalAnvil() as anvil:
        print(anvil.url, flush=True)
        while True:  # until Ctrl-C; leaving the block stops anvil
            time.sleep(3600)


def cmd_deploy(args: argparse.Namespace) -> int:
    statute = load_statute(args.file)
    with connect(args.rpc) as chain:
        deployment = deploy(Scenario(Path(args.file), statute, {}, ()), chain, compile_statutes([statute]))
        print(f"statute   {deployment.driver.contract.address}")
        print(f"currency  {deployment.currency.address}")
        print(f"registry  {deployment.registry.address}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    statute = load_statute(args.file)
    artifact = compile_statutes([statute])[statute.header.title]
    chain = Chain(args.rpc)
    deployed = bytes(chain.w3.eth.get_code(chain.w3.to_checksum_address(args.address)))
    if matches_deployed(artifact, deployed):
        print(f"{args.address}: matches {artifact.contract_name} compiled from {args.file}")
        return 0
    print(f"{args.address}: does NOT match {artifact.contract_name} compiled from {args.file}", file=sys.stderr)
    return 1
