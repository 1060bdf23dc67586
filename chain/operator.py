"""What every operator command shares: the chain, the deployment, who signs, and saying what happened.

An operator command (`lawdsl authority …`, `firm …`, `worker …`, `deploy`,
`fund`) talks to a live node through `--rpc` (or the URL its deployment file
records), signs with a keystore named by `--key`, and prints what it did: the
transaction, its gas and the events it logged, addresses shown by key name.
A refusal is explained in one sentence (`explain`), never a bare selector.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eth_utils.address import is_address, to_checksum_address
from web3.contract import Contract
from web3.types import LogReceipt

from compiler.artifacts import Artifact, compile_statutes
from lawdsl.ast import Statute
from lawdsl.cli import UsageError
from lawdsl.diagnostics import StatuteError
from lawdsl.load import load_statute
from lawdsl.money import Money, MoneyError

from .abi import abi_type
from .accounts import AUTHORITY
from .authority import delay_words, utc
from .client import Chain, ChainError, Receipt, Reverted
from .keys import KeyProblem, KeyStore, dev_keys_allowed, keys_dir
from .refusals import EXPLANATIONS

DEPLOYMENT_FILE = "deployment.json"


@dataclass(frozen=True)
class DeploymentRecord:
    """Where a statute lives: what `lawdsl deploy` writes and every role command reads."""

    rpc: str
    chain_id: int
    law: str  # the .law file, absolute
    title: str
    version: int
    statute: str
    currency: str
    registry: str
    authority: str  # the timelock the authority's key acts through

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> DeploymentRecord:
        try:
            return cls(**json.loads(path.read_text()))
        except FileNotFoundError:
            raise UsageError(
                f"no deployment file {path}: run `lawdsl deploy` first, or give --deployment FILE"
            ) from None
        except (OSError, ValueError, TypeError) as error:
            raise UsageError(f"{path} is not a deployment file written by `lawdsl deploy`: {error}") from None


@dataclass(frozen=True)
class Consent:
    """A worker's signed consent to an employment (`lawdsl worker consent`), for the firm's `employ`."""

    statute: str
    employer: str
    employee: str
    wage: int  # minor units an hour
    nonce: int
    deadline: int  # unix time
    signature: str  # 0x + 65 bytes

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> Consent:
        try:
            return cls(**json.loads(path.read_text()))
        except FileNotFoundError:
            raise UsageError(f"no consent file {path}: the worker writes it with `lawdsl worker consent`") from None
        except (OSError, ValueError, TypeError) as error:
            raise UsageError(f"{path} is not a consent written by `lawdsl worker consent`: {error}") from None


def add_chain_arguments(parser: argparse.ArgumentParser, *, deployment: bool = True) -> None:
    """--rpc, --key, --keys-dir, --dev-keys (and --deployment) for a command that signs."""
    parser.add_argument("--rpc", metavar="URL", help="the node's JSON-RPC URL (default: the deployment's)")
    parser.add_argument(
        "--key",
        metavar="NAME",
        help="the keystore that signs (`lawdsl keys list`); its password comes from $LAWDSL_PASSWORD or a prompt",
    )
    parser.add_argument(
        "--keys-dir", metavar="DIR", help="where keystores live (default: $LAWDSL_KEYS or ~/.lawdsl/keys)"
    )
    parser.add_argument(
        "--dev-keys",
        action="store_true",
        help="allow the public label-derived test keys "
        "(@authority, …) on a chain this command did not start: throwaway test chains only",
    )
    if deployment:
        parser.add_argument(
            "--deployment",
            default=DEPLOYMENT_FILE,
            metavar="FILE",
            help=f"the file `lawdsl deploy` wrote (default: ./{DEPLOYMENT_FILE})",
        )


def guarded(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A command whose expected failures (a key, the node, a refusal) end in one sentence and exit 1."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (KeyProblem, ChainError, MoneyError, UsageError) as problem:
            print(f"lawdsl: error: {problem}", file=sys.stderr)
        except Refused as refusal:
            print(f"lawdsl: refused: {refusal}", file=sys.stderr)
        except StatuteError as error:
            print(error.render(), file=sys.stderr)
        return 1

    return run


def command_group(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """A command group (`lawdsl firm …`): its subcommands are required."""
    parser = commands.add_parser(name, help=help_, description=help_)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="SUBCOMMAND")


def role_command(
    group: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_: str,
    example: str,
    func: Callable[[argparse.Namespace], int],
    *,
    deployment: bool = True,
    signs: bool = True,
) -> argparse.ArgumentParser:
    """One role command with its example in `--help`: the chain arguments of a command that signs
    (`signs`), or only where to read (`--rpc`, `--keys-dir`, `--deployment`); its failures end in
    one sentence (`guarded`)."""
    parser = group.add_parser(
        name,
        help=help_,
        description=help_,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if signs:
        add_chain_arguments(parser, deployment=deployment)
    else:
        parser.add_argument("--rpc", metavar="URL", help="the node's JSON-RPC URL (default: the deployment's)")
        parser.add_argument("--keys-dir", metavar="DIR", help="where keystores live, to show names")
        parser.add_argument(
            "--deployment",
            default="deployment.json",
            metavar="FILE",
            help="the file `lawdsl deploy` wrote (default: ./deployment.json)",
        )
        parser.set_defaults(key=None, dev_keys=False)
    parser.set_defaults(func=guarded(func))
    return parser


class Refused(Exception):
    """The contract refused a transaction; the message explains it in words."""


class Session:
    """One operator command's view of the chain: the node, the keys, the deployment's contracts."""

    def __init__(self, args: argparse.Namespace, record: DeploymentRecord | None = None) -> None:
        self.args = args
        self.keys = KeyStore(keys_dir(args.keys_dir))
        if record is None and not args.rpc and Path(getattr(args, "deployment", "") or DEPLOYMENT_FILE).is_file():
            record = DeploymentRecord.load(Path(getattr(args, "deployment", "") or DEPLOYMENT_FILE))
        self.record = record
        rpc = args.rpc or (record.rpc if record else None)
        if rpc is None:
            raise UsageError("give --rpc URL (the node to talk to)")
        self.chain = Chain(rpc, live=True)
        if record is not None and self.chain.chain_id != record.chain_id:
            raise ChainError(
                f"the node at {rpc} runs chain {self.chain.chain_id}, but the deployment is on "
                f"chain {record.chain_id}; give the right --rpc"
            )
        self.names = {self.keys.address(name): name for name in self.keys.names()}
        self.statute_ast: Statute | None = load_statute(record.law) if record else None
        self._artifacts: dict[str, Artifact] | None = None

    @classmethod
    def of_deployment(cls, args: argparse.Namespace) -> Session:
        return cls(args, DeploymentRecord.load(Path(args.deployment)))

    @classmethod
    def signing(cls, args: argparse.Namespace, label: str) -> Session:
        """The deployment's session with `label` acting through `--key` (`signer`): a command that
        signs unlocks its key before it reads anything."""
        session = cls.of_deployment(args)
        session.signer(label)
        return session

    # ------------------------------------------------------------ who signs

    def signer(self, label: str) -> str:
        """Make `label` act with `--key`'s keystore (or, with --dev-keys, its public dev key)."""
        if self.args.key:
            account = self.keys.unlock(self.args.key)
            self.chain.use(label, account)
            self.names.setdefault(account.address, self.args.key)
            return account.address
        dev_keys_allowed(own_chain=False, dev_keys=self.args.dev_keys)
        return self.chain.address(label)

    def address(self, who: str) -> str:
        """An account named on the command line: a 0x address, a key name, or (--dev-keys) a label."""
        if is_address(who):
            return to_checksum_address(who)
        if who in self.keys.names():
            return self.keys.address(who)
        if self.args.dev_keys:
            return self.chain.address(who)
        raise KeyProblem(
            f"{who!r} is neither a 0x address nor a key in {self.keys.directory} "
            f"(keys there: {', '.join(self.keys.names()) or 'none'})"
        )

    def name(self, address: str) -> str:
        address = to_checksum_address(address)
        name = self.names.get(address)
        return f"{name} ({address})" if name else address

    # ------------------------------------------------------------ contracts

    def artifacts(self) -> dict[str, Artifact]:
        """The deployment's compiled contracts, once per command: `contract()` asks for every call it
        decodes (`authority pending` lists many), and each ask regenerated and re-read the cache."""
        if self._artifacts is None:
            assert self.statute_ast is not None
            self._artifacts = compile_statutes([self.statute_ast])
        return self._artifacts

    def contract(self, which: str) -> Contract:
        """The deployment's "statute", "currency", "registry" or "authority" (its timelock), its custom
        errors learnt."""
        assert self.record is not None and self.statute_ast is not None
        key = {
            "statute": self.statute_ast.header.title,
            "currency": "DigitalCurrency",
            "registry": "StatuteRegistry",
            "authority": "AuthorityTimelock",
        }[which]
        abi = self.artifacts()[key].abi
        self.chain.register_errors(abi)
        contract: Contract = self.chain.w3.eth.contract(address=getattr(self.record, which), abi=abi)
        return contract

    def money(self, text: str) -> Money:
        """An amount given on the command line, in the statute's currency ("40", "40.00", "CNY 40.00")."""
        assert self.statute_ast is not None
        currency = self.statute_ast.header.currency
        return Money.parse(text if text[:1].isalpha() else f"{currency} {text}", currency)

    def show_money(self, minor: int) -> str:
        assert self.statute_ast is not None
        return str(Money(self.statute_ast.header.currency, minor))

    # ------------------------------------------------------------ transactions

    def send(self, label: str, call: Any, what: str) -> Receipt:
        """Send `call` as `label`, print what it did, or raise `Refused` with the reason in words."""
        try:
            receipt = self.chain.transact(label, call)
        except Reverted as refusal:
            raise Refused(f"{what}: {self.explain(refusal)}") from None
        print(f"{what}: tx {receipt.tx_hash}, block {receipt.block}, gas {receipt.gas_used:,}")
        for line in self.describe(receipt.logs):
            print(f"  {line}")
        return receipt

    def as_authority(self, call: Any, what: str) -> Receipt:
        """A call the authority makes through its timelock: scheduled, then executed at once when the
        timelock has no delay; with a delay it waits on chain for `lawdsl authority execute`."""
        timelock = self.contract("authority")
        delay = timelock.functions.getMinDelay().call()
        target, data, salt = call.address, call._encode_transaction_data(), os.urandom(32)
        scheduled = self.send(
            AUTHORITY,
            timelock.functions.schedule(target, 0, data, bytes(32), salt, delay),
            f"scheduled through the authority's timelock: {what}",
        )
        if delay:
            operation = timelock.functions.hashOperation(target, 0, data, bytes(32), salt).call()
            ready = timelock.functions.getTimestamp(operation).call()
            print(
                f"  operation 0x{operation.hex()} waits out the timelock's delay of {delay_words(delay)}: "
                f"run `lawdsl authority execute 0x{operation.hex()[:12]}` from {utc(ready)}"
            )
            return scheduled
        return self.send(AUTHORITY, timelock.functions.execute(target, 0, data, bytes(32), salt), what)

    def describe(self, logs: list[LogReceipt]) -> list[str]:
        """Each log of the deployment's contracts as `Event(name=value, …)`."""
        decoders = {}
        for which in ("statute", "currency", "registry"):
            contract = self.contract(which)
            abi: list[dict[str, Any]] = contract.abi  # type: ignore[assignment]
            for item in abi:
                if item.get("type") == "event":
                    inputs = ",".join(abi_type(i) for i in item["inputs"])
                    topic = self.chain.w3.keccak(text=f"{item['name']}({inputs})")
                    decoders[topic] = getattr(contract.events, item["name"])()
        lines = []
        for log in logs:
            decoder = decoders.get(log["topics"][0]) if log["topics"] else None
            if decoder is None:
                continue
            decoded = decoder.process_log(log)
            args = ", ".join(f"{key}={self.show_value(key, value)}" for key, value in decoded["args"].items())
            lines.append(f"{decoded['event']}({args})")
        return lines

    def show_value(self, key: str, value: Any) -> str:
        """A decoded argument as a person reads it: key names for addresses, amounts in the currency."""
        if isinstance(value, str) and is_address(value):
            return self.name(value)
        if isinstance(value, bytes):
            return value.rstrip(b"\0").decode(errors="replace") if key == "article" else "0x" + value.hex()
        if isinstance(value, int) and key in ("amount", "hourlyWage", "value", "wage"):
            return self.show_money(value)
        return str(value)

    def explain(self, refusal: Reverted) -> str:
        """A contract's refusal in words, from its custom error and arguments."""
        args = refusal.arguments
        words = EXPLANATIONS.get(refusal.error)
        if words is not None:
            return words(self, *args)
        if refusal.error.startswith("unknown error") or refusal.error.startswith("a revert"):
            return f"the contract refused ({refusal.error}); is --deployment the right one for this chain?"
        shown = ", ".join(self.show_value("", value) for value in args)
        return f"the contract refused: {refusal.error}({shown})"

    def effective_words(self, effective_from: int) -> str:
        assert self.statute_ast is not None
        header = self.statute_ast.header
        now = self.chain.w3.eth.get_block("latest")["timestamp"]
        days = (effective_from - now) / 86_400
        when = dt.datetime.fromtimestamp(effective_from, dt.UTC)
        return (
            f"the statute is not yet in force: {header.title} takes effect on {header.effective.isoformat()} "
            f"(00:00 in its time zone, {when:%Y-%m-%d %H:%M} UTC), {days:.1f} days after the chain's latest "
            "block; nothing can be done under it before then"
        )
