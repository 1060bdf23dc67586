"""The operators' commands on a live chain: `lawdsl authority | firm | worker` (keys and gas money:
`chain.key_commands`; vouchers and tenders: `chain.voucher_roles`, `chain.procurement_roles`).

Each role has its group; each command signs with `--key NAME` (a keystore,
`chain.keys`), prints the transaction, its gas and the events it logged, and
explains a refusal in one sentence (`chain.operator`). They read where the
statute lives from the file `lawdsl deploy` wrote (`--deployment`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from eth_utils.address import to_checksum_address
from rich.console import Console

from compiler.artifacts import compile_statutes
from compiler.dates import day_number
from lawdsl.cli import UsageError
from lawdsl.load import load_statute
from lawdsl.scenario import Scenario

from . import procurement_roles, scheduled
from .accounts import AUTHORITY
from .authority import Authority, delay_words
from .client import Reverted
from .keys import KeyProblem
from .migrate import plan
from .operator import (
    EXPLANATIONS,
    Consent,
    DeploymentRecord,
    Refused,
    Session,
    command_group,
    guarded,
    role_command,
)
from .registry import history
from .runner import deploy
from .signing import Domain, sign_employment

out = Console()
#: Label of the account a firm's own command acts as (the contract knows it only by its address).
FIRM = "@firm"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    authority = command_group(commands, "authority", "the statute's authority: money, devices, new versions")
    mint = role_command(
        authority,
        "mint",
        "create digital currency in an account",
        "lawdsl authority mint acme 100000.00 --key authority",
        cmd_mint,
    )
    mint.add_argument("to", metavar="ACCOUNT")
    mint.add_argument("amount", metavar="AMOUNT")
    device = role_command(
        authority,
        "register-device",
        "offer a terminal to a firm (it counts once the firm accepts it): the device gets its own "
        "key, which signs its punches",
        "lawdsl authority register-device gate-1 --firm acme --key authority",
        cmd_register_device,
    )
    device.add_argument("device", metavar="DEVICE", help="the device's key name (created if missing) or 0x address")
    device.add_argument("--firm", required=True, metavar="ACCOUNT")
    enact = role_command(
        authority,
        "enact",
        "deploy a new version of the statute into the same registry and currency",
        "lawdsl authority enact minute-v2.law --key authority --save deployment-v2.json",
        cmd_enact,
    )
    enact.add_argument("file", metavar="FILE")
    enact.add_argument("--save", required=True, metavar="FILE", help="where to write the new version's deployment")
    migrate = role_command(
        authority,
        "migrate",
        "carry standing employments and accepted devices from version N to version N+1 (once it is in "
        "force); running it again registers nothing twice",
        "lawdsl authority migrate --from deployment.json --to deployment-v2.json --key authority",
        cmd_migrate,
        deployment=False,
    )
    migrate.add_argument("--from", dest="old", required=True, metavar="OLD.json", help="version N's deployment")
    migrate.add_argument("--to", dest="new", required=True, metavar="NEW.json", help="version N+1's (`enact --save`)")
    migrate.add_argument(
        "--from-block", type=int, default=0, metavar="N", help="read version N's logs from block N (default: 0)"
    )
    revoke = role_command(
        authority,
        "revoke-device",
        "revoke a terminal for good: its batches are refused from now on",
        "lawdsl authority revoke-device gate-1 --key authority",
        cmd_revoke_device,
    )
    revoke.add_argument("device", metavar="DEVICE")
    role_command(
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
        role_command(authority, name, help_, f"lawdsl authority {name} 0x3f2a9c --key authority", func).add_argument(
            "id", metavar="ID", help="the operation's id, or a unique prefix of it (`lawdsl authority pending`)"
        )

    firm = command_group(commands, "firm", "a firm: employ, deposit, grant time off, see what it owes")
    employ = role_command(
        firm,
        "employ",
        "employ a worker with the consent the worker signed (`worker consent`)",
        "lawdsl firm employ alice-consent.json --key acme",
        cmd_employ,
    )
    employ.add_argument("consent", metavar="CONSENT.json")
    dismiss = role_command(
        firm,
        "dismiss",
        "end a worker's employment (pay accrued falls due now)",
        "lawdsl firm dismiss alice --key acme",
        cmd_end_employment,
    )
    dismiss.add_argument("worker", metavar="WORKER")
    accept = role_command(
        firm,
        "accept-device",
        "accept a terminal the authority registered for the firm",
        "lawdsl firm accept-device gate-1 --key acme",
        cmd_accept_device,
    )
    accept.add_argument("device", metavar="DEVICE")
    firm_revoke = role_command(
        firm,
        "revoke-device",
        "revoke one of the firm's terminals (a lost or stolen one)",
        "lawdsl firm revoke-device gate-1 --key acme",
        cmd_revoke_device,
    )
    firm_revoke.add_argument("device", metavar="DEVICE")
    withdraw = role_command(
        firm,
        "withdraw",
        "take money back from the deposit (only while no wages are in arrears)",
        "lawdsl firm withdraw 500.00 --key acme",
        cmd_withdraw,
    )
    withdraw.add_argument("amount", metavar="AMOUNT")
    deposit = role_command(
        firm,
        "deposit",
        "move money from the firm's wallet into its deposit for wages",
        "lawdsl firm deposit 5000.00 --key acme",
        cmd_deposit,
    )
    deposit.add_argument("amount", metavar="AMOUNT")
    time_off = role_command(
        firm,
        "grant-time-off",
        "grant a worker compensatory time off on a day",
        "lawdsl firm grant-time-off alice 2026-03-08 --key acme",
        cmd_time_off,
    )
    time_off.add_argument("worker", metavar="WORKER")
    time_off.add_argument("date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    owes = role_command(
        firm,
        "obligations",
        "a firm's deposit, wallet and arrears (payments due but not paid)",
        "lawdsl firm obligations acme",
        cmd_obligations,
        signs=False,
    )
    owes.add_argument("firm", metavar="FIRM")

    worker = command_group(commands, "worker", "a worker: consent to an employment, quit, balance and payments")
    consent = role_command(
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
    role_command(worker, "quit", "end your own employment", "lawdsl worker quit --key alice", cmd_quit)
    balance = role_command(
        worker,
        "balance",
        "an account's wallet in the statute's currency",
        "lawdsl worker balance alice",
        cmd_balance,
        signs=False,
    )
    balance.add_argument("account", metavar="ACCOUNT")
    payments = role_command(
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


def cmd_migrate(args: argparse.Namespace) -> int:
    """Version N's standing employments and accepted devices registered on version N+1, by the
    authority; each firm then accepts its devices and moves its own deposit (nobody else may)."""
    for path, written_by in ((args.old, "`lawdsl deploy`"), (args.new, "`lawdsl authority enact --save`")):
        if not Path(path).is_file():
            raise UsageError(f"no deployment file {path}: give the file {written_by} wrote")
    old_record, new_record = DeploymentRecord.load(Path(args.old)), DeploymentRecord.load(Path(args.new))
    if (old_record.title, old_record.registry) != (new_record.title, new_record.registry) or (
        new_record.version <= old_record.version
    ):
        raise UsageError(
            f"{args.new} ({new_record.title!r} v{new_record.version}) is not a later version of {args.old} "
            f"({old_record.title!r} v{old_record.version}) in the same registry; give --to the file "
            "`lawdsl authority enact --save` wrote"
        )
    session = Session(args, new_record)
    signer = session.signer(AUTHORITY)
    new = session.contract("statute")
    old = session.chain.w3.eth.contract(address=to_checksum_address(old_record.statute), abi=new.abi)
    enacted = {e.statute for e in history(session.chain.w3, new_record.registry, new_record.title)}
    if to_checksum_address(new_record.statute) not in enacted:
        raise Refused(
            f"migrating: version {new_record.version} at {new_record.statute} is not enacted in the registry "
            "(its enactment may wait out the timelock's delay: `lawdsl authority pending`); migrate once it is"
        )
    effective = new.functions.effectiveFrom().call()
    if session.chain.w3.eth.get_block("latest")["timestamp"] < effective:
        raise Refused(
            f"migrating: version {new_record.version} is not in force yet ({session.effective_words(effective)}); "
            "run `lawdsl authority migrate` again once it is"
        )
    found = plan(old, new, args.from_block, session.name)
    print(
        f"{new_record.title}: version {old_record.version} at {old_record.statute} -> version "
        f"{new_record.version} at {new_record.statute}; {len(found.carries)} to register, "
        f"{found.already} carried already"
    )
    direct = new.functions.hasRole(new.functions.AUTHORITY_ROLE().call(), signer).call()
    refusals = 0
    for carry in found.carries:  # one refused (a wage below the new minimum) leaves the others carried
        what = f"registered the {carry.what} on version {new_record.version}"
        try:
            if direct:
                session.send(AUTHORITY, carry.call(new), what)
            else:
                session.as_authority(carry.call(new), what)
        except Refused as refusal:
            refusals += 1
            print(f"not carried: {refusal}")
    for device, firm in found.devices_to_accept:
        print(
            f"{session.name(firm)} accepts device {session.name(device)} on version {new_record.version}: "
            f"`lawdsl firm accept-device {device} --deployment {args.new}` with the firm's --key"
        )
    print("deposits are not moved by this command: each firm moves its own, as nobody else may")
    for firm in found.firms:
        held = old.functions.deposits(firm).call()
        if held:
            print(
                f"{session.name(firm)} holds {session.show_money(held)} in version {old_record.version}'s deposit: "
                f"the firm moves it itself (`lawdsl firm withdraw AMOUNT --deployment {args.old}`, then "
                f"`lawdsl firm deposit AMOUNT --deployment {args.new}`), keeping enough there for shifts still open "
                f"under version {old_record.version} (they are paid under it at clock-out)"
            )
    if refusals:
        raise Refused(
            f"version {new_record.version} refused {refusals} of {len(found.carries)} registrations (above); "
            "the rest are carried"
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
