"""The operators' commands on a live chain: `lawdsl keys | fund | authority | firm | worker`.

Each role has its group; each command signs with `--key NAME` (a keystore,
`chain.keys`), prints the transaction, its gas and the events it logged, and
explains a refusal in one sentence (`chain.operator`). They read where the
statute lives from the file `lawdsl deploy` wrote (`--deployment`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from eth_account import Account
from rich.console import Console
from rich.table import Table

from compiler.artifacts import compile_statutes
from compiler.dates import day_number
from lawdsl.cli import UsageError
from lawdsl.load import load_statute
from lawdsl.scenario import Scenario

from . import procurement_roles, scheduled
from .accounts import AUTHORITY
from .anvil import NODE_FAUCET_KEY
from .authority import Authority, delay_words
from .client import Reverted
from .keys import KeyProblem, KeyStore, keys_dir
from .operator import (
    EXPLANATIONS,
    Consent,
    DeploymentRecord,
    Refused,
    Session,
    add_chain_arguments,
    guarded,
)
from .runner import deploy
from .signing import Domain, sign_employment

out = Console()
PRIVATE_KEY_ENV = "LAWDSL_PRIVATE_KEY"
#: Label of the account a firm's own command acts as (the contract knows it only by its address).
FIRM = "@firm"


def _group(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    parser = commands.add_parser(name, help=help_, description=help_)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="SUBCOMMAND")


def _command(
    group: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_: str,
    example: str,
    func: Callable[[argparse.Namespace], int],
    *,
    deployment: bool = True,
    signs: bool = True,
) -> argparse.ArgumentParser:
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


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = _group(commands, "keys", "create and list the encrypted keystores operators sign with")
    new = _command(
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
    imp = _command(
        keys,
        "import",
        f"store an existing private key (from ${PRIVATE_KEY_ENV} or a prompt)",
        f"{PRIVATE_KEY_ENV}=0x… lawdsl keys import treasury",
        cmd_keys_import,
        signs=False,
    )
    imp.add_argument("name", metavar="NAME")
    imp.add_argument("--light-kdf", action="store_true", help="cheaper encryption, as for `keys new`")
    _command(keys, "list", "the keys' names and addresses", "lawdsl keys list", cmd_keys_list, signs=False)
    address = _command(
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

    authority = _group(commands, "authority", "the statute's authority: money, devices, new versions")
    mint = _command(
        authority,
        "mint",
        "create digital currency in an account",
        "lawdsl authority mint acme 100000.00 --key authority",
        cmd_mint,
    )
    mint.add_argument("to", metavar="ACCOUNT")
    mint.add_argument("amount", metavar="AMOUNT")
    device = _command(
        authority,
        "register-device",
        "offer a terminal to a firm (it counts once the firm accepts it): the device gets its own "
        "key, which signs its punches",
        "lawdsl authority register-device gate-1 --firm acme --key authority",
        cmd_register_device,
    )
    device.add_argument("device", metavar="DEVICE", help="the device's key name (created if missing) or 0x address")
    device.add_argument("--firm", required=True, metavar="ACCOUNT")
    enact = _command(
        authority,
        "enact",
        "deploy a new version of the statute into the same registry and currency",
        "lawdsl authority enact minute-v2.law --key authority --save deployment-v2.json",
        cmd_enact,
    )
    enact.add_argument("file", metavar="FILE")
    enact.add_argument("--save", required=True, metavar="FILE", help="where to write the new version's deployment")
    revoke = _command(
        authority,
        "revoke-device",
        "revoke a terminal for good: its batches are refused from now on",
        "lawdsl authority revoke-device gate-1 --key authority",
        cmd_revoke_device,
    )
    revoke.add_argument("device", metavar="DEVICE")
    _command(
        authority,
        "pending",
        "the acts the authority scheduled through its timelock, and when each may be executed",
        "lawdsl authority pending",
        scheduled.cmd_pending,
        signs=False,
    ).add_argument("--all", action="store_true", help="also those executed or cancelled")
    for name, help_, func in (
        ("execute", "execute a scheduled act once the timelock's delay has passed", scheduled.cmd_execute),
        ("cancel", "withdraw a scheduled act before it is executed", scheduled.cmd_cancel),
    ):
        _command(authority, name, help_, f"lawdsl authority {name} 0x3f2a9c --key authority", func).add_argument(
            "id", metavar="ID", help="the operation's id, or a unique prefix of it (`lawdsl authority pending`)"
        )

    firm = _group(commands, "firm", "a firm: employ, deposit, grant time off, see what it owes")
    employ = _command(
        firm,
        "employ",
        "employ a worker with the consent the worker signed (`worker consent`)",
        "lawdsl firm employ alice-consent.json --key acme",
        cmd_employ,
    )
    employ.add_argument("consent", metavar="CONSENT.json")
    dismiss = _command(
        firm,
        "dismiss",
        "end a worker's employment (pay accrued falls due now)",
        "lawdsl firm dismiss alice --key acme",
        cmd_end_employment,
    )
    dismiss.add_argument("worker", metavar="WORKER")
    accept = _command(
        firm,
        "accept-device",
        "accept a terminal the authority registered for the firm",
        "lawdsl firm accept-device gate-1 --key acme",
        cmd_accept_device,
    )
    accept.add_argument("device", metavar="DEVICE")
    firm_revoke = _command(
        firm,
        "revoke-device",
        "revoke one of the firm's terminals (a lost or stolen one)",
        "lawdsl firm revoke-device gate-1 --key acme",
        cmd_revoke_device,
    )
    firm_revoke.add_argument("device", metavar="DEVICE")
    withdraw = _command(
        firm,
        "withdraw",
        "take money back from the deposit (only while no wages are in arrears)",
        "lawdsl firm withdraw 500.00 --key acme",
        cmd_withdraw,
    )
    withdraw.add_argument("amount", metavar="AMOUNT")
    deposit = _command(
        firm,
        "deposit",
        "move money from the firm's wallet into its deposit for wages",
        "lawdsl firm deposit 5000.00 --key acme",
        cmd_deposit,
    )
    deposit.add_argument("amount", metavar="AMOUNT")
    time_off = _command(
        firm,
        "grant-time-off",
        "grant a worker compensatory time off on a day",
        "lawdsl firm grant-time-off alice 2026-03-08 --key acme",
        cmd_time_off,
    )
    time_off.add_argument("worker", metavar="WORKER")
    time_off.add_argument("date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    owes = _command(
        firm,
        "obligations",
        "a firm's deposit, wallet and arrears (payments due but not paid)",
        "lawdsl firm obligations acme",
        cmd_obligations,
        signs=False,
    )
    owes.add_argument("firm", metavar="FIRM")

    worker = _group(commands, "worker", "a worker: consent to an employment, quit, balance and payments")
    consent = _command(
        worker,
        "consent",
        "sign your consent to be employed by a firm at a wage (no transaction: give the file to the firm)",
        "lawdsl worker consent acme --wage 40.00 --key alice --out alice-consent.json",
        cmd_consent,
    )
    consent.add_argument("firm", metavar="FIRM")
    consent.add_argument("--wage", required=True, metavar="AMOUNT", help="hourly wage, e.g. 40.00 or 'CNY 40.00'")
    consent.add_argument("--out", required=True, metavar="FILE", help="where to write the signed consent")
    consent.add_argument(
        "--valid-days", type=float, default=7, metavar="DAYS", help="how long the firm may use it (default: 7 days)"
    )
    _command(worker, "quit", "end your own employment", "lawdsl worker quit --key alice", cmd_quit)
    balance = _command(
        worker,
        "balance",
        "an account's wallet in the statute's currency",
        "lawdsl worker balance alice",
        cmd_balance,
        signs=False,
    )
    balance.add_argument("account", metavar="ACCOUNT")
    payments = _command(
        worker,
        "payments",
        "the wages paid to a worker under the statute, with their articles",
        "lawdsl worker payments alice",
        cmd_payments,
        signs=False,
    )
    payments.add_argument("account", metavar="ACCOUNT")
    payments.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="wait up to SECONDS for at least --at-least payments (exit 1 if none come)",
    )
    payments.add_argument("--at-least", type=int, default=1, metavar="N", help="with --wait: how many (default 1)")

    where = commands.add_parser(
        "deployment",
        help="print an address of the deployment (for scripts and other commands)",
        description="Print the statute's, the currency's or the registry's address, or the node's URL, as "
        "recorded by `lawdsl deploy`.",
        epilog="example:\n  lawdsl verify minute.law --address $(lawdsl deployment statute) "
        "--rpc $(lawdsl deployment rpc)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where.add_argument("field", choices=("statute", "currency", "registry", "rpc", "authority"))
    where.add_argument("--deployment", default="deployment.json", metavar="FILE")
    where.set_defaults(func=guarded(cmd_deployment))
    procurement_roles.register(authority, commands)  # buyers, suppliers, inspectors: their own module


# ---------------------------------------------------------------- keys


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


# ---------------------------------------------------------------- authority


def cmd_mint(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    session.signer(AUTHORITY)
    amount = session.money(args.amount)
    to = session.address(args.to)
    session.as_authority(
        session.contract("currency").functions.mint(to, amount.minor), f"minted {amount} to {session.name(to)}"
    )
    return 0


def cmd_register_device(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    session.signer(AUTHORITY)
    device = args.device
    if not device.startswith("0x") and device not in session.keys.names():
        address = session.keys.create(device, light=True)  # a terminal's key is unlocked at every start
        print(f"created key {device} {address} for the device")
        session.names[address] = device
    address, firm = session.address(device), session.address(args.firm)
    session.send(
        AUTHORITY,
        session.contract("statute").functions.registerDevice(address, firm),
        f"registered device {session.name(address)} to {session.name(firm)}",
    )
    return 0


# ---------------------------------------------------------------- firm


def cmd_employ(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    firm = session.signer(FIRM)
    consent = Consent.load(Path(args.consent))
    if consent.statute != session.contract("statute").address:
        raise KeyProblem(
            f"{args.consent} consents to an employment under {consent.statute}, not under this "
            "deployment's statute; the worker signs a consent for this one"
        )
    if consent.employer != firm:
        raise KeyProblem(
            f"{args.consent} consents to be employed by {session.name(consent.employer)}, and --key "
            f"{args.key} is {firm}: sign with that firm's key"
        )
    session.send(
        FIRM,
        session.contract("statute").functions.employ(
            consent.employee, consent.wage, consent.deadline, bytes.fromhex(consent.signature[2:])
        ),
        f"employed {session.name(consent.employee)} at {session.show_money(consent.wage)} an hour",
    )
    return 0


def cmd_end_employment(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    session.signer(FIRM)
    worker = session.address(args.worker)
    session.send(
        FIRM,
        session.contract("statute").functions.endEmployment(worker, 0),
        f"ended the employment of {session.name(worker)}",
    )
    return 0


def cmd_accept_device(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    session.signer(FIRM)
    device = session.address(args.device)
    session.send(
        FIRM, session.contract("statute").functions.acceptDevice(device), f"accepted device {session.name(device)}"
    )
    return 0


def cmd_enact(args: argparse.Namespace) -> int:
    """Version N+1 beside version N: the registry's history names both, each with its effective date;
    its citizens and its firms' money stay where they are."""
    session = Session.of_deployment(args)
    session.signer(AUTHORITY)
    statute = load_statute(args.file)
    record = session.record
    assert record is not None
    if statute.header.title != record.title:
        raise UsageError(
            f"{args.file} is {statute.header.title!r}, not a version of {record.title!r}; "
            "deploy a new statute with `lawdsl deploy`"
        )
    artifacts = compile_statutes([statute])
    try:
        authority = Authority(session.chain, session.contract("authority"))
        deployment = deploy(
            Scenario(Path(args.file), statute, {}, ()),
            session.chain,
            artifacts,
            (session.contract("currency"), session.contract("registry"), authority),
        )
    except Reverted as refusal:
        raise Refused(f"enacting {args.file}: {session.explain(refusal)}") from None
    address = deployment.driver.contract.address  # type: ignore[union-attr]
    DeploymentRecord(
        record.rpc,
        record.chain_id,
        str(Path(args.file).resolve()),
        statute.header.title,
        statute.header.version,
        address,
        record.currency,
        record.registry,
        record.authority,
    ).save(Path(args.save))
    if authority.delay:
        print(
            f"deployed {statute.header.title} version {statute.header.version} at {address}; its enactment "
            f"waits out the timelock's delay of {delay_words(authority.delay)} (`lawdsl authority pending`, then "
            f"`lawdsl authority execute ID`); wrote {args.save}"
        )
        return 0
    print(
        f"enacted {statute.header.title} version {statute.header.version} at {address}, in force from "
        f"{statute.header.effective.isoformat()}; wrote {args.save}"
    )
    return 0


