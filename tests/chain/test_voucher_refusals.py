"""Every refusal a voucher program can send an operator is explained in words (`chain.voucher_refusals`).

The custom errors are read from the compiled `VoucherProgram` and its bases, so an error added to the
contract without an explanation fails here, not in front of a user as a bare error name.
"""

from __future__ import annotations

from types import SimpleNamespace

from chain.refusals import EXPLANATIONS
from compiler.artifacts import base_abis

#: Errors only a deployment can meet (its constructor), never an operator's command.
AT_DEPLOYMENT = {"FaceValueTooLarge", "SpendingOutlastsExpiry", "InvalidInstalments"}
#: OpenZeppelin's internal checks the program's own bounds keep from being reached.
UNREACHABLE = {
    "SafeCastOverflowedUintDowncast",
    "SafeERC20FailedOperation",
    "ReentrancyGuardReentrantCall",
    "AccessControlBadConfirmation",
}


class _Session(SimpleNamespace):
    def name(self, address: str) -> str:
        return f"name-of-{address}"

    def show_money(self, minor: int) -> str:
        return f"HKD {minor / 100:.2f}"

    def effective_words(self, at: int) -> str:
        return f"not yet in force until {at}"


def test_every_error_of_the_voucher_program_has_an_explanation() -> None:
    errors = {item["name"]: item for item in base_abis()["VoucherProgram"] if item.get("type") == "error"}
    assert "InstalmentNotYetDue" in errors
    missing = sorted(set(errors) - set(EXPLANATIONS) - AT_DEPLOYMENT - UNREACHABLE)
    assert missing == []


def test_an_early_instalment_is_explained_with_its_date() -> None:
    words = EXPLANATIONS["InstalmentNotYetDue"](_Session(), 5, 1_630_454_400)
    assert words == (
        "the holder's next instalment (voucher 5) may be spent only from 2021-09-01 00:00 UTC: "
        "no instalment pays before its date"
    )


def test_an_issuer_never_appointed_is_said_so() -> None:
    words = EXPLANATIONS["NotIssuer"](_Session(), "0x" + "00" * 20)
    assert words == "the program has no issuer yet: the authority appoints one (`lawdsl vouchers appoint-issuer`)"
