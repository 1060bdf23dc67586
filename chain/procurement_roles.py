"""The procurement roles on the command line: `lawdsl authority register-buyer | register-inspector`,
`lawdsl buyer open | score | award`, `lawdsl supplier bid | reveal | deliver`, `lawdsl inspector
confirm | dispute`.

They follow `chain.roles`: each signs with `--key NAME`, reads the deployment `lawdsl deploy`
wrote, prints the transaction, its gas and the events it logged, and explains a refusal in one
sentence — the procurement interpreter's own words for each of the contract's custom errors
(`ProcurementDriver.REASONS`), so the command line, the scenarios and the audit say the same.

A sealed bid's price and salt are the supplier's secret until its reveal: `supplier bid` draws the
salt from the OS, seals `keccak256(abi.encode(price, salt, supplier))`, and writes the opening to the
file `--sealed` names (keep it private); `supplier reveal` reads it back and then approves the
performance security the price would owe if it wins, which the award takes.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from lawdsl.cli import UsageError

from .accounts import AUTHORITY
from .domains.procurement import ProcurementDriver
from .operator import Session, command_group
from .refusals import EXPLANATIONS
from .role_table import Role, add_roles, arg

#: Labels the commands act as (the contract knows each only by its address).
BUYER, SUPPLIER, INSPECTOR = "@buyer", "@supplier", "@inspector"


@dataclass(frozen=True)
class Opening:
    """What a sealed bid hides, kept by the supplier until its reveal."""

    statute: str
    tender: int
    supplier: str
    price: int  # minor units a unit
    salt: str  # 0x…, 32 bytes

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")
        path.chmod(0o600)

    @classmethod
    def load(cls, path: Path) -> Opening:
        try:
            return cls(**json.loads(path.read_text()))
        except FileNotFoundError:
            raise UsageError(f"no sealed bid file {path}: give the file `lawdsl supplier bid --sealed` wrote") from None
        except (OSError, ValueError, TypeError) as error:
            raise UsageError(f"{path} is not a sealed bid written by `lawdsl supplier bid`: {error}") from None


def explain_in_words() -> None:
    """Teach `Session.explain` the procurement contract's refusals, in the interpreter's words."""
    for error, reason in ProcurementDriver.REASONS.items():
        EXPLANATIONS.setdefault(error, lambda session, *arguments, reason=reason: reason)


def register(
    authority: argparse._SubParsersAction[argparse.ArgumentParser],
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """The authority's two procurement commands into its group; the buyer, supplier and inspector groups."""
    explain_in_words()
    tender = arg("tender", type=int, metavar="TENDER")
    add_roles(
        authority,
        [
            Role(
                "register-buyer",
                "let an agency open tenders under a procurement statute",
                "lawdsl authority register-buyer reserve --key authority",
                cmd_register_buyer,
                (arg("buyer", metavar="BUYER"),),
            ),
            Role(
                "register-inspector",
                "bind an inspector to the one buyer whose deliveries it confirms",
                "lawdsl authority register-inspector station1 --buyer reserve --key authority",
                cmd_register_inspector,
                (arg("inspector", metavar="INSPECTOR"), arg("--buyer", required=True, metavar="BUYER")),
            ),
        ],
    )
    add_roles(
        command_group(commands, "buyer", "a buyer: open tenders, score bids, award"),
        [
            Role(
                "open",
                "open a tender for QUANTITY units, escrowing quantity × the statute's ceiling",
                "lawdsl buyer open 1000 --key reserve",
                cmd_open,
                (arg("quantity", type=int, metavar="QUANTITY"),),
            ),
            Role(
                "score",
                "publish a revealed bid's quality score, 0 to 100 (best value award)",
                "lawdsl buyer score 0 s1 85 --key reserve",
                cmd_score,
                (tender, arg("supplier", metavar="SUPPLIER"), arg("quality", type=int, metavar="QUALITY")),
            ),
            Role(
                "award",
                "award a tender once its reveal (and evaluation) period is over; anyone may",
                "lawdsl buyer award 0 --key reserve",
                cmd_award,
                (tender,),
            ),
        ],
    )
    add_roles(
        command_group(commands, "supplier", "a supplier: bid, reveal, record deliveries"),
        [
            Role(
                "bid",
                "commit a sealed bid at PRICE a unit, with its deposit; the opening goes to --sealed",
                "lawdsl supplier bid 0 2.95 --sealed s1-bid.json --key s1",
                cmd_bid,
                (
                    tender,
                    arg("price", metavar="PRICE"),
                    arg("--sealed", required=True, metavar="FILE", help="where to keep the bid's opening (secret)"),
                ),
            ),
            Role(
                "reveal",
                "reveal the bid kept in --sealed, and approve the performance security it would owe",
                "lawdsl supplier reveal --sealed s1-bid.json --key s1",
                cmd_reveal,
                (arg("--sealed", required=True, metavar="FILE"),),
            ),
            Role(
                "deliver",
                "record a delivery of QUANTITY units: lateness counts from now",
                "lawdsl supplier deliver 0 400 --key s1",
                cmd_deliver,
                (tender, arg("quantity", type=int, metavar="QUANTITY")),
            ),
        ],
    )
    delivery = (tender, arg("delivery", type=int, metavar="DELIVERY"))
    add_roles(
        command_group(commands, "inspector", "a buyer's inspector: confirm or dispute recorded deliveries"),
        [
            Role(name, help_, f"lawdsl inspector {name} 0 1 --key station1", func, delivery)
            for name, help_, func in (
                ("confirm", "confirm a recorded delivery within the inspection window: it is paid", cmd_confirm),
                ("dispute", "dispute a recorded delivery within the inspection window: nothing is paid", cmd_dispute),
            )
        ],
    )