def cmd_revoke_device(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    session.signer(FIRM)  # the authority or the device's firm: the contract checks which
    device = session.address(args.device)
    session.send(
        FIRM, session.contract("statute").functions.revokeDevice(device), f"revoked device {session.name(device)}"
    )
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    session.signer(FIRM)
    amount = session.money(args.amount)
    session.send(FIRM, session.contract("statute").functions.withdraw(amount.minor), f"withdrew {amount}")
    return 0


def cmd_deposit(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    firm = session.signer(FIRM)
    amount = session.money(args.amount)
    statute, currency = session.contract("statute"), session.contract("currency")
    wallet = currency.functions.balanceOf(firm).call()
    if amount.minor > wallet:  # said before any gas is spent on the approval
        raise Refused(f"deposit: {EXPLANATIONS['DepositExceedsWallet'](session, amount.minor, wallet)}")
    session.send(
        FIRM, currency.functions.approve(statute.address, amount.minor), f"allowed the statute to take {amount}"
    )
    session.send(FIRM, statute.functions.deposit(amount.minor, 0), f"deposited {amount}")
    return 0


def cmd_time_off(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    session.signer(FIRM)
    worker = session.address(args.worker)
    session.send(
        FIRM,
        session.contract("statute").functions.grantTimeOff(worker, day_number(args.date)),
        f"granted {session.name(worker)} time off on {args.date}",
    )
    return 0


def cmd_obligations(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    firm = session.address(args.firm)
    statute, currency = session.contract("statute"), session.contract("currency")
    print(f"{session.name(firm)} under {session.record.title} v{session.record.version}")  # type: ignore[union-attr]
    print(f"  wallet   {session.show_money(currency.functions.balanceOf(firm).call())}")
    print(f"  deposit  {session.show_money(statute.functions.deposits(firm).call())}")
    _, dues = statute.functions.arrears(firm).call()
    print(f"  arrears  {len(dues)} payment(s) due and unpaid, {session.show_money(sum(d[1] for d in dues))}")
    for employee, amount, article in dues:
        print(
            f"    {session.show_money(amount)} to {session.name(employee)} (article "
            f"{article.rstrip(bytes(1)).decode()})"
        )
    return 0


# ---------------------------------------------------------------- worker


def cmd_consent(args: argparse.Namespace) -> int:
    """The worker's EIP-712 consent: signed off chain, used once (the contract's nonce), until a deadline."""
    session = Session.of_deployment(args)
    if not args.key:
        raise UsageError("sign your consent with your own key: --key NAME")
    worker = session.keys.unlock(args.key)
    firm, wage = session.address(args.firm), session.money(args.wage)
    statute = session.contract("statute")
    _, name, version, chain_id, verifying, _, _ = statute.functions.eip712Domain().call()
    nonce = statute.functions.employmentNonce(worker.address).call()
    latest = session.chain.w3.eth.get_block("latest")["timestamp"]
    deadline = latest + int(args.valid_days * 86_400)
    signature = sign_employment(
        bytes(worker.key), Domain(name, version, chain_id, verifying), firm, worker.address, wage.minor, nonce, deadline
    )
    Consent(statute.address, firm, worker.address, wage.minor, nonce, deadline, "0x" + signature.hex()).save(
        Path(args.out)
    )
    until = dt.datetime.fromtimestamp(deadline, dt.UTC)
    print(
        f"{session.name(worker.address)} consents to be employed by {session.name(firm)} at {wage} an hour, "
        f"usable once until {until:%Y-%m-%d %H:%M} UTC: give {args.out} to the firm"
    )
    return 0


def cmd_quit(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    worker = session.signer("@worker")
    session.send(
        "@worker",
        session.contract("statute").functions.endEmployment(worker, 0),
        f"{session.name(worker)} ended its employment",
    )
    return 0


def cmd_balance(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    who = session.address(args.account)
    print(f"{session.name(who)}: {session.show_money(session.contract('currency').functions.balanceOf(who).call())}")
    return 0


def cmd_deployment(args: argparse.Namespace) -> int:
    print(getattr(DeploymentRecord.load(Path(args.deployment)), args.field))
    return 0


def cmd_payments(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    who = session.address(args.account)
    statute = session.contract("statute")
    deadline = time.monotonic() + args.wait
    while True:
        logs = [
            log
            for event in ("PaidAtClockOut", "WagePaid")
            for log in getattr(statute.events, event)().get_logs(from_block=0, argument_filters={"employee": who})
        ]
        if not args.wait or len(logs) >= args.at_least or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    print(f"payments to {session.name(who)}")
    for log in sorted(logs, key=lambda log: (log["blockNumber"], log["logIndex"])):
        paid = log["args"]
        print(
            f"  block {log['blockNumber']}  {session.show_money(paid['amount'])}  article "
            f"{paid['article'].rstrip(bytes(1)).decode()}  from {session.name(paid['employer'])}  "
            f"tx {log['transactionHash'].to_0x_hex()}"
        )
    print(f"total {session.show_money(sum(log['args']['amount'] for log in logs))}")
    if args.wait and len(logs) < args.at_least:
        print(
            f"lawdsl: error: {len(logs)} payment(s) to {args.account} within {args.wait:g} s, "
            f"expected at least {args.at_least}",
            file=sys.stderr,
        )
        return 1
    return 0
