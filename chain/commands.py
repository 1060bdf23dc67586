"""`lawdsl run | chain | deploy | demo` and `test --chain`, contributed through `register`.

Without `--rpc` a command starts a private local chain and stops it at exit:
anvil, or py-evm in process where anvil is missing (`chain.local.local_chain`).
A scenario replays dates from its statute's effective date on, so it needs a
chain whose latest block is not later than its first event (a fresh one).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from eth_account import Account
from eth_utils.address import is_address
from hexbytes import HexBytes
from rich.console import JustifyMethod
from rich.table import Table

from compiler.artifacts import Artifact, compile_statutes
from compiler.solc import PROJECT_ROOT
from lawdsl import cli
from lawdsl.ast import Statute
from lawdsl.expect import ExpectationError, compare
from lawdsl.load import load_statute
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario, load_scenario

from . import key_commands, roles, voucher_roles
from .accounts import AUTHORITY
from .anvil import NODE_FAUCET_KEY, LocalAnvil, LocalHardhat
from .authority import delay_words
from .client import Chain, ChainError, Reverted
from .keys import KeyStore, dev_keys_allowed, keys_dir
from .local import local_chain
from .operator import DEPLOYMENT_FILE, DeploymentRecord, add_chain_arguments, guarded
from .runner import Deployment, deploy, run_on_chain
from .scheduled import delay_seconds
from .tester import InProcessChain

#: `lawdsl demo`: the example scenarios of the project's `statutes/`, one per domain.
DEMO_SCENARIOS = ("overtime-march.yaml", "vouchers-march.yaml", "procurement-wheat.yaml")


@contextmanager
def connect(rpc: str | None) -> Iterator[Chain]:
    """The chain at `rpc`, or a private local chain for the duration of the block."""
    if rpc:
        yield Chain(rpc)
        return
    with local_chain() as chain:
        yield chain


def compiled(statutes: Iterable[Statute]) -> dict[str, Artifact]:
    """`compile_statutes`, with a plain answer where Node is missing and build/ has no artifacts."""
    try:
        return compile_statutes(statutes)
    except FileNotFoundError as missing:
        if shutil.which("node") is not None:
            raise
        keyed = (
            ""
            if (PROJECT_ROOT / "node_modules" / "@openzeppelin").is_dir()
            else " (its entries are keyed by the OpenZeppelin version in node_modules, which is missing too)"
        )
        raise cli.UsageError(
            "compiling needs solc-js, which runs on Node, and Node is not on PATH; build/solc holds no "
            f"artifacts for these statutes either{keyed}. Install Node and run `make bootstrap`, or copy "
            "build/solc from a machine that compiled the same statutes."
        ) from missing


def run_scenario(scenario: Scenario, args: argparse.Namespace) -> Outcome:
    """`lawdsl run` and `lawdsl test --chain`: the scenario's outcome read from the chain."""
    artifacts = compiled([scenario.statute])
    with connect(getattr(args, "rpc", None)) as chain:
        return run_on_chain(scenario, chain, artifacts)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cli.chain_runner = run_scenario
    key_commands.register(commands)
    roles.register(commands)
    voucher_roles.register(commands)

    run = commands.add_parser("run", help="deploy and execute a scenario on a chain through the oracle path")
    run.add_argument("scenario", metavar="SCENARIO")
    run.add_argument("--json", action="store_true", help="print the outcome as JSON")
    run.add_argument("--rpc", metavar="URL", help="JSON-RPC endpoint (default: a private anvil)")
    run.set_defaults(func=cmd_run)

    chain = commands.add_parser(
        "chain",
        help="start a local chain at the current time and print its URL",
        description="Start a local EVM node on loopback whose clock starts now, print its URL, and run "
        "until Ctrl-C or SIGTERM. --fund gives the named keys gas money from the node's own "
        "(public) test account.",
        epilog="example:\n  lawdsl chain --port 8545 --state ./chain-state --fund authority",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chain.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    chain.add_argument(
        "--node", choices=("anvil", "hardhat"), default="anvil", help="which node implementation (default: anvil)"
    )
    chain.add_argument(
        "--state",
        metavar="DIR",
        help="keep the chain's state in DIR: loaded at start if there, written every second and at exit (anvil only)",
    )
    chain.add_argument(
        "--fund",
        action="append",
        default=[],
        metavar="KEY",
        help="a key name or 0x address to give 1000 ETH at start (repeatable)",
    )
    chain.add_argument("--keys-dir", metavar="DIR", help="where --fund's keys live")
    chain.set_defaults(func=guarded(cmd_chain))

    deploy_ = commands.add_parser(
        "deploy",
        help="deploy a statute and enact it in the statute registry",
        description="Compile the statute, deploy its currency, registry and contract signed by --key (the "
        "authority), enact it, and write where it lives to --save for the role commands. Without "
        "--rpc it runs on a private chain that lives as long as the command.",
        epilog="example:\n  lawdsl deploy statutes/overtime.law --rpc http://127.0.0.1:8545 --key authority",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    deploy_.add_argument("file", metavar="FILE")
    add_chain_arguments(deploy_, deployment=False)
    deploy_.add_argument(
        "--save",
        default=DEPLOYMENT_FILE,
        metavar="FILE",
        help=f"where to write the addresses (default: ./{DEPLOYMENT_FILE})",
    )
    deploy_.add_argument(
        "--timelock-delay",
        type=delay_seconds,
        default=0,
        metavar="DELAY",
        help="how long every later act of the authority (mint, register, enact) waits on chain before it can "
        "be executed, e.g. 2d, 6h, 30m (default: none, each act runs at once)",
    )
    deploy_.set_defaults(func=guarded(cmd_deploy))

    demo = commands.add_parser("demo", help="run the example statutes end to end on a private local chain")
    demo.set_defaults(func=cmd_demo)


def cmd_run(args: argparse.Namespace) -> int:
    cli.show(run_scenario(load_scenario(args.scenario), args), args.json)
    return 0


def cmd_chain(args: argparse.Namespace) -> int:
    """A node for operators and the guide: its clock starts now (replay's chains start in 2000)."""
    if args.state and args.node != "anvil":
        raise cli.UsageError("--state needs --node anvil: a Hardhat node keeps no state across restarts")
    store = KeyStore(keys_dir(args.keys_dir))
    funded = [who if is_address(who) else store.address(who) for who in args.fund]
    state = None
    if args.state:
        Path(args.state).mkdir(parents=True, exist_ok=True)
        state = Path(args.state).resolve() / "anvil-state.json"
    node = LocalHardhat(port=args.port) if args.node == "hardhat" else LocalAnvil(None, port=args.port, state=state)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # leave through `with`: the node stops
    with node:
        chain = Chain(node.url, live=True)
        chain.use("@node", Account.from_key(NODE_FAUCET_KEY))
        for address in funded:
            chain.transfer_ether("@node", address, 1000 * 10**18)
        print(node.url, flush=True)
        while True:  # until Ctrl-C; leaving the block stops the node
            time.sleep(3600)


def cmd_deploy(args: argparse.Namespace) -> int:
    statute = load_statute(args.file)
    artifacts = compiled([statute])
    scenario = Scenario(Path(args.file), statute, {}, ())
    if not args.rpc:
        with local_chain() as chain:
            _print_deployment(deploy(scenario, chain, artifacts))
        return 0
    chain = Chain(args.rpc, live=True)
    if args.key:
        chain.use(AUTHORITY, KeyStore(keys_dir(args.keys_dir)).unlock(args.key))
    else:
        dev_keys_allowed(own_chain=False, dev_keys=args.dev_keys)
    try:
        deployment = deploy(scenario, chain, artifacts)
    except Reverted as refusal:
        raise ChainError(f"deploying {args.file} was refused: {refusal.error}{refusal.arguments}") from None
    _print_deployment(deployment)
    if args.timelock_delay:
        timelock = deployment.authority.timelock
        deployment.authority.call(timelock.functions.updateDelay(args.timelock_delay))
        print(
            f"the authority's timelock now holds every act for {delay_words(args.timelock_delay)} "
            "(`lawdsl authority pending`, then `lawdsl authority execute ID`)"
        )
    header = statute.header
    assert deployment.driver.contract is not None  # `deploy` deployed it
    DeploymentRecord(
        args.rpc,
        chain.chain_id,
        str(Path(args.file).resolve()),
        header.title,
        header.version,
        deployment.driver.contract.address,
        deployment.currency.address,
        deployment.registry.address,
        deployment.authority.address,
    ).save(Path(args.save))
    print(f"wrote {args.save}")
    return 0


def _print_deployment(deployment: Deployment) -> None:
    assert deployment.driver.contract is not None  # `deploy` deployed it
    print(f"statute   {deployment.driver.contract.address}")
    print(f"currency  {deployment.currency.address}")
    print(f"registry  {deployment.registry.address}")


# ---------------------------------------------------------------- lawdsl demo


@dataclass
class DemoRun:
    """One scenario of the demo: what the chain did and whether its outcome is right."""

    path: Path
    contracts: dict[str, str] = field(default_factory=dict)  # contract name -> address
    transactions: int = 0
    gas_used: int = 0
    problems: list[str] = field(default_factory=list)


def cmd_demo(args: argparse.Namespace) -> int:
    """The main job end to end: statutes → Solidity (one solc call) → a local chain → outcomes,
    each checked against its `expect:` block and the reference interpreter."""
    from lawdsl.interpret import interpret

    scenarios = [load_scenario(PROJECT_ROOT / "statutes" / name) for name in DEMO_SCENARIOS]
    began = time.perf_counter()
    artifacts = compiled(scenario.statute for scenario in scenarios)
    cli.out.print(
        f"compiled {len(scenarios)} statutes with the token and the registry in one solc call "
        f"({time.perf_counter() - began:.1f} s; build/solc caches it)"
    )
    runs = []
    with local_chain() as chain:
        where = "py-evm in process" if isinstance(chain, InProcessChain) else f"anvil at {chain.url}"
        cli.out.print(f"chain: {where}")
        for scenario in scenarios:
            cli.out.rule(f"{scenario.path.name}: {scenario.statute.header.title}")
            snapshot = chain.snapshot()  # every scenario replays its dates from the genesis time
            first_block = chain.w3.eth.block_number + 1
            outcome = run_on_chain(scenario, chain, artifacts)
            run = _chain_activity(chain, first_block, artifacts, DemoRun(scenario.path))
            chain.revert(snapshot)
            cli.show(outcome, False)
            run.problems = _expectation_problems(scenario, outcome) + _differences(interpret(scenario), outcome)
            runs.append(run)
    _print_demo_summary(runs)
    return 1 if any(run.problems for run in runs) else 0


def _chain_activity(chain: Chain, first_block: int, artifacts: dict[str, Artifact], run: DemoRun) -> DemoRun:
    """The transactions mined since `first_block`: their gas, and the contracts they created, by name.
    Plain value transfers (the in-process chain's gas money) are not the scenario's and not counted."""
    creations = {bytes.fromhex(artifact.bytecode[2:]): artifact.contract_name for artifact in artifacts.values()}
    for number in range(first_block, chain.w3.eth.block_number + 1):
        for tx in chain.w3.eth.get_block(number, full_transactions=True)["transactions"]:
            assert not isinstance(tx, HexBytes)  # full transactions, not their hashes
            raw = tx.get("input", tx.get("data", b""))  # eth-tester names it `data`
            assert isinstance(raw, bytes)  # HexBytes on both backends
            data = bytes(raw)
            if not data:
                continue
            receipt = chain.w3.eth.get_transaction_receipt(tx["hash"])
            run.transactions += 1
            run.gas_used += receipt["gasUsed"]
            if receipt["contractAddress"]:
                name = next((n for code, n in creations.items() if data.startswith(code)), "(unknown)")
                run.contracts[name] = receipt["contractAddress"]
    return run


def _expectation_problems(scenario: Scenario, outcome: Outcome) -> list[str]:
    if scenario.expect is None:
        return ["the scenario has no expect: block"]
    try:
        return [f"expect: {problem}" for problem in compare(scenario.expect, outcome)]
    except ExpectationError as error:
        return [f"expect: {error}"]


def _differences(interpreted: Outcome, on_chain: Outcome) -> list[str]:
    """What the chain's outcome has that the interpreter's has not, part by part."""
    if interpreted == on_chain:
        return []
    expected, actual = interpreted.to_json(), on_chain.to_json()
    return [
        f"interpreter: {key}\n  -interpreter {expected.get(key)}\n  +chain       {actual.get(key)}"
        for key in sorted(set(expected) | set(actual))
        if expected.get(key) != actual.get(key)
    ]


def _print_demo_summary(runs: list[DemoRun]) -> None:
    table = Table(title="Demo summary: each chain outcome against expect: and the interpreter", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("scenario", "left"),
        ("result", "left"),
        ("transactions", "right"),
        ("gas used", "right"),
    )
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for run in runs:
        table.add_row(
            run.path.name,
            "[red]FAIL[/red]" if run.problems else "[green]PASS[/green]",
            f"{run.transactions:,}",
            f"{run.gas_used:,}",
        )
    cli.out.print(table)
    contracts = Table(
        title="Contracts (each scenario starts from the genesis snapshot, so addresses repeat)",
        title_justify="left",
        box=None,
    )
    contracts.add_column("contract", overflow="fold")
    contracts.add_column("address", no_wrap=True, min_width=42)
    for name, address in dict(item for run in runs for item in run.contracts.items()).items():
        contracts.add_row(name, address)
    cli.out.print(contracts)
    cli.out.print("Gas counts every transaction of a scenario: deployment, minting, then its events.")
    for run in runs:
        if run.problems:
            cli.out.print(f"[red]FAIL[/red] {run.path.name}")
            for problem in run.problems:
                cli.out.print("  " + problem.replace("\n", "\n  "), markup=False, highlight=False)
        else:
            cli.out.print(f"[green]PASS[/green] {run.path.name} (meets expect:, equals the interpreter)")
