"""Static checks on a parsed statute: names, types, parties and required sentences.

All problems are collected, not just the first, so a legislator sees every
mistake in one run. A statute that passes `check` is safe to interpret and
to compile: every reference resolves and has the type its rule needs.
"""
from __future__ import annotations

from dataclasses import fields
from typing import Iterator

from . import ast as A
from .diagnostics import Diagnostic, suggestion
from .money import Money

D = A.Domain

#: Which rule kinds a domain allows, and how the spec names each.
RULE_NAMES: dict[type, str] = {
    A.EarningRule: "earning", A.LimitRule: "limit", A.WagePaymentRule: "payment",
    A.IssueRule: "issue", A.WhereRule: "where", A.WhenRule: "when", A.MinimumRule: "minimum",
    A.ShareRule: "share", A.SplitRule: "split", A.TransferRule: "transfer", A.ExpiryRule: "expiry",
    A.PurchaseRule: "purchase", A.BiddingRule: "bidding", A.DepositRule: "deposit",
    A.AwardRule: "award", A.DeliveryRule: "delivery", A.SupplyPaymentRule: "payment",
    A.PenaltyRule: "penalty", A.ForfeitRule: "forfeit",
}
DOMAIN_RULES: dict[A.Domain, tuple[type, ...]] = {
    D.WORKING_TIME: (A.EarningRule, A.LimitRule, A.WagePaymentRule),
    D.VOUCHERS: (A.IssueRule, A.WhereRule, A.WhenRule, A.MinimumRule, A.ShareRule, A.SplitRule,
                 A.TransferRule, A.ExpiryRule),
    D.PROCUREMENT: (A.PurchaseRule, A.BiddingRule, A.DepositRule, A.AwardRule, A.DeliveryRule,
                    A.SupplyPaymentRule, A.PenaltyRule, A.ForfeitRule),
}
#: Sentences a statute of the domain must contain, with the form to suggest.
REQUIRED: dict[A.Domain, tuple[tuple[type, str], ...]] = {
    D.WORKING_TIME: (
        (A.EarningRule, "an earning rule, like 'each hour worked beyond 8 hours earns 150% of the hourly wage.'"),
        (A.WagePaymentRule, "the payment sentence, like '<employer> pays <employee> at each clock-out.'"),
    ),
    D.VOUCHERS: (
        (A.IssueRule, "the issue rule, like '<agency> issues a voucher of CNY 200.00 to each <citizen>.'"),
        (A.WhereRule, "the where rule, like 'vouchers may be spent only at a <merchant> in <categories>.'"),
    ),
    D.PROCUREMENT: (
        (A.PurchaseRule, "the purchase rule, like '<buyer> buys \"wheat\" in kilograms at no more than CNY 3.10 per kilogram.'"),
        (A.BiddingRule, "the bidding rule, like 'bids are sealed during 7 days and revealed during 2 days.'"),
        (A.AwardRule, "the award rule: 'the lowest revealed bid wins; ties go to the earliest bid.'"),
        (A.DeliveryRule, "the delivery rule, like 'deliveries are confirmed by <inspector> within 30 days.'"),
        (A.SupplyPaymentRule, "the payment rule: '<buyer> pays <supplier> for each confirmed delivery at the awarded price.'"),
    ),
}
#: Rule kinds a statute may state at most once.
SINGLE = (A.WagePaymentRule, A.SupplyPaymentRule, A.ShareRule, A.SplitRule, A.TransferRule,
          A.ExpiryRule, A.DepositRule, A.PenaltyRule, A.ForfeitRule, A.IssueRule, A.WhereRule,
          A.WhenRule, A.MinimumRule, A.PurchaseRule, A.BiddingRule, A.AwardRule, A.DeliveryRule)

#: Operand fields and the literal type each must hold.
OPERAND_TYPES: dict[tuple[type, str], type] = {
    (A.EarningRule, "rate"): A.Percentage, (A.EarningRule, "beyond"): A.Duration,
    (A.LimitRule, "limit"): A.Duration,
    (A.IssueRule, "face_value"): Money, (A.WhereRule, "categories"): A.Categories,
    (A.WhenRule, "during"): A.DateRange, (A.MinimumRule, "amount"): Money,
    (A.ShareRule, "share"): A.Percentage, (A.ExpiryRule, "after"): A.DateRange,
    (A.PurchaseRule, "ceiling"): Money, (A.BiddingRule, "sealed"): A.Duration,
    (A.BiddingRule, "revealed"): A.Duration, (A.DepositRule, "rate"): A.Percentage,
    (A.DeliveryRule, "within"): A.Duration, (A.PenaltyRule, "rate"): A.Percentage,
}
_TYPE_NAMES = {A.Percentage: "a percentage", A.Duration: "a duration", Money: "money",
               A.Categories: "a list of categories", A.DateRange: "a date range"}