# ---------------------------------------------------------------- the authority


def cmd_register_buyer(args: argparse.Namespace) -> int:
    session = Session.signing(args, AUTHORITY)
    buyer = session.address(args.buyer)
    session.as_authority(
        session.contract("statute").functions.registerBuyer(buyer, 0), f"registered buyer {session.name(buyer)}"
    )
    return 0


def cmd_register_inspector(args: argparse.Namespace) -> int:
    session = Session.signing(args, AUTHORITY)
    inspector, buyer = session.address(args.inspector), session.address(args.buyer)
    session.as_authority(
        session.contract("statute").functions.registerInspector(inspector, buyer, 0),
        f"registered inspector {session.name(inspector)} for {session.name(buyer)}",
    )
    return 0


# ---------------------------------------------------------------- the buyer


def cmd_open(args: argparse.Namespace) -> int:
    session = Session.signing(args, BUYER)
    statute = session.contract("statute")
    escrow = max(args.quantity, 0) * statute.functions.ceilingPerUnit().call()
    _approve(session, BUYER, escrow, "the escrow")
    session.send(
        BUYER,
        statute.functions.openTender(max(args.quantity, 0), 0),
        f"opened a tender for {args.quantity} units, escrowing {session.show_money(escrow)}",
    )
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    if not 0 <= args.quality <= 255:
        raise UsageError(f"a quality score is a whole number from 0 to 100, not {args.quality}")
    session = Session.signing(args, BUYER)
    supplier = session.address(args.supplier)
    session.send(
        BUYER,
        session.contract("statute").functions.scoreBid(args.tender, supplier, args.quality, 0),
        f"scored the bid of {session.name(supplier)} in tender {args.tender}: {args.quality} out of 100",
    )
    return 0


def cmd_award(args: argparse.Namespace) -> int:
    session = Session.signing(args, BUYER)
    statute = session.contract("statute").functions
    session.send(BUYER, statute.award(args.tender, 0), f"awarded tender {args.tender}")
    while statute.unsettledBids(args.tender).call():
        session.send(BUYER, statute.settleBids(args.tender, 0), f"settled the next losing deposits of {args.tender}")
    return 0


# ---------------------------------------------------------------- the supplier


def cmd_bid(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    supplier = session.signer(SUPPLIER)
    statute = session.contract("statute")
    fn = statute.functions
    price = session.money(args.price)
    if price.minor <= 0:
        raise UsageError(f"a bid's price must be positive, not {price}")
    quantity = fn.tenders(args.tender).call()[1] if args.tender < fn.tenderCount().call() else 0
    deposit = fn.requiredDeposit(price.minor, quantity).call()
    salt = os.urandom(32)
    sealed = Path(args.sealed)
    Opening(statute.address, args.tender, supplier, price.minor, "0x" + salt.hex()).save(sealed)
    _approve(session, SUPPLIER, deposit, "the bid's deposit")
    commitment = fn.commitmentOf(price.minor, salt, supplier).call()
    session.send(
        SUPPLIER,
        fn.commitBid(args.tender, commitment, deposit, 0),
        f"sealed a bid in tender {args.tender} with a deposit of {session.show_money(deposit)}; "
        f"its opening is in {sealed} (keep it secret until the reveal)",
    )
    return 0


def cmd_reveal(args: argparse.Namespace) -> int:
    opening = Opening.load(Path(args.sealed))
    session = Session.of_deployment(args)
    supplier = session.signer(SUPPLIER)
    statute = session.contract("statute")
    if opening.statute != statute.address or opening.supplier != supplier:
        raise UsageError(
            f"{args.sealed} is the bid of {session.name(opening.supplier)} under {opening.statute}, not of "
            f"--key {args.key} under this deployment's statute"
        )
    fn = statute.functions
    session.send(
        SUPPLIER,
        fn.revealBid(opening.tender, opening.price, bytes.fromhex(opening.salt[2:]), 0),
        f"revealed the bid in tender {opening.tender}: {session.show_money(opening.price)} a unit",
    )
    security = fn.requiredSecurity(opening.price, fn.tenders(opening.tender).call()[1]).call()
    _approve(session, SUPPLIER, security, "the performance security the award takes if the bid wins")
    return 0


def cmd_deliver(args: argparse.Namespace) -> int:
    session = Session.signing(args, SUPPLIER)
    session.send(
        SUPPLIER,
        session.contract("statute").functions.recordDelivery(args.tender, max(args.quantity, 0), 0),
        f"recorded a delivery of {args.quantity} units in tender {args.tender}",
    )
    return 0


# ---------------------------------------------------------------- the inspector


def cmd_confirm(args: argparse.Namespace) -> int:
    return _judge(args, "confirmDelivery", "confirmed")


def cmd_dispute(args: argparse.Namespace) -> int:
    return _judge(args, "disputeDelivery", "disputed")


def _judge(args: argparse.Namespace, function: str, verb: str) -> int:
    session = Session.signing(args, INSPECTOR)
    call = getattr(session.contract("statute").functions, function)(args.tender, args.delivery, 0)
    session.send(INSPECTOR, call, f"{verb} delivery {args.delivery} of tender {args.tender}")
    return 0


def _approve(session: Session, label: str, amount: int, what: str) -> None:
    """Let the statute pull `amount` more from `label`'s wallet, for `what`."""
    if amount <= 0:
        return
    currency = session.contract("currency").functions
    statute = session.contract("statute").address
    approved = currency.allowance(session.chain.address(label), statute).call()
    session.send(
        label, currency.approve(statute, approved + amount), f"approved {session.show_money(amount)} for {what}"
    )
