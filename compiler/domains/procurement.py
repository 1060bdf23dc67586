"""A `governs procurement` statute → a contract inheriting `contracts/ProcurementStatute.sol`.

The base contract runs the sealed-bid tender, checked against the reference
interpreter; the generated contract carries what one statute decides — the
ceiling, the bidding, reveal, delivery and inspection periods, the deposit,
penalty and security rates and the cap on deductions — as named constants
under the article that decides them.
"""

from __future__ import annotations

from lawdsl.ast import (
    AwardRule,
    BestValueRule,
    BiddingRule,
    DeliveryRule,
    DepositRule,
    Duration,
    ForfeitRule,
    InspectionRule,
    PenaltyRule,
    Percentage,
    PurchaseRule,
    Rule,
    ScoringRule,
    SecurityRule,
    Statute,
    SupplyPaymentRule,
)
from lawdsl.money import Money

from ..naming import article_constant, string_literal
from ..solidity import Constant, GeneratedContract, StatuteContract


def generate(statute: Statute) -> GeneratedContract:
    """The statute's tender contract; purchase, bidding, award, delivery and payment are required (checked)."""
    contract = StatuteContract(
        statute, "ProcurementStatute", "Governs procurement by sealed-bid tender", parties=("address[] memory buyers",)
    )
    for article in statute.articles:
        contract.article(article, lambda rule: _constants(statute, rule))
    return contract.render(_rules(statute))


def _millionths(name: str, rate: Percentage, note: str) -> Constant:
    """A rate as the contract holds it: millionths of the whole, exactly."""
    return Constant("uint256", name, f"{rate.millionths:_}", note)


def _period(name: str, duration: Duration, note: str) -> Constant:
    """A duration as the contract holds it: seconds."""
    return Constant("uint256", name, _seconds(duration), note)


def _constants(statute: Statute, rule: Rule) -> list[Constant]:
    """The constants one rule sentence decides; as in the interpreter, the first rule of a kind governs."""
    if next(statute.rules(type(rule)))[1] is not rule:
        return []
    if isinstance(rule, PurchaseRule):
        ceiling = statute.value_as(rule.ceiling, Money)
        return [
            Constant(
                "bytes32",
                "GOOD_HASH",
                f"keccak256({string_literal(rule.good)})",
                f'What the buyer buys: "{rule.good}", in {rule.unit}.',
                "immutable",
            ),
            Constant(
                "uint256",
                "CEILING_PER_UNIT",
                str(ceiling.minor),
                f"{ceiling} per {rule.per_unit}, in minor units: no bid may exceed it.",
            ),
        ]
    if isinstance(rule, BiddingRule):
        sealed = statute.value_as(rule.sealed, Duration)
        revealed = statute.value_as(rule.revealed, Duration)
        return [
            _period("BIDDING_PERIOD", sealed, f"{sealed} from the opening."),
            _period("REVEAL_PERIOD", revealed, f"{revealed} after the bidding period."),
        ]
    if isinstance(rule, DepositRule):
        rate = statute.value_as(rule.rate, Percentage)
        return [_millionths("DEPOSIT_MILLIONTHS", rate, f"{rate} of a bid's value, exactly: millionths of the whole.")]
    if isinstance(rule, DeliveryRule):
        within = statute.value_as(rule.within, Duration)
        return [_period("DELIVERY_PERIOD", within, f"{within} after the reveal period: the delivery deadline.")]
    if isinstance(rule, PenaltyRule):
        rate = statute.value_as(rule.rate, Percentage)
        penalty = [
            _millionths(
                "PENALTY_MILLIONTHS_PER_DAY",
                rate,
                f"{rate} of a delivery's value per day begun late, at most all of it.",
            )
        ]
        if rule.cap is None:
            return penalty
        cap = statute.value_as(rule.cap, Percentage)
        return [
            *penalty,
            _millionths(
                "DAMAGES_CAP_MILLIONTHS",
                cap,
                f"All of a tender's deductions for lateness together: at most {cap} of the contract price.",
            ),
        ]
    if isinstance(rule, InspectionRule):
        within = statute.value_as(rule.within, Duration)
        return [
            _period(
                "INSPECTION_WINDOW",
                within,
                f"{within} after a delivery's record for the inspector to confirm or dispute it.",
            )
        ]
    if isinstance(rule, SecurityRule):
        rate = statute.value_as(rule.rate, Percentage)
        return [
            _millionths(
                "SECURITY_MILLIONTHS",
                rate,
                f"The performance security: {rate} of the contract price, held until acceptance.",
            )
        ]
    if isinstance(rule, BestValueRule):
        price = statute.value_as(rule.price_weight, Percentage)
        quality = statute.value_as(rule.quality_weight, Percentage)
        return [
            _millionths(
                "QUALITY_WEIGHT_MILLIONTHS",
                quality,
                f"Best value: quality weighs {quality}, price {price} (the lowest revealed price scores full marks).",
            )
        ]
    if isinstance(rule, ScoringRule):
        within = statute.value_as(rule.within, Duration)
        return [
            _period(
                "EVALUATION_PERIOD",
                within,
                f"{within} after the reveal period for the buyer to publish quality scores.",
            )
        ]
    if isinstance(rule, (AwardRule, SupplyPaymentRule, ForfeitRule)):
        return []  # the base contract implements them; their article ids go into `Rules`
    raise TypeError(f"{type(rule).__name__} is not a procurement rule")


