"""A worker's commands on a live chain: `lawdsl worker consent | quit | balance | payments`.

Apart from the authority's and the firm's (`chain.roles`) because a worker's are of another kind:
the consent is signed off chain (EIP-712, no transaction) and handed to the firm, and two of the
four only read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from lawdsl.cli import UsageError

from .operator import Consent, Session, command_group
from .role_table import Role, add_roles, arg
from .signing import Domain, sign_employment


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    account = arg("account", metavar="ACCOUNT")
    add_roles(
        command_group(commands, "worker", "a worker: consent to an employment, quit, balance and payments"),
        [
            Role(
                "consent",
                "sign your consent to be employed by a firm at a wage (no transaction: give the file to the firm)",
                "lawdsl worker consent acme --wage 40.00 --key alice --out alice-consent.json",
                cmd_consent,
                (
                    arg("firm", metavar="FIRM"),
                    arg("--wage", required=True, metavar="AMOUNT", help="hourly wage, e.g. 40.00 or 'CNY 40.00'"),
                    arg("--out", required=True, metavar="FILE", help="where to write the signed consent"),
                    arg(
                        "--valid-days",
                        type=float,
                        default=7,
                        metavar="DAYS",
                        help="how long the firm may use it (default: 7 days)",
                    ),
                ),
            ),
            Role("quit", "end your own employment", "lawdsl worker quit --key alice", cmd_quit),
            Role(
                "balance",
                "an account's wallet in the statute's currency",
                "lawdsl worker balance alice",
                cmd_balance,
                (account,),
                signs=False,
            ),
            Role(
                "payments",
                "the wages paid to a worker under the statute, with their articles",
                "lawdsl worker payments alice",
                cmd_payments,
                (
                    account,
                    arg(
                        "--wait",
                        type=float,
                        default=0,
                        metavar="SECONDS",
                        help="wait up to SECONDS for at least --at-least payments (exit 1 if none come)",
                    ),
                    arg("--at-least", type=int, default=1, metavar="N", help="with --wait: how many (default 1)"),
                ),
                signs=False,
            ),
        ],
    )


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
