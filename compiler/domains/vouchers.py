"""A `governs vouchers` statute → a contract inheriting `contracts/VoucherProgram.sol`.

The base contract holds the program's logic, checked against the reference
interpreter; the generated contract carries what one statute decides — the
face value, the attribute, the eligible categories, the share, the dates —
as named constants under the article that decides them, with the official
wording and each rule's sentence in NatSpec, so that a citizen reading the
deployed source finds the statute in it.

The layout itself is `compiler.solidity.StatuteContract`, shared with the
procurement generator.
"""

from __future__ import annotations

import datetime as dt

from lawdsl.ast import (
    Categories,
    DateRange,
    ExpiryRule,
    InstalmentRule,
    IssueRule,
    MinimumRule,
    Percentage,
    Rule,
    ShareRule,
    SplitRule,
    Statute,
    TransferRule,
    WhenRule,
    WhereRule,
)
from lawdsl.instalments import schedule
from lawdsl.money import Money

from ..naming import article_constant, string_literal
from ..solidity import Constant, GeneratedContract, StatuteContract, midnight


def generate(statute: Statute) -> GeneratedContract:
    """The statute's voucher program; issue and where rules are required, so a checked statute has them."""
    contract = StatuteContract(statute, "VoucherProgram", "Governs a voucher program", parties=("address issuer",))
    for article in statute.articles:
        contract.article(article, lambda rule: _constants(statute, rule))
    contract.functions.append(_eligibility(statute))
    if statute.rule(InstalmentRule):
        contract.functions.append(_instalments(statute))
    return contract.render(_rules(statute))


# ---------------------------------------------------------------- the statute's constants


def _constants(statute: Statute, rule: Rule) -> list[Constant]:
    """The constants one rule sentence decides; as in the interpreter, the first rule of a kind governs."""
    if next(statute.rules(type(rule)))[1] is not rule:
        return []
    tz = statute.header.time_zone
    if isinstance(rule, IssueRule):
        face = statute.value_as(rule.face_value, Money)
        found = [Constant("uint256", "FACE_VALUE", str(face.minor), f"{face}, in minor units.")]
        if rule.attribute is not None:
            found.append(
                Constant(
                    "bytes32",
                    "REQUIRED_ATTRIBUTE",
                    f"keccak256({string_literal(rule.attribute)})",
                    f'The attested attribute "{rule.attribute}".',
                    "immutable",
                )
            )
        return found
    if isinstance(rule, InstalmentRule):
        found = []
        for i, part in enumerate(schedule(statute), start=1):
            assert part.on is not None  # every part of an instalments sentence has its date
            found += [
                Constant("uint256", f"INSTALMENT_{i}", str(part.amount.minor), f"Instalment {i}: {part.amount}."),
                Constant(
                    "uint256",
                    f"INSTALMENT_{i}_FROM",
                    str(midnight(part.on, tz)),
                    f"Instalment {i} may be spent from {part.on.isoformat()} 00:00 {tz}.",
                ),
            ]
        return found
    if isinstance(rule, WhereRule):
        categories = statute.value_as(rule.categories, Categories)
        return [
            Constant("bytes32", _category(i), f"keccak256({string_literal(name)})", f'Category "{name}".', "immutable")
            for i, name in enumerate(categories.names)
        ]
    if isinstance(rule, WhenRule):
        dates = statute.value_as(rule.during, DateRange)
        return [
            Constant(
                "uint256",
                "SPENDING_OPENS",
                str(midnight(dates.first, tz)),
                f"{dates.first.isoformat()} 00:00 {tz}, inclusive.",
            ),
            Constant(
                "uint256",
                "SPENDING_CLOSES",
                str(midnight(day_after(dates), tz)),
                f"{day_after(dates).isoformat()} 00:00 {tz}, exclusive: the range includes its last day.",
            ),
        ]
    if isinstance(rule, MinimumRule):
        amount = statute.value_as(rule.amount, Money)
        return [Constant("uint256", "MINIMUM_PURCHASE", str(amount.minor), f"{amount}, in minor units.")]
    if isinstance(rule, ShareRule):
        share = statute.value_as(rule.share, Percentage)
        return [
            Constant(
                "uint256",
                "MAXIMUM_SHARE_MILLIONTHS",
                f"{share.millionths:_}",
                f"{share} of a purchase, exactly: millionths of the whole.",
            )
        ]
    if isinstance(rule, SplitRule):
        return [Constant("bool", "SPLITTABLE", "true", "A voucher's value may pay several purchases.")]
    if isinstance(rule, TransferRule):
        return [
            Constant(
                "bool",
                "TRANSFERABLE",
                "true" if rule.transferable else "false",
                "Vouchers may change holder." if rule.transferable else "Vouchers stay with their holder.",
            )
        ]
    if isinstance(rule, ExpiryRule):
        dates = statute.value_as(rule.after, DateRange)
        return [
            Constant(
                "uint256",
                "RECLAIM_FROM",
                str(midnight(day_after(dates), tz)),
                f"{day_after(dates).isoformat()} 00:00 {tz}: unspent value returns from then on.",
            )
        ]
    raise TypeError(f"{type(rule).__name__} is not a vouchers rule")


