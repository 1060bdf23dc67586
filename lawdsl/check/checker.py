"""Static checks on a parsed statute: names, types, parties and required sentences.

All problems are collected, not just the first, so a legislator sees every
mistake in one run. A statute that passes `check` is safe to interpret and
to compile: every reference resolves and has the type its rule needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Iterator

from .. import ast as A
from ..diagnostics import Diagnostic
from ..messages import join_or, message, suggest, word
from ..money import Money
from .bounds import check_bounds
from .instalments import check_instalments

D = A.Domain

#: Which rule kinds a domain allows, and how the spec names each.
RULE_NAMES: dict[type, str] = {
    A.EarningRule: "earning",
    A.LimitRule: "limit",
    A.WagePaymentRule: "payment",
    A.MinimumWageRule: "minimum wage",
    A.IssueRule: "issue",
    A.InstalmentRule: "instalments",
    A.WhereRule: "where",
    A.WhenRule: "when",
    A.MinimumRule: "minimum",
    A.ShareRule: "share",
    A.SplitRule: "split",
    A.TransferRule: "transfer",
    A.ExpiryRule: "expiry",
    A.PurchaseRule: "purchase",
    A.BiddingRule: "bidding",
    A.DepositRule: "deposit",
    A.AwardRule: "award",
    A.DeliveryRule: "delivery",
    A.SupplyPaymentRule: "payment",
    A.PenaltyRule: "penalty",
    A.ForfeitRule: "forfeit",
    A.InspectionRule: "delivery inspection",
    A.SecurityRule: "performance security",
    A.BestValueRule: "best value award",
    A.ScoringRule: "quality scoring",
}
DOMAIN_RULES: dict[A.Domain, tuple[type, ...]] = {
    D.WORKING_TIME: (A.EarningRule, A.LimitRule, A.WagePaymentRule, A.MinimumWageRule),
    D.VOUCHERS: (
        A.IssueRule,
        A.InstalmentRule,
        A.WhereRule,
        A.WhenRule,
        A.MinimumRule,
        A.ShareRule,
        A.SplitRule,
        A.TransferRule,
        A.ExpiryRule,
    ),
    D.PROCUREMENT: (
        A.PurchaseRule,
        A.BiddingRule,
        A.DepositRule,
        A.AwardRule,
        A.DeliveryRule,
        A.SupplyPaymentRule,
        A.PenaltyRule,
        A.ForfeitRule,
        A.InspectionRule,
        A.SecurityRule,
        A.BestValueRule,
        A.ScoringRule,
    ),
}
#: Sentences a statute of the domain must contain, with the message key of the form to suggest.
REQUIRED: dict[A.Domain, tuple[tuple[type, str], ...]] = {
    D.WORKING_TIME: ((A.EarningRule, "form_earning"), (A.WagePaymentRule, "form_wage_payment")),
    D.VOUCHERS: ((A.IssueRule, "form_issue"), (A.WhereRule, "form_where")),
    D.PROCUREMENT: (
        (A.PurchaseRule, "form_purchase"),
        (A.BiddingRule, "form_bidding"),
        (A.AwardRule, "form_award"),
        (A.DeliveryRule, "form_delivery"),
        (A.SupplyPaymentRule, "form_supply_payment"),
    ),
}
#: Rule kinds a statute may state at most once.
SINGLE = (
    A.WagePaymentRule,
    A.MinimumWageRule,
    A.SupplyPaymentRule,
    A.ShareRule,
    A.SplitRule,
    A.TransferRule,
    A.ExpiryRule,
    A.DepositRule,
    A.PenaltyRule,
    A.ForfeitRule,
    A.IssueRule,
    A.InstalmentRule,
    A.WhereRule,
    A.WhenRule,
    A.MinimumRule,
    A.PurchaseRule,
    A.BiddingRule,
    A.AwardRule,
    A.DeliveryRule,
    A.InspectionRule,
    A.SecurityRule,
    A.BestValueRule,
    A.ScoringRule,
)
#: A required sentence another may stand for: the lowest price award or the best value award.
ALTERNATIVES: dict[type, tuple[type, ...]] = {A.AwardRule: (A.BestValueRule,)}

#: Operand fields and the literal type each must hold.
OPERAND_TYPES: dict[tuple[type, str], type] = {
    (A.EarningRule, "rate"): A.Percentage,
    (A.EarningRule, "beyond"): A.Duration,
    (A.LimitRule, "limit"): A.Duration,
    (A.MinimumWageRule, "amount"): Money,
    (A.IssueRule, "face_value"): Money,
    (A.WhereRule, "categories"): A.Categories,
    (A.WhenRule, "during"): A.DateRange,
    (A.MinimumRule, "amount"): Money,
    (A.ShareRule, "share"): A.Percentage,
    (A.ExpiryRule, "after"): A.DateRange,
    (A.PurchaseRule, "ceiling"): Money,
    (A.BiddingRule, "sealed"): A.Duration,
    (A.BiddingRule, "revealed"): A.Duration,
    (A.DepositRule, "rate"): A.Percentage,
    (A.DeliveryRule, "within"): A.Duration,
    (A.PenaltyRule, "rate"): A.Percentage,
    (A.PenaltyRule, "cap"): A.Percentage,
    (A.InspectionRule, "within"): A.Duration,
    (A.SecurityRule, "rate"): A.Percentage,
    (A.BestValueRule, "price_weight"): A.Percentage,
    (A.BestValueRule, "quality_weight"): A.Percentage,
    (A.ScoringRule, "within"): A.Duration,
}
#: Percentages of the contract price, which must lie in (0%, 100%], and what each is, for the message.
CONTRACT_SHARES: dict[tuple[type, str], str] = {
    (A.PenaltyRule, "cap"): "the cap on late-delivery deductions",
    (A.SecurityRule, "rate"): "a performance security",
}
_TYPE_NAMES = {
    A.Percentage: "a percentage",
    A.Duration: "a duration",
    Money: "money",
    A.Categories: "a list of categories",
    A.DateRange: "a date range",
    dt.date: "a date",
}

#: Role fields and the party kinds that may fill them.
ROLE_KINDS: dict[tuple[type, str], tuple[A.PartyKind, ...]] = {
    (A.WagePaymentRule, "payer"): (A.PartyKind.FIRM,),
    (A.WagePaymentRule, "payee"): (A.PartyKind.WORKER,),
    (A.IssueRule, "issuer"): (A.PartyKind.AGENCY,),
    (A.IssueRule, "holder"): (A.PartyKind.CITIZEN,),
    (A.IssueRule, "attester"): (A.PartyKind.AGENCY,),
    (A.WhereRule, "merchant"): (A.PartyKind.FIRM,),
    (A.ExpiryRule, "recipient"): (A.PartyKind.AGENCY,),
    (A.PurchaseRule, "buyer"): (A.PartyKind.AGENCY,),
    (A.SupplyPaymentRule, "buyer"): (A.PartyKind.AGENCY,),
    (A.SupplyPaymentRule, "supplier"): (A.PartyKind.FIRM,),
    (A.ForfeitRule, "supplier"): (A.PartyKind.FIRM,),
    (A.DeliveryRule, "inspector"): (A.PartyKind.DEVICE, A.PartyKind.AGENCY),
    (A.InspectionRule, "inspector"): (A.PartyKind.DEVICE, A.PartyKind.AGENCY),
    (A.ScoringRule, "scorer"): (A.PartyKind.AGENCY,),
}

#: How many parties of each kind a domain takes: (fewest, most).
PARTY_COUNTS: dict[A.Domain, dict[A.PartyKind, tuple[int, int]]] = {
    D.WORKING_TIME: {
        A.PartyKind.FIRM: (1, 1),
        A.PartyKind.WORKER: (1, 1),
        A.PartyKind.DEVICE: (1, 1),
        A.PartyKind.AGENCY: (0, 0),
        A.PartyKind.CITIZEN: (0, 0),
    },
    D.VOUCHERS: {
        A.PartyKind.AGENCY: (1, 2),
        A.PartyKind.CITIZEN: (1, 1),
        A.PartyKind.FIRM: (1, 1),
        A.PartyKind.WORKER: (0, 0),
        A.PartyKind.DEVICE: (0, 0),
    },
    D.PROCUREMENT: {
        A.PartyKind.AGENCY: (1, 2),
        A.PartyKind.FIRM: (1, 1),
        A.PartyKind.DEVICE: (0, 1),
        A.PartyKind.WORKER: (0, 0),
        A.PartyKind.CITIZEN: (0, 0),
    },
}
_KIND_WORDS = {
    A.PartyKind.FIRM: "firm",
    A.PartyKind.WORKER: "worker",
    A.PartyKind.DEVICE: "device",
    A.PartyKind.AGENCY: "agency",
    A.PartyKind.CITIZEN: "citizen",
}


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
        self.language = statute.language

    def error(self, span: A.Span, key: str, suggestion: str = "", **fields: object) -> None:
        """Report the catalogue message `key` in the statute's language, then the suggestion, if any."""
        text = message(self.language, key, **fields) + suggestion
        self.errors.append(Diagnostic(self.statute.source_name, span, text))

    def word(self, english: str) -> str:
        return word(self.language, english)

    def suggest(self, name: str, candidates: list[str]) -> str:
        return suggest(self.language, name, candidates)

    def run(self) -> list[Diagnostic]:
        self.header()
        self.declarations()
        self.party_counts()
        self.articles()
        self.required_sentences()
        self.award_forms()
        if not self.errors and self.domain is D.VOUCHERS:  # instalments are read from sound values
            check_instalments(self.statute, lambda span, key, **fields: self.error(span, key, **fields))
        if not self.errors:  # bounds speak of values that are otherwise sound
            check_bounds(
                self.statute,
                lambda span, key, **fields: self.error(
                    span, key, **{k: self.word(v) if k == "rule" else v for k, v in fields.items()}
                ),
            )
        return sorted(self.errors, key=lambda d: (d.span.line, d.span.column))

    # ---------------------------------------------------------- header and declarations

    def header(self) -> None:
        header = self.statute.header
        if header.version < 1:
            self.error(header.span, "version_too_small")

    def declarations(self) -> None:
        seen: dict[str, A.Span] = {}
        for item in (*self.statute.parties, *self.statute.terms):
            if not isinstance(item, (A.Party, A.Term)):
                self.domain_term(item)
                continue
            if not item.key:
                self.error(item.span, "empty_name", name=item.name)
                continue
            if item.key in seen:
                self.error(item.span, "already_declared", name=item.name, line=seen[item.key].line)
                continue
            seen[item.key] = item.span
            if isinstance(item, A.Party):
                self.parties[item.key] = item
            else:
                self.terms[item.key] = item
                self.literal(item.value, item.span)

    def domain_term(self, sentence: A.TermSentence) -> None:
        if self.domain is not D.WORKING_TIME:
            self.error(sentence.span, "domain_term_elsewhere", domain=self.word(self.domain.value))
        kinds = [type(t) for t in self.statute.terms]
        if kinds.count(type(sentence)) > 1 and sentence is not next(
            t for t in self.statute.terms if type(t) is type(sentence)
        ):
            self.error(sentence.span, "only_once")

    def literal(self, value: A.Literal, span: A.Span) -> None:
        if isinstance(value, Money) and value.currency != self.statute.header.currency:
            self.error(span, "wrong_currency", expected=self.statute.header.currency, found=value.currency)
        if isinstance(value, A.Duration) and value.minutes <= 0:
            self.error(span, "empty_duration")

    def party_counts(self) -> None:
        limits = PARTY_COUNTS[self.domain]
        for kind, (fewest, most) in limits.items():
            declared = [p for p in self.statute.parties if p.kind is kind]
            kind_word = self.word(_KIND_WORDS[kind])
            domain = self.word(self.domain.value)
            if len(declared) > most:
                extra = declared[most]
                allowed = (
                    message(self.language, "no_party_of_kind", kind=kind_word)
                    if most == 0
                    else message(
                        self.language, "at_most_parties", count=most, kind=kind_word, plural="s" if most > 1 else ""
                    )
                )
                self.error(extra.span, "too_many_parties", domain=domain, allowed=allowed, name=extra.name)
            elif len(declared) < fewest:
                self.error(self.statute.header.span, "missing_party", domain=domain, kind=kind_word)

    # ---------------------------------------------------------- articles and rules

    def articles(self) -> None:
        if not self.statute.articles:
            self.error(self.statute.header.span, "no_article")
        ids: dict[str, A.Span] = {}
        single_seen: dict[type, A.Span] = {}
        for article in self.statute.articles:
            if article.id in ids:
                self.error(article.span, "duplicate_article", id=article.id, line=ids[article.id].line)
            ids.setdefault(article.id, article.span)
            for rule in article.rules:
                self.rule(rule, single_seen)

    def rule(self, rule: A.Rule, single_seen: dict[type, A.Span]) -> None:
        kind = type(rule)
        if kind not in DOMAIN_RULES[self.domain]:
            owner = next(d for d, kinds in DOMAIN_RULES.items() if kind in kinds)
            self.error(
                rule.span,
                "rule_elsewhere",
                rule=self.word(RULE_NAMES[kind]),
                owner=self.word(owner.value),
                domain=self.word(self.domain.value),
            )
            return
        if kind in SINGLE:
            if kind in single_seen:
                self.error(rule.span, "second_sentence", rule=self.word(RULE_NAMES[kind]), line=single_seen[kind].line)
            single_seen.setdefault(kind, rule.span)
        if isinstance(rule, A.EarningRule) and rule.window is not None and not rule.additional:
            self.error(rule.window.span, "window_not_additional", rate=self.rate_text(rule.rate))
        if isinstance(rule, A.EarningRule) and rule.not_counting_overtime and rule.beyond is None:
            self.error(rule.span, "not_counting_without_beyond")
        if isinstance(rule, A.EarningRule) and rule.consecutive_day is not None:
            self.consecutive_day(rule.consecutive_day)
        if isinstance(rule, A.EarningRule):
            self.counted_periods(rule)
        for spec in fields(rule):
            value = getattr(rule, spec.name)
            if (kind, spec.name) in OPERAND_TYPES and value is not None:
                if self.operand(value, OPERAND_TYPES[kind, spec.name]) and (kind, spec.name) in CONTRACT_SHARES:
                    self.contract_share(value, CONTRACT_SHARES[kind, spec.name])
            elif (kind, spec.name) in ROLE_KINDS and value is not None:
                self.role(value, ROLE_KINDS[kind, spec.name])
        if isinstance(rule, A.InstalmentRule):
            for instalment in rule.instalments:
                self.operand(instalment.amount, Money)
                self.operand(instalment.on, dt.date)

    def consecutive_day(self, day: A.ConsecutiveDay) -> None:
        """Runs of days of work are counted within a week, so they run from the second to the seventh day."""
        if day.period is not A.Period.WEEK:
            self.error(day.span, "consecutive_day_period")
        elif day.nth > 7:
            ordinal = A.ORDINALS[day.nth - 1] if self.language == "en" else f"第{A.ZH_NUMERALS[day.nth - 1]}日"
            self.error(day.span, "consecutive_day_beyond_week", ordinal=ordinal)
        elif day.nth == 1:
            self.error(day.span, "consecutive_day_first")

    def counted_periods(self, rule: A.EarningRule) -> None:
        """A count of overtime leaves nothing out; hours worked are counted for pay up to a month."""
        if rule.counts_overtime and rule.not_counting_overtime:
            self.error(rule.span, "overtime_not_counting")
        elif not rule.counts_overtime and rule.period is A.Period.YEAR:
            self.error(rule.span, "year_hours_count")

    def rate_text(self, operand: A.Operand) -> str:
        """A rate as the legislator wrote it: the literal, or the term's name."""
        return str(operand.value) if isinstance(operand, A.Lit) else operand.text

    def operand(self, operand: A.Operand, expected: type) -> bool:
        """Check that `operand` is, or names, a value of type `expected`; whether it is."""
        if isinstance(operand, A.Lit):
            value = operand.value
            self.literal(value, operand.span)
        else:
            if operand.key in self.parties:
                self.error(
                    operand.span,
                    "expected_type_found_party",
                    expected=self.word(_TYPE_NAMES[expected]),
                    name=operand.text,
                )
                return False
            term = self.terms.get(operand.key)
            if term is None:
                self.error(
                    operand.span,
                    "unknown_term",
                    self.suggest(operand.key, [t.name for t in self.terms.values()]),
                    name=operand.text,
                )
                return False
            value = term.value
        if not isinstance(value, expected):
            self.error(
                operand.span,
                "expected_type",
                expected=self.word(_TYPE_NAMES[expected]),
                found=self.word(A.type_name(value)),
            )
            return False
        return True

    def contract_share(self, operand: A.Operand, what: str) -> None:
        """A share of the contract price (a cap, a security) is more than nothing and at most all of it."""
        share = self.statute.value_as(operand, A.Percentage)
        if not 0 < share.millionths <= 1_000_000:
            self.error(operand.span, "share_of_contract_price", what=self.word(what), found=share)

    def role(self, ref: A.Ref, kinds: tuple[A.PartyKind, ...]) -> None:
        wanted = join_or(self.language, [self.word(_KIND_WORDS[k]) for k in kinds])
        if ref.key in self.terms:
            self.error(ref.span, "expected_party_found_term", kinds=wanted, name=ref.text)
            return
        party = self.parties.get(ref.key)
        if party is None:
            # Only a party that could stand here is suggested: a misspelt payee is the worker, not the firm.
            self.error(
                ref.span,
                "unknown_party",
                self.suggest(ref.key, [p.name for p in self.parties.values() if p.kind in kinds]),
                name=ref.text,
            )
            return
        if party.kind not in kinds:
            self.error(
                ref.span,
                "wrong_party_kind",
                kinds=wanted,
                name=party.name,
                kind=self.word(_KIND_WORDS[party.kind]),
                a=_article(wanted),
                a_kind=_article(_KIND_WORDS[party.kind]),
            )

    def required_sentences(self) -> None:
        present = {type(r) for a in self.statute.articles for r in a.rules}
        for kind, form in REQUIRED[self.domain]:
            if kind not in present and not present.intersection(ALTERNATIVES.get(kind, ())):
                self.error(
                    self.statute.header.span,
                    "missing_sentence",
                    domain=self.word(self.domain.value),
                    form=message(self.language, form),
                )

    def award_forms(self) -> None:
        """One award sentence; a best value award with its scoring sentence, and weights of 100% in all."""
        lowest = list(self.statute.rules(A.AwardRule))
        best = list(self.statute.rules(A.BestValueRule))
        scoring = list(self.statute.rules(A.ScoringRule))
        if lowest and best:
            first, second = sorted((lowest[0][1].span, best[0][1].span), key=lambda span: (span.line, span.column))
            self.error(second, "two_award_sentences", line=first.line)
        if best and not scoring:
            self.error(best[0][1].span, "best_value_without_scoring", form=message(self.language, "form_scoring"))
        if scoring and not best:
            self.error(scoring[0][1].span, "scoring_without_best_value", form=message(self.language, "form_best_value"))
        if best:
            rule = best[0][1]
            weights = [self.statute.value(w) for w in (rule.price_weight, rule.quality_weight) if self.known(w)]
            if len(weights) == 2 and all(isinstance(w, A.Percentage) for w in weights):
                total = sum(w.millionths for w in weights if isinstance(w, A.Percentage))
                if total != 1_000_000:
                    self.error(rule.span, "weights_not_whole", total=A.Percentage(total))

    def known(self, operand: A.Operand) -> bool:
        """Whether `operand` is a literal or names a declared term."""
        return isinstance(operand, A.Lit) or operand.key in self.terms


def _article(word: str) -> str:
    """`a` or `an` before an English word (the Chinese message has no place for it)."""
    return "an" if word[:1] in "aeiou" else "a"


def refs(statute: A.Statute) -> Iterator[A.Ref]:
    """Every reference in the statute's rules, for tooling (hover, rename)."""
    for article in statute.articles:
        for rule in article.rules:
            for spec in fields(rule):
                value = getattr(rule, spec.name)
                if isinstance(value, A.Ref):
                    yield value
