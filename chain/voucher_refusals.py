"""A voucher program's custom errors in words, for the operator commands (`chain.operator.explain`).

Each entry takes the command's session (for names and money) and the error's
arguments, and says in one sentence why the contract refused and, where there
is one, what to do instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any


def _utc(moment: int) -> str:
    return f"{dt.datetime.fromtimestamp(moment, dt.UTC):%Y-%m-%d %H:%M} UTC"


def _not_issuer(s: Any, issuer: str) -> str:
    if int(issuer, 16) == 0:
        return "the program has no issuer yet: the authority appoints one (`lawdsl vouchers appoint-issuer`)"
    return f"only the program's issuer, {s.name(issuer)}, may fund it or issue its vouchers; sign with its --key"


VOUCHER_EXPLANATIONS: dict[str, Callable[..., str]] = {
    "NotIssuer": _not_issuer,
    "ZeroAddressIssuer": lambda s: "the issuer cannot be the zero address",
    "DepositNotPositive": lambda s: "a deposit must be a positive amount",
    "IssuerWalletShort": lambda s, needed, balance: (
        f"the issuer's wallet holds {s.show_money(balance)}, less than the {s.show_money(needed)} to deposit"
    ),
    "TooManyRecipients": lambda s, count, most: (
        f"{count} recipients in one call, at most {most}: the command sends longer lists in pages"
    ),
    "NotRegisteredMerchant": lambda s, merchant: (
        f"{s.name(merchant)} is not a listed merchant, so it cannot be de-listed"
    ),
    "NotAuthorityOrGuardian": lambda s, who: (
        f"{s.name(who)} is neither the authority nor a guardian: only they may de-list a merchant "
        "(sign with the authority's --key)"
    ),
    "OutsideValidityPeriod": lambda s, opens, closes: (
        f"vouchers may be spent only from {_utc(opens)} until {_utc(closes)}"
        if closes < 2**255
        else f"vouchers may be spent only from {_utc(opens)}"
    ),
    "MerchantNotEligible": lambda s, merchant: (
        f"{s.name(merchant)} is not registered in an eligible category (or was de-listed): vouchers cannot pay it"
    ),
    "BelowMinimumPurchase": lambda s, purchase, minimum: (
        f"a purchase of {s.show_money(purchase)} is below the minimum of {s.show_money(minimum)} for vouchers"
    ),
    "NoVoucherWithValue": lambda s, holder: f"{s.name(holder)} holds no voucher with value left",
    "InstalmentNotYetDue": lambda s, serial, opens: (
        f"the holder's next instalment (voucher {serial}) may be spent only from {_utc(opens)}: "
        "no instalment pays before its date"
    ),
    "NoSuchInstalment": lambda s, index: f"the statute has no instalment {index}",
    "AboveMaximumShare": lambda s, value, purchase: (
        f"the voucher's {s.show_money(value)} is more than the share of a {s.show_money(purchase)} purchase it "
        "may cover, and it is spent whole"
    ),
    "NothingCovered": lambda s, purchase: f"the voucher would cover nothing of a {s.show_money(purchase)} purchase",
    "NotTransferable": lambda s: "vouchers are not transferable under this statute",
    "SelfTransfer": lambda s: "a voucher cannot be transferred to its own holder",
    "NoExpiryRule": lambda s: "the statute has no expiry rule, so unspent value is never reclaimed",
    "ValidityPeriodNotEnded": lambda s, at: f"unspent value can be reclaimed only from {_utc(at)}",
}