def _rules(statute: Statute) -> dict[str, str]:
    """`VoucherProgram.Rules` from the constants, with docs/language.md's defaults for sentences left out."""
    issue_article, issue = next(statute.rules(IssueRule))
    where_article, _ = next(statute.rules(WhereRule))
    when, expiry = statute.rule(WhenRule), statute.rule(ExpiryRule)
    transfer = statute.rule(TransferRule)
    # Spending closes at the end of the `when` range and, if that is earlier, of the expiry range.
    ends = [name for name, found in (("SPENDING_CLOSES", when), ("RECLAIM_FROM", expiry)) if found]
    if len(ends) == 2:
        closes = f"{ends[0]} < {ends[1]} ? {ends[0]} : {ends[1]}"
    else:
        closes = ends[0] if ends else "type(uint256).max"
    return {
        "effectiveFrom": "EFFECTIVE_FROM",
        "faceValue": "FACE_VALUE",
        "instalmentCount": str(len(schedule(statute))),
        "requiredAttribute": "REQUIRED_ATTRIBUTE" if issue.attribute is not None else "bytes32(0)",
        "minimumPurchase": "MINIMUM_PURCHASE" if statute.rule(MinimumRule) else "0",
        "maximumShareMillionths": "MAXIMUM_SHARE_MILLIONTHS" if statute.rule(ShareRule) else "MILLIONTHS",
        "splittable": "SPLITTABLE" if statute.rule(SplitRule) else "false",
        "transferable": "TRANSFERABLE" if transfer else "false",
        "spendingOpens": "SPENDING_OPENS" if when else "0",
        "spendingCloses": closes,
        "hasExpiry": "true" if expiry else "false",
        "reclaimFrom": "RECLAIM_FROM" if expiry else "0",
        "issueArticle": article_constant(issue_article.id),
        "whereArticle": article_constant(where_article.id),
        "expiryArticle": article_constant(expiry[0].id) if expiry else "bytes32(0)",
    }


def _eligibility(statute: Statute) -> list[str]:
    article, rule = next(statute.rules(WhereRule))
    count = len(statute.value_as(rule.categories, Categories).names)
    checks = " || ".join(f"category == {_category(i)}" for i in range(count))
    return [
        f"/// @notice Article {article.id}: only merchants registered in an eligible category redeem vouchers.",
        "function isEligibleCategory(bytes32 category) public view override returns (bool) {",
        f"    return {checks};",
        "}",
    ]


def _instalments(statute: Statute) -> list[str]:
    article, _ = next(statute.rules(InstalmentRule))
    lines = [
        f"/// @notice Article {article.id}: each recipient's face value comes in these instalments, each",
        "/// spendable from its date.",
        "function instalment(uint256 index) public pure override returns (uint256 amount, uint256 opens) {",
    ]
    for i in range(1, len(schedule(statute)) + 1):
        lines.append(f"    if (index == {i - 1}) return (INSTALMENT_{i}, INSTALMENT_{i}_FROM);")
    return [*lines, "    revert NoSuchInstalment(index);", "}"]


def _category(index: int) -> str:
    """Categories are free text in any script, so constants are numbered; NatSpec carries the text."""
    return f"ELIGIBLE_CATEGORY_{index + 1}"


def day_after(dates: DateRange) -> dt.date:
    """A range is inclusive as written, so its window ends the day after its last date, 00:00."""
    return dates.last + dt.timedelta(days=1)
