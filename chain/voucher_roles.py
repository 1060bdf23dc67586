"""The voucher program's roles on the command line: `lawdsl vouchers …`.

The authority (through its timelock, as `lawdsl authority` does) appoints the
issuer, registers and de-lists merchants and accepts attesting agencies; an
attesting agency attests citizens; the issuer funds the program and issues
vouchers — one per instalment when the statute has an instalments sentence —;
a holder spends at a merchant; anyone sees a holder's vouchers, what
vouchers paid a merchant and the program's funds. Each command prints the transaction, its gas and its events
and explains a refusal in one sentence (`chain.voucher_refusals`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from eth_utils.crypto import keccak
from web3.contract import Contract
from web3.exceptions import MismatchedABI

from .accounts import AUTHORITY
from .client import Receipt
from .operator import Refused, Session, command_group
from .refusals import EXPLANATIONS
from .role_table import Role, add_roles, arg

ISSUER, HOLDER, ATTESTER = "@issuer", "@holder", "@attester"
#: `VoucherProgram.IssueRefusal`, in enum order, as a recipient's refusal reads.
ISSUE_REFUSALS = (
    "does not hold the required attested attribute",
    "was already issued its vouchers",
    "cannot be funded: the program's unreserved money is less than the face value",
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = command_group(commands, "vouchers", "a voucher program: the authority, the issuer, holders and merchants")
    merchant, agency = arg("merchant", metavar="MERCHANT"), arg("attester", metavar="AGENCY")
    add_roles(
        group,
        [
            Role(
                "appoint-issuer",
                "the authority names the agency that funds the program and issues its vouchers",
                "lawdsl vouchers appoint-issuer secretariat --key authority",
                cmd_appoint_issuer,
                (arg("issuer", metavar="AGENCY"),),
            ),
            Role(
                "register-merchant",
                "the authority registers a merchant in a category (vouchers pay it if the category is eligible)",
                "lawdsl vouchers register-merchant shop retail --key authority",
                cmd_register_merchant,
                (merchant, arg("category", metavar="CATEGORY", help="as the statute writes it, e.g. retail")),
            ),
            Role(
                "delist-merchant",
                "the authority de-lists a merchant at once: vouchers no longer pay it",
                "lawdsl vouchers delist-merchant shop --key authority",
                cmd_delist_merchant,
                (merchant,),
            ),
            Role(
                "authorize-attester",
                "the authority accepts an agency's attestations of citizens' attributes",
                "lawdsl vouchers authorize-attester immigration --key authority",
                cmd_authorize_attester,
                (agency,),
            ),
            Role(
                "attest",
                "an attesting agency records that a citizen holds the statute's attribute",
                'lawdsl vouchers attest alice "eligible for the scheme" --key immigration',
                cmd_attest,
                (
                    arg("citizen", metavar="CITIZEN"),
                    arg("attribute", metavar="ATTRIBUTE", help="exactly as the statute writes it"),
                ),
            ),
            Role(
                "deposit",
                "the issuer moves money from its wallet into the program",
                "lawdsl vouchers deposit 50000.00 --key secretariat",
                cmd_deposit,
                (arg("amount", metavar="AMOUNT"),),
            ),
            Role(
                "issue",
                "the issuer issues each citizen the face value: one voucher, or one per instalment, each "
                "spendable from its date",
                "lawdsl vouchers issue alice bob --key secretariat",
                cmd_issue,
                (arg("citizens", nargs="+", metavar="CITIZEN"),),
            ),
            Role(
                "spend",
                "a holder pays part of a purchase at a merchant with its earliest voucher",
                "lawdsl vouchers spend shop 250.00 --key alice",
                cmd_spend,
                (merchant, arg("purchase", metavar="AMOUNT", help="the whole purchase; the voucher pays its share")),
            ),
            Role(
                "balance",
                "an account's wallet and the vouchers it holds, with what each has left and from when it may be spent",
                "lawdsl vouchers balance alice",
                cmd_balance,
                (arg("account", metavar="ACCOUNT"),),
                signs=False,
            ),
            Role(
                "payments",
                "what vouchers paid a merchant: each spend, with its voucher and article",
                "lawdsl vouchers payments shop",
                cmd_payments,
                (merchant,),
                signs=False,
            ),
            Role(
                "program",
                "the program's issuer and funds: reserved for vouchers and not",
                "lawdsl vouchers program",
                cmd_program,
                signs=False,
            ),
        ],
    )


# ---------------------------------------------------------------- the authority


def cmd_appoint_issuer(args: argparse.Namespace) -> int:
    session = Session.signing(args, AUTHORITY)
    issuer = session.address(args.issuer)
    program = _program(session)
    session.as_authority(program.functions.appointIssuer(issuer, 0), f"appointed {session.name(issuer)} the issuer")
    return 0


def cmd_register_merchant(args: argparse.Namespace) -> int:
    session = Session.signing(args, AUTHORITY)
    merchant = session.address(args.merchant)
    program = _program(session)
    category = keccak(text=args.category)
    session.as_authority(
        program.functions.registerMerchant(merchant, category, 0),
        f"registered {session.name(merchant)} in {args.category!r}",
    )
    if not program.functions.isEligibleCategory(category).call():
        print(f"  {args.category!r} is not an eligible category of this statute: vouchers do not pay this merchant")
    return 0


def cmd_delist_merchant(args: argparse.Namespace) -> int:
    session = Session.signing(args, AUTHORITY)
    merchant = session.address(args.merchant)
    program = _program(session)
    if not program.functions.eligibleMerchant(merchant).call():  # said before the timelock is asked
        raise Refused(
            f"de-listing {session.name(merchant)}: {EXPLANATIONS['NotRegisteredMerchant'](session, merchant)}"
        )
    session.as_authority(program.functions.delistMerchant(merchant, 0), f"de-listed {session.name(merchant)}")
    return 0


def cmd_authorize_attester(args: argparse.Namespace) -> int:
    session = Session.signing(args, AUTHORITY)
    attester = session.address(args.attester)
    session.as_authority(
        _program(session).functions.authorizeAttester(attester), f"accepted {session.name(attester)}'s attestations"
    )
    return 0


def cmd_attest(args: argparse.Namespace) -> int:
    session = Session.signing(args, ATTESTER)
    citizen = session.address(args.citizen)
    session.send(
        ATTESTER,
        _program(session).functions.attest(citizen, keccak(text=args.attribute), 0),
        f"attested that {session.name(citizen)} holds {args.attribute!r}",
    )
    return 0


# ---------------------------------------------------------------- the issuer


def cmd_deposit(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    issuer = session.signer(ISSUER)
    amount = session.money(args.amount)
    program, currency = _program(session), session.contract("currency")
    wallet = currency.functions.balanceOf(issuer).call()
    if amount.minor > wallet:  # said before any gas is spent on the approval
        raise Refused(f"deposit: {EXPLANATIONS['IssuerWalletShort'](session, amount.minor, wallet)}")
    session.send(ISSUER, currency.functions.approve(program.address, amount.minor), f"allowed the program {amount}")
    session.send(ISSUER, program.functions.deposit(amount.minor, 0), f"deposited {amount} into the program")
    return 0


def cmd_issue(args: argparse.Namespace) -> int:
    """In pages of the contract's bound; each refused citizen is named with its reason (the others are issued)."""
    session = Session.signing(args, ISSUER)
    program = _program(session)
    citizens = [session.address(who) for who in args.citizens]
    page = program.functions.MAX_ISSUE_BATCH().call() // program.functions.instalmentCount().call()
    refused = 0
    for start in range(0, len(citizens), page):
        chunk = citizens[start : start + page]
        receipt = session.send(ISSUER, program.functions.issue(chunk, 0), f"issued vouchers to {len(chunk)} citizen(s)")
        for refusal in _logs(program, "IssueRefused", receipt):
            refused += 1
            print(f"  refused {session.name(refusal['recipient'])}: it {ISSUE_REFUSALS[refusal['reason']]}")
    if refused:
        print(f"{refused} of {len(citizens)} citizen(s) refused")
    return 1 if refused == len(citizens) else 0