#: Role fields and the party kinds that may fill them.
ROLE_KINDS: dict[tuple[type, str], tuple[A.PartyKind, ...]] = {
    (A.WagePaymentRule, "payer"): (A.PartyKind.FIRM,), (A.WagePaymentRule, "payee"): (A.PartyKind.WORKER,),
    (A.IssueRule, "issuer"): (A.PartyKind.AGENCY,), (A.IssueRule, "holder"): (A.PartyKind.CITIZEN,),
    (A.IssueRule, "attester"): (A.PartyKind.AGENCY,), (A.WhereRule, "merchant"): (A.PartyKind.FIRM,),
    (A.ExpiryRule, "recipient"): (A.PartyKind.AGENCY,),
    (A.PurchaseRule, "buyer"): (A.PartyKind.AGENCY,),
    (A.SupplyPaymentRule, "buyer"): (A.PartyKind.AGENCY,),
    (A.SupplyPaymentRule, "supplier"): (A.PartyKind.FIRM,), (A.ForfeitRule, "supplier"): (A.PartyKind.FIRM,),
    (A.DeliveryRule, "inspector"): (A.PartyKind.DEVICE, A.PartyKind.AGENCY),
}

#: How many parties of each kind a domain takes: (fewest, most).
PARTY_COUNTS: dict[A.Domain, dict[A.PartyKind, tuple[int, int]]] = {
    D.WORKING_TIME: {A.PartyKind.FIRM: (1, 1), A.PartyKind.WORKER: (1, 1), A.PartyKind.DEVICE: (1, 1),
                     A.PartyKind.AGENCY: (0, 0), A.PartyKind.CITIZEN: (0, 0)},
    D.VOUCHERS: {A.PartyKind.AGENCY: (1, 2), A.PartyKind.CITIZEN: (1, 1), A.PartyKind.FIRM: (1, 1),
                 A.PartyKind.WORKER: (0, 0), A.PartyKind.DEVICE: (0, 0)},
    D.PROCUREMENT: {A.PartyKind.AGENCY: (1, 2), A.PartyKind.FIRM: (1, 1), A.PartyKind.DEVICE: (0, 1),
                    A.PartyKind.WORKER: (0, 0), A.PartyKind.CITIZEN: (0, 0)},
}
_KIND_WORDS = {A.PartyKind.FIRM: "firm", A.PartyKind.WORKER: "worker", A.PartyKind.DEVICE: "device",
               A.PartyKind.AGENCY: "agency", A.PartyKind.CITIZEN: "citizen"}


def check(statute: A.Statute) -> list[Diagnostic]:
    """Every error in the statute, in source order; empty when it is sound."""
    return _Checker(statute).run()


