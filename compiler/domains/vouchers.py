"""A `governs vouchers` statute → a contract inheriting `contracts/VoucherProgram.sol`.

The base contract holds the program's logic, checked against the reference
interpreter; the generated contract carries what one statute decides — the
face value, the attribute, the eligible categories, the share, the dates —
as named constants under the article that decides them, with the official
wording and each rule's sentence in NatSpec, so that a citizen reading the
deployed source finds the statute in it.

`StatuteContract` (below) renders that layout for any domain whose base
contract takes its constants as one `Rules` struct; the procurement
generator uses it too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from lawdsl.ast import (Article, Categories, DateRange, ExpiryRule, IssueRule, MinimumRule, Percentage, Rule,
                        ShareRule, SplitRule, Statute, TimeZone, TransferRule, WhenRule, WhereRule)
from lawdsl.formatter import rule_atoms
from lawdsl.money import Money

from ..generate import GeneratedContract
from ..naming import article_constant, contract_name, natspec, string_literal


def generate(statute: Statute) -> GeneratedContract:
    """The statute's voucher program; issue and where rules are required, so a checked statute has them."""
    contract = StatuteContract(statute, "VoucherProgram", "Governs a voucher program")
    for article in statute.articles:
        contract.article(article, lambda rule: _constants(statute, rule))
    contract.functions.append(_eligibility(statute))
    return contract.render(_rules(statute))


# ---------------------------------------------------------------- the statute's constants


def _constants(statute: Statute, rule: Rule) -> list[Constant]:
    """The constants one rule sentence decides; as in the interpreter, the first rule of a kind governs."""
    if statute.rule(type(rule))[1] is not rule:
        return []
    tz = statute.header.time_zone
    if isinstance(rule, IssueRule):
        face: Money = statute.value(rule.face_value)
        found = [Constant("uint256", "FACE_VALUE", str(face.minor), f"{face}, in minor units.")]
        if rule.attribute is not None:
            found.append(Constant("bytes32", "REQUIRED_ATTRIBUTE", f"keccak256({string_literal(rule.attribute)})",
                                  f'The attested attribute "{rule.attribute}".'))
        return found
    if isinstance(rule, WhereRule):
        categories: Categories = statute.value(rule.categories)
        return [Constant("bytes32", _category(i), f"keccak256({string_literal(name)})", f'Category "{name}".')
                for i, name in enumerate(categories.names)]
    if isinstance(rule, WhenRule):
        dates: DateRange = statute.value(rule.during)
        return [Constant("uint256", "SPENDING_OPENS", str(midnight(dates.first, tz)),
                         f"{dates.first.isoformat()} 00:00 {tz}, inclusive."),
                Constant("uint256", "SPENDING_CLOSES", str(midnight(day_after(dates), tz)),
                         f"{day_after(dates).isoformat()} 00:00 {tz}, exclusive: the range includes its last day.")]
    if isinstance(rule, MinimumRule):
        amount: Money = statute.value(rule.amount)
        return [Constant("uint256", "MINIMUM_PURCHASE", str(amount.minor), f"{amount}, in minor units.")]
    if isinstance(rule, ShareRule):
        share: Percentage = statute.value(rule.share)
        return [Constant("uint256", "MAXIMUM_SHARE_MILLIONTHS", f"{share.millionths:_}",
                         f"{share} of a purchase, exactly: millionths of the whole.")]
    if isinstance(rule, SplitRule):
        return [Constant("bool", "SPLITTABLE", "true", "A voucher's value may pay several purchases.")]
    if isinstance(rule, TransferRule):
        return [Constant("bool", "TRANSFERABLE", "true" if rule.transferable else "false",
                         "Vouchers may change holder." if rule.transferable else "Vouchers stay with their holder.")]
    if isinstance(rule, ExpiryRule):
        dates = statute.value(rule.after)
        return [Constant("uint256", "RECLAIM_FROM", str(midnight(day_after(dates), tz)),
                         f"{day_after(dates).isoformat()} 00:00 {tz}: unspent value returns from then on.")]
    raise TypeError(f"{type(rule).__name__} is not a vouchers rule")


