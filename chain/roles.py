"""The operators' commands on a live chain: `lawdsl authority | firm` (a worker's: `chain.worker_roles`;
new versions: `chain.versions`; keys and gas money: `chain.key_commands`; vouchers and tenders:
`chain.voucher_roles`, `chain.procurement_roles`).

Each role has its group; each command signs with `--key NAME` (a keystore,
`chain.keys`), prints the transaction, its gas and the events it logged, and
explains a refusal in one sentence (`chain.operator`). They read where the
statute lives from the file `lawdsl deploy` wrote (`--deployment`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from compiler.dates import day_number

from . import procurement_roles, scheduled, versions, worker_roles
from .accounts import AUTHORITY
from .keys import KeyProblem
from .operator import (
    Consent,
    DeploymentRecord,
    Refused,
    Session,
    command_group,
    guarded,
)
from .refusals import EXPLANATIONS
from .role_table import Role, add_roles, arg

#: Label of the account a firm's own command acts as (the contract knows it only by its address).
FIRM = "@firm"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    authority = command_group(commands, "authority", "the statute's authority: money, devices, new versions")
    device, amount = arg("device", metavar="DEVICE"), arg("amount", metavar="AMOUNT")
    operation = arg(
        "id", metavar="ID", help="the operation's id, or a unique prefix of it (`lawdsl authority pending`)"
    )
    add_roles(
        authority,
        [
            Role(
                "mint",
                "create digital currency in an account",
                "lawdsl authority mint acme 100000.00 --key authority",
                cmd_mint,
                (arg("to", metavar="ACCOUNT"), amount),
            ),
            Role(
                "register-device",
                "offer a terminal to a firm (it counts once the firm accepts it): the device gets its own "
                "key, which signs its punches",
                "lawdsl authority register-device gate-1 --firm acme --key authority",
                cmd_register_device,
                (
                    arg("device", metavar="DEVICE", help="the device's key name (created if missing) or 0x address"),
                    arg("--firm", required=True, metavar="ACCOUNT"),
                ),
            ),
            Role(
                "enact",
                "deploy a new version of the statute into the same registry and currency",
                "lawdsl authority enact minute-v2.law --key authority --save deployment-v2.json",
                versions.cmd_enact,
                (
                    arg("file", metavar="FILE"),
                    arg("--save", required=True, metavar="FILE", help="where to write the new version's deployment"),
                ),
            ),
            Role(
                "migrate",
                "carry standing employments and accepted devices from version N to version N+1 (once it is in "
                "force); running it again registers nothing twice",
                "lawdsl authority migrate --from deployment.json --to deployment-v2.json --key authority",
                versions.cmd_migrate,
                (
                    arg("--from", dest="old", required=True, metavar="OLD.json", help="version N's deployment"),
                    arg("--to", dest="new", required=True, metavar="NEW.json", help="version N+1's (`enact --save`)"),
                    arg(
                        "--from-block",
                        type=int,
                        default=0,
                        metavar="N",
                        help="read version N's logs from block N (default: 0)",
                    ),
                ),
                deployment=False,
            ),
            Role(
                "revoke-device",
                "revoke a terminal for good: its batches are refused from now on",
                "lawdsl authority revoke-device gate-1 --key authority",
                cmd_revoke_device,
                (device,),
            ),
            Role(
                "pending",
                "the acts the authority scheduled through its timelock, and when each may be executed",
                "lawdsl authority pending",
                scheduled.cmd_pending,
                (arg("--all", action="store_true", help="also those executed or cancelled"),),
                signs=False,
            ),
            Role(
                "execute",
                "execute a scheduled act once the timelock's delay has passed",
                "lawdsl authority execute 0x3f2a9c --key authority",
                scheduled.cmd_execute,
                (operation,),
            ),
            Role(
                "cancel",
                "withdraw a scheduled act before it is executed",
                "lawdsl authority cancel 0x3f2a9c --key authority",
                scheduled.cmd_cancel,
                (operation,),
            ),
        ],
    )
    worker = arg("worker", metavar="WORKER")
    add_roles(
        command_group(commands, "firm", "a firm: employ, deposit, grant time off, see what it owes"),
        [
            Role(
                "employ",
                "employ a worker with the consent the worker signed (`worker consent`)",
                "lawdsl firm employ alice-consent.json --key acme",
                cmd_employ,
                (arg("consent", metavar="CONSENT.json"),),
            ),
            Role(
                "dismiss",
                "end a worker's employment (pay accrued falls due now)",
                "lawdsl firm dismiss alice --key acme",
                cmd_end_employment,
                (worker,),
            ),
            Role(
                "accept-device",
                "accept a terminal the authority registered for the firm",
                "lawdsl firm accept-device gate-1 --key acme",
                cmd_accept_device,
                (device,),
            ),
            Role(
                "revoke-device",
                "revoke one of the firm's terminals (a lost or stolen one)",
                "lawdsl firm revoke-device gate-1 --key acme",
                cmd_revoke_device,
                (device,),
            ),
            Role(
                "withdraw",
                "take money back from the deposit (only while no wages are in arrears)",
                "lawdsl firm withdraw 500.00 --key acme",
                cmd_withdraw,
                (amount,),
            ),
            Role(
                "deposit",
                "move money from the firm's wallet into its deposit for wages",
                "lawdsl firm deposit 5000.00 --key acme",
                cmd_deposit,
                (amount,),
            ),
            Role(
                "grant-time-off",
                "grant a worker compensatory time off on a day",
                "lawdsl firm grant-time-off alice 2026-03-08 --key acme",
                cmd_time_off,
                (worker, arg("date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")),
            ),
            Role(
                "obligations",
                "a firm's deposit, wallet and arrears (payments due but not paid)",
                "lawdsl firm obligations acme",
                cmd_obligations,
                (arg("firm", metavar="FIRM"),),
                signs=False,
            ),
        ],
    )
    worker_roles.register(commands)
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


# ---------------------------------------------------------------- authority


def cmd_mint(args: argparse.Namespace) -> int:
    session = Session.signing(args, AUTHORITY)
    amount = session.money(args.amount)
    to = session.address(args.to)
    session.as_authority(
        session.contract("currency").functions.mint(to, amount.minor), f"minted {amount} to {session.name(to)}"
    )
    return 0


def cmd_register_device(args: argparse.Namespace) -> int:
    session = Session.signing(args, AUTHORITY)
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
    session = Session.signing(args, FIRM)
    worker = session.address(args.worker)
    session.send(
        FIRM,
        session.contract("statute").functions.endEmployment(worker, 0),
        f"ended the employment of {session.name(worker)}",
    )
    return 0


def cmd_accept_device(args: argparse.Namespace) -> int:
    session = Session.signing(args, FIRM)
    device = session.address(args.device)
    session.send(
        FIRM, session.contract("statute").functions.acceptDevice(device), f"accepted device {session.name(device)}"
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
    session = Session.signing(args, FIRM)
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
    session = Session.signing(args, FIRM)
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


def cmd_deployment(args: argparse.Namespace) -> int:
    print(getattr(DeploymentRecord.load(Path(args.deployment)), args.field))
    return 0
