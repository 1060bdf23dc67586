"""`lawdsl keys | fund`: the operators' own keystores, and gas money sent by a real transfer.

Keys are encrypted JSON keystores (`chain.keys`); passwords come from
`$LAWDSL_PASSWORD` or a prompt, never the command line.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from eth_account import Account
from rich.table import Table

from lawdsl.cli import UsageError
from lawdsl.terminal import console

from .anvil import NODE_FAUCET_KEY
from .keys import KeyProblem, KeyStore, keys_dir
from .operator import Session, add_chain_arguments, command_group, guarded, role_command

out = console()
PRIVATE_KEY_ENV = "LAWDSL_PRIVATE_KEY"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = command_group(commands, "keys", "create and list the encrypted keystores operators sign with")
    new = role_command(
        keys,
        "new",
        "create a key: a fresh account in an encrypted keystore",
        "LAWDSL_PASSWORD=… lawdsl keys new acme",
        cmd_keys_new,
        signs=False,
    )
    new.add_argument("name", metavar="NAME")
    new.add_argument(
        "--light-kdf",
        action="store_true",
        help="cheaper encryption (scrypt n=4096, as geth's --lightkdf): for keys unlocked often",
    )
    imp = role_command(
        keys,
        "import",
        f"store an existing private key (from ${PRIVATE_KEY_ENV} or a prompt)",
        f"{PRIVATE_KEY_ENV}=0x… lawdsl keys import treasury",
        cmd_keys_import,
        signs=False,
    )
    imp.add_argument("name", metavar="NAME")
    imp.add_argument("--light-kdf", action="store_true", help="cheaper encryption, as for `keys new`")
    role_command(keys, "list", "the keys' names and addresses", "lawdsl keys list", cmd_keys_list, signs=False)
    address = role_command(
        keys, "address", "print one key's address", "lawdsl keys address acme", cmd_keys_address, signs=False
    )
    address.add_argument("name", metavar="NAME")

    fund = commands.add_parser(
        "fund",
        help="send gas money (ether) to accounts, by a real transfer",
        description="Send ether for gas to each account (key name or 0x address) from --key's account.",
        epilog="example:\n  lawdsl fund acme alice --eth 1 --key treasury --rpc http://127.0.0.1:8545",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fund.add_argument("accounts", nargs="+", metavar="ACCOUNT")
    fund.add_argument("--eth", type=float, default=1.0, help="ether to each (default: 1)")
    add_chain_arguments(fund, deployment=False)
    fund.set_defaults(func=guarded(cmd_fund))


def cmd_keys_new(args: argparse.Namespace) -> int:
    store = KeyStore(keys_dir(args.keys_dir))
    address = store.create(args.name, light=args.light_kdf)
    print(f"{args.name} {address} ({store.path(args.name)})")
    return 0


def cmd_keys_import(args: argparse.Namespace) -> int:
    store = KeyStore(keys_dir(args.keys_dir))
    text = os.environ.get(PRIVATE_KEY_ENV)
    if text is None:
        if not sys.stdin.isatty():
            raise KeyProblem(f"give the private key in ${PRIVATE_KEY_ENV} or run on a terminal to be asked")
        text = getpass.getpass("private key (hex): ")
    try:
        secret = bytes.fromhex(text.strip().removeprefix("0x"))
    except ValueError:
        raise KeyProblem("the private key is not hexadecimal") from None
    if len(secret) != 32:
        raise KeyProblem(f"a private key has 32 bytes, this one {len(secret)}")
    print(f"{args.name} {store.create(args.name, secret, light=args.light_kdf)}")
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    store = KeyStore(keys_dir(args.keys_dir))
    names = store.names()
    if not names:
        print(f"no keys in {store.directory}; create one with `lawdsl keys new NAME`")
        return 0
    table = Table("name", "address", title=str(store.directory))
    for name in names:
        table.add_row(name, store.address(name))
    out.print(table)
    return 0


def cmd_keys_address(args: argparse.Namespace) -> int:
    print(KeyStore(keys_dir(args.keys_dir)).address(args.name))
    return 0


def cmd_fund(args: argparse.Namespace) -> int:
    session = Session(args)
    if args.key:
        session.signer("@funder")
    elif args.dev_keys:
        session.chain.use("@funder", Account.from_key(NODE_FAUCET_KEY))
    else:
        raise UsageError("name the account that pays with --key (or --dev-keys: the node's public test account)")
    for who in args.accounts:
        address = session.address(who)
        receipt = session.chain.transfer_ether("@funder", address, int(args.eth * 10**18))
        print(f"{session.name(address)}: +{args.eth} ETH, tx {receipt['transactionHash'].to_0x_hex()}")
    return 0