# ---------------------------------------------------------------- holders and anyone


def cmd_spend(args: argparse.Namespace) -> int:
    session = Session.signing(args, HOLDER)
    merchant, purchase = session.address(args.merchant), session.money(args.purchase)
    program = _program(session)
    receipt = session.send(
        HOLDER,
        program.functions.spend(merchant, purchase.minor, 0),
        f"spent vouchers on a {purchase} purchase at {session.name(merchant)}",
    )
    (spent,) = _logs(program, "VoucherSpent", receipt)
    print(
        f"voucher {spent['serial']} paid {session.show_money(spent['discount'])} of {purchase} to "
        f"{session.name(merchant)} under article {spent['article'].rstrip(bytes(1)).decode()}"
    )
    return 0


def cmd_balance(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    who = session.address(args.account)
    program = _program(session)
    now = session.chain.w3.eth.get_block("latest")["timestamp"]
    wallet = session.contract("currency").functions.balanceOf(who).call()
    print(f"{session.name(who)}: wallet {session.show_money(wallet)}")
    count = program.functions.instalmentCount().call()
    total = spendable = 0
    for serial in program.functions.vouchersHeldBy(who).call():
        left = program.functions.remainingValue(serial).call()
        amount, opens = program.functions.instalment(serial % count).call()
        total += left
        if opens <= now:
            spendable += left
            when = "spendable now" if opens else "spendable while spending is open"
        else:
            when = f"spendable from {dt.datetime.fromtimestamp(opens, dt.UTC):%Y-%m-%d %H:%M} UTC"
        print(f"  voucher {serial}: {session.show_money(left)} left of {session.show_money(amount)}, {when}")
    print(f"vouchers: {session.show_money(total)} left, {session.show_money(spendable)} of it due by now")
    return 0


def cmd_payments(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    merchant = session.address(args.merchant)
    program = _program(session)
    logs = program.events.VoucherSpent().get_logs(from_block=0, argument_filters={"merchant": merchant})
    print(f"voucher payments to {session.name(merchant)}")
    for log in sorted(logs, key=lambda log: (log["blockNumber"], log["logIndex"])):
        spent = log["args"]
        print(
            f"  block {log['blockNumber']}  {session.show_money(spent['discount'])} of a "
            f"{session.show_money(spent['purchase'])} purchase  voucher {spent['serial']}  article "
            f"{spent['article'].rstrip(bytes(1)).decode()}  tx {log['transactionHash'].to_0x_hex()}"
        )
    print(f"total {session.show_money(sum(log['args']['discount'] for log in logs))}")
    return 0


def cmd_program(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    fn = _program(session).functions
    issuer = fn.issuer().call()
    print(f"{session.record.title} v{session.record.version}")  # type: ignore[union-attr]
    print(f"  issuer      {'none appointed' if int(issuer, 16) == 0 else session.name(issuer)}")
    print(f"  reserved    {session.show_money(fn.reserved().call())} (held by issued vouchers)")
    print(f"  unreserved  {session.show_money(fn.unreserved().call())}")
    print(f"  vouchers    {fn.voucherCount().call()} issued, {fn.instalmentCount().call()} per citizen")
    return 0


# ---------------------------------------------------------------- shared


def _program(session: Session) -> Contract:
    """The deployment's statute, which must be a voucher program."""
    statute = session.statute_ast
    assert statute is not None and session.record is not None
    if statute.header.domain.value != "vouchers":
        raise Refused(
            f"{session.record.title!r} governs {statute.header.domain.value}, not vouchers; "
            "give the --deployment of a voucher statute"
        )
    return session.contract("statute")


def _logs(contract: Contract, event: str, receipt: Receipt) -> list[Any]:
    """The arguments of each `event` the contract logged in the transaction."""
    decoder = getattr(contract.events, event)()
    found = []
    for log in receipt.logs:
        if log["address"] != contract.address:
            continue
        try:
            found.append(decoder.process_log(log)["args"])
        except MismatchedABI:  # another of the contract's events
            continue
    return found