def _rules(statute: Statute) -> dict[str, str]:
    """`ProcurementStatute.Rules` from the constants, with the defaults for the sentences left out
    (docs/semantics.md): no cap but the whole contract price, a 7-day inspection window, no security."""
    best = statute.rule(BestValueRule)
    award_article = best[0] if best else next(statute.rules(AwardRule))[0]
    payment_article, _ = next(statute.rules(SupplyPaymentRule))
    forfeit = statute.rule(ForfeitRule)
    delivery_article, _ = next(statute.rules(DeliveryRule))
    penalty = statute.rule(PenaltyRule)
    security = statute.rule(SecurityRule)
    return {
        "effectiveFrom": "EFFECTIVE_FROM",
        "ceilingPerUnit": "CEILING_PER_UNIT",
        "biddingPeriod": "BIDDING_PERIOD",
        "revealPeriod": "REVEAL_PERIOD",
        "deliveryPeriod": "DELIVERY_PERIOD",
        "inspectionWindow": "INSPECTION_WINDOW" if statute.rule(InspectionRule) else "DEFAULT_INSPECTION_WINDOW",
        "depositMillionths": "DEPOSIT_MILLIONTHS" if statute.rule(DepositRule) else "0",
        "penaltyMillionthsPerDay": "PENALTY_MILLIONTHS_PER_DAY" if penalty else "0",
        "damagesCapMillionths": "DAMAGES_CAP_MILLIONTHS" if penalty and penalty[1].cap else "MILLIONTHS",
        "securityMillionths": "SECURITY_MILLIONTHS" if security else "0",
        "qualityWeightMillionths": "QUALITY_WEIGHT_MILLIONTHS" if best else "0",
        "evaluationPeriod": "EVALUATION_PERIOD" if best else "0",
        "forfeitsDeposit": "true" if forfeit else "false",
        "awardArticle": article_constant(award_article.id),
        "paymentArticle": article_constant(payment_article.id),
        "forfeitArticle": article_constant(forfeit[0].id) if forfeit else "bytes32(0)",
        "deliveryArticle": article_constant(delivery_article.id),
        "securityArticle": article_constant(security[0].id) if security else "bytes32(0)",
    }


def _seconds(duration: Duration) -> str:
    """A duration as Solidity writes it (`7 days`), in the unit the legislator wrote when it is whole."""
    per = Duration.UNIT_MINUTES[duration.unit]
    if duration.minutes % per == 0:
        return f"{duration.minutes // per} {duration.unit}s"
    return f"{duration.minutes} minutes"