def _rules(statute: Statute) -> dict[str, str]:
    """`VoucherProgram.Rules` from the constants, with SPEC's defaults for the sentences left out."""
    issue_article, issue = statute.rule(IssueRule)
    where_article, _ = statute.rule(WhereRule)
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
    article, rule = statute.rule(WhereRule)
    count = len(statute.value(rule.categories).names)
    checks = " || ".join(f"category == {_category(i)}" for i in range(count))
    return [
        f"/// @notice Article {article.id}: only merchants registered in an eligible category redeem vouchers.",
        "function isEligibleCategory(bytes32 category) public pure override returns (bool) {",
        f"    return {checks};",
        "}",
    ]


def _category(index: int) -> str:
    """Categories are free text in any script, so constants are numbered; NatSpec carries the text."""
    return f"ELIGIBLE_CATEGORY_{index + 1}"


# ---------------------------------------------------------------- rendering shared by the Rules-struct domains


def midnight(day: dt.date, tz: TimeZone) -> int:
    """Unix time of 00:00 on `day` in the statute's time zone."""
    return int(dt.datetime.combine(day, dt.time(), tz.tzinfo).timestamp())


def day_after(dates: DateRange) -> dt.date:
    """A range is inclusive as written, so its window ends the day after its last date, 00:00."""
    return dates.last + dt.timedelta(days=1)


@dataclass(frozen=True)
class Constant:
    type: str
    name: str
    value: str  # a Solidity expression
    note: str  # what the value means, for NatSpec

    def render(self) -> list[str]:
        return [*natspec(self.note, "    ", "@dev"), f"    {self.type} public constant {self.name} = {self.value};"]


@dataclass
class StatuteContract:
    """One statute's contract: articles with their constants, then the constructor passing `Rules`.

    The layout follows the statute: each article's id constant carries its
    title and official wording, and the constants its sentences decide
    follow it, each rule's canonical sentence above them.
    """

    statute: Statute
    base: str  # the hand-written base contract in `contracts/`, taking (currency, authority, Rules)
    governs: str  # the contract's one-line purpose, e.g. "Governs a voucher program"
    body: list[str] = field(default_factory=list)
    functions: list[list[str]] = field(default_factory=list)

    def article(self, article: Article, constants: Callable[[Rule], list[Constant]]) -> None:
        """The article's id constant, then each sentence followed by the constants it decides."""
        self.body += ["", *natspec(f'Article {article.id} "{article.title}"', "    ", "@notice")]
        if article.wording:
            self.body += natspec(article.wording, "    ", "@custom:wording")
        self.body.append(f'    bytes32 public constant {article_constant(article.id)} = "{article.id}";')
        for rule in article.rules:
            self.body.append(f"    // Article {article.id}: {' '.join(rule_atoms(rule))}.")
            for constant in constants(rule):
                self.body += constant.render()

    def render(self, rules: dict[str, str]) -> GeneratedContract:
        header = self.statute.header
        name = contract_name(self.statute)
        jurisdiction = f" in {header.jurisdiction}" if header.jurisdiction else ""
        lines = [
            "// SPDX-License-Identifier: UNLICENSED",
            f"// Generated by lawdsl from {Path(self.statute.source_name).name}."
            " Do not edit: amend the statute and recompile.",
            "pragma solidity 0.8.30;",
            "",
            'import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";',
            f'import {{{self.base}}} from "../{self.base}.sol";',
            "",
            *natspec(f"{header.title}, version {header.version}", "", "@title"),
            *natspec(f"{self.governs}{jurisdiction} from {header.effective.isoformat()};"
                     f" amounts are in {header.currency} minor units.", "", "@notice"),
        ]
        if self.statute.preamble:
            lines += natspec(self.statute.preamble, "", "@custom:preamble")
        lines += [
            f"contract {name} is {self.base} {{",
            f"    string public constant TITLE = {string_literal(header.title)};",
            f"    uint256 public constant VERSION = {header.version};",
            *natspec(f"{header.effective.isoformat()} 00:00 {header.time_zone}: the statute takes effect.",
                     "    ", "@dev"),
            f"    uint256 public constant EFFECTIVE_FROM = {midnight(header.effective, header.time_zone)};",
            *self.body,
            "",
            "    constructor(IERC20 currency, address authority)",
            f"        {self.base}(currency, authority, Rules({{",
            *[f"            {key}: {value}{',' if i + 1 < len(rules) else ''}"
              for i, (key, value) in enumerate(rules.items())],
            "        }))",
            "    {}",
        ]
        for function in self.functions:
            lines += ["", *(f"    {line}" for line in function)]
        return GeneratedContract(name, "\n".join([*lines, "}", ""]))