class _Checker:
    def __init__(self, statute: A.Statute) -> None:
        self.statute = statute
        self.domain = statute.header.domain
        self.errors: list[Diagnostic] = []
        self.parties: dict[str, A.Party] = {}
        self.terms: dict[str, A.Term] = {}

    def error(self, span: A.Span, message: str) -> None:
        self.errors.append(Diagnostic(self.statute.source_name, span, message))

    def run(self) -> list[Diagnostic]:
        self.header()
        self.declarations()
        self.party_counts()
        self.articles()
        self.required_sentences()
        return sorted(self.errors, key=lambda d: (d.span.line, d.span.column))

    # ---------------------------------------------------------- header and declarations

    def header(self) -> None:
        header = self.statute.header
        if header.version < 1:
            self.error(header.span, "version must be 1 or more")

    def declarations(self) -> None:
        seen: dict[str, A.Span] = {}
        for item in (*self.statute.parties, *self.statute.terms):
            if not isinstance(item, (A.Party, A.Term)):
                self.domain_term(item)
                continue
            if not item.key:
                self.error(item.span, f"the name '{item.name}' has no word besides a, an and the")
                continue
            if item.key in seen:
                self.error(item.span, f"'{item.name}' is already declared at line {seen[item.key].line}")
                continue
            seen[item.key] = item.span
            if isinstance(item, A.Party):
                self.parties[item.key] = item
            else:
                self.terms[item.key] = item
                self.literal(item.value, item.span)

    def domain_term(self, sentence: A.TermSentence) -> None:
        if self.domain is not D.WORKING_TIME:
            self.error(sentence.span, f"rest days, public holidays and week starts belong to working time "
                                      f"statutes; this statute governs {self.domain.value}")
        kinds = [type(t) for t in self.statute.terms]
        if kinds.count(type(sentence)) > 1 and sentence is not next(
                t for t in self.statute.terms if type(t) is type(sentence)):
            self.error(sentence.span, "this sentence may appear only once; put every date or day in one list")

    def literal(self, value: A.Literal, span: A.Span) -> None:
        if isinstance(value, Money) and value.currency != self.statute.header.currency:
            self.error(span, f"expected {self.statute.header.currency}, found {value.currency}")
        if isinstance(value, A.Duration) and value.minutes <= 0:
            self.error(span, "a duration must be longer than zero")

    def party_counts(self) -> None:
        limits = PARTY_COUNTS[self.domain]
        for kind, (fewest, most) in limits.items():
            declared = [p for p in self.statute.parties if p.kind is kind]
            word = _KIND_WORDS[kind]
            if len(declared) > most:
                extra = declared[most]
                allowed = f"no {word}" if most == 0 else f"at most {most} {word}{'s' if most > 1 else ''}"
                self.error(extra.span, f"a {self.domain.value} statute has {allowed}; "
                                       f"'{extra.name}' is one too many")
            elif len(declared) < fewest:
                self.error(self.statute.header.span,
                           f"a {self.domain.value} statute needs a {word} among its parties")

    # ---------------------------------------------------------- articles and rules

    def articles(self) -> None:
        if not self.statute.articles:
            self.error(self.statute.header.span, "a statute needs at least one article")
        ids: dict[str, A.Span] = {}
        single_seen: dict[type, A.Span] = {}
        for article in self.statute.articles:
            if article.id in ids:
                self.error(article.span, f"article {article.id} is already defined at line {ids[article.id].line}")
            ids.setdefault(article.id, article.span)
            for rule in article.rules:
                self.rule(rule, single_seen)

    def rule(self, rule: A.Rule, single_seen: dict[type, A.Span]) -> None:
        kind = type(rule)
        if kind not in DOMAIN_RULES[self.domain]:
            owner = next(d for d, kinds in DOMAIN_RULES.items() if kind in kinds)
            self.error(rule.span, f"a {RULE_NAMES[kind]} rule belongs to {owner.value} statutes; "
                                  f"this statute governs {self.domain.value}")
            return
        if kind in SINGLE:
            if kind in single_seen:
                self.error(rule.span, f"a second {RULE_NAMES[kind]} sentence; the first is at line "
                                      f"{single_seen[kind].line}, and a statute has only one")
            single_seen.setdefault(kind, rule.span)
        for spec in fields(rule):
            value = getattr(rule, spec.name)
            if (kind, spec.name) in OPERAND_TYPES and value is not None:
                self.operand(value, OPERAND_TYPES[kind, spec.name])
            elif (kind, spec.name) in ROLE_KINDS and value is not None:
                self.role(value, ROLE_KINDS[kind, spec.name])

    def operand(self, operand: A.Operand, expected: type) -> None:
        if isinstance(operand, A.Lit):
            value = operand.value
            self.literal(value, operand.span)
        else:
            if operand.key in self.parties:
                self.error(operand.span, f"expected {_TYPE_NAMES[expected]}, found the party '{operand.text}'")
                return
            term = self.terms.get(operand.key)
            if term is None:
                self.error(operand.span, f"unknown term '{operand.text}'"
                           + suggestion(operand.key, [t.name for t in self.terms.values()]))
                return
            value = term.value
        if not isinstance(value, expected):
            found = A.type_name(value)
            self.error(operand.span, f"expected {_TYPE_NAMES[expected]}, found {found}")

    def role(self, ref: A.Ref, kinds: tuple[A.PartyKind, ...]) -> None:
        wanted = " or ".join(_KIND_WORDS[k] for k in kinds)
        if ref.key in self.terms:
            self.error(ref.span, f"expected a party ({wanted}), found the term '{ref.text}'")
            return
        party = self.parties.get(ref.key)
        if party is None:
            self.error(ref.span, f"unknown party '{ref.text}'"
                       + suggestion(ref.key, [p.name for p in self.parties.values()]))
            return
        if party.kind not in kinds:
            self.error(ref.span, f"expected a {wanted} here, found '{party.name}', "
                                 f"which is a {_KIND_WORDS[party.kind]}")

    def required_sentences(self) -> None:
        present = {type(r) for a in self.statute.articles for r in a.rules}
        for kind, form in REQUIRED[self.domain]:
            if kind not in present:
                self.error(self.statute.header.span,
                           f"a {self.domain.value} statute needs {form}")


def refs(statute: A.Statute) -> Iterator[A.Ref]:
    """Every reference in the statute's rules, for tooling (hover, rename)."""
    for article in statute.articles:
        for rule in article.rules:
            for spec in fields(rule):
                value = getattr(rule, spec.name)
                if isinstance(value, A.Ref):
                    yield value
