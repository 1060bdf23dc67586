"""The procurement sentences for caps, the inspection window and the performance security: parsed
alike on both surfaces, and each misuse refused with its exact message."""

from __future__ import annotations

import pytest

from lawdsl import ast as A
from lawdsl.diagnostics import StatuteError
from lawdsl.load import load_text
from tests.conftest import statute_text

BRIDGE = statute_text("bridge-steel-tender.law")
BRIDGE_ZH = statute_text("bridge-steel-tender.zh.law")
CAP = "at most 10% of\n    the contract price."
SECURITY = "of 10% of the contract price"


def first_error(text: str, name: str = "bad.law") -> str:
    with pytest.raises(StatuteError) as caught:
        load_text(text, name)
    return caught.value.render().splitlines()[0]


@pytest.mark.parametrize(("text", "name"), [(BRIDGE, "bridge.law"), (BRIDGE_ZH, "bridge.zh.law")])
def test_both_surfaces_say_the_cap_the_window_and_the_security(text: str, name: str) -> None:
    statute = load_text(text, name)
    _, penalty = next(statute.rules(A.PenaltyRule))
    assert penalty.cap is not None and statute.value_as(penalty.cap, A.Percentage).millionths == 100_000
    article, inspection = next(statute.rules(A.InspectionRule))
    assert (article.id, inspection.inspector.key, statute.value_as(inspection.within, A.Duration).minutes) == (
        "5",
        load_text(text, name).parties[2].key,
        5 * 24 * 60,
    )
    article, security = next(statute.rules(A.SecurityRule))
    assert (article.id, statute.value_as(security.rate, A.Percentage).millionths) == ("4", 100_000)


def test_a_penalty_without_a_cap_has_none() -> None:
    statute = load_text(BRIDGE.replace(", at most 10% of\n    the contract price.", "."), "b.law")
    assert next(statute.rules(A.PenaltyRule))[1].cap is None


ERRORS = [
    (
        "cap above the contract price",
        BRIDGE.replace(CAP, "at most 150% of\n    the contract price."),
        "bad.law:53:75: error: the cap on late-delivery deductions must be more than 0% and at most 100% of the "
        "contract price; found 150%",
    ),
    (
        "cap of nothing",
        BRIDGE.replace(CAP, "at most 0% of\n    the contract price."),
        "bad.law:53:75: error: the cap on late-delivery deductions must be more than 0% and at most 100% of the "
        "contract price; found 0%",
    ),
    (
        "security of nothing",
        BRIDGE.replace(SECURITY, "of 0% of the contract price"),
        "bad.law:44:47: error: a performance security must be more than 0% and at most 100% of the contract "
        "price; found 0%",
    ),
    (
        "cap as money",
        BRIDGE.replace(CAP, "at most CNY 100.00 of\n    the contract price."),
        "bad.law:53:75: error: expected a percentage, found money",
    ),
    (
        "window as a percentage",
        BRIDGE.replace('"inspection period" is 5 days.', '"inspection period" is 5%.'),
        "bad.law:50:5: error: expected a duration, found a percentage",
    ),
    (
        "a firm inspects",
        BRIDGE.replace("the site engineer confirms or disputes", "the supplier confirms or disputes"),
        "bad.law:49:7: error: expected a device or agency here, found 'supplier', which is a firm",
    ),
    (
        "two windows",
        BRIDGE.replace(
            "inspection period of its record.",
            "inspection period of its record.\n  the site engineer confirms or disputes each delivery within 3 days of "
            "its record.",
        ),
        "bad.law:51:7: error: a second delivery inspection sentence; the first is at line 49, and a statute has only one",
    ),
    (
        "security out of order",
        BRIDGE.replace("the winner lodges a performance security of 10%", "the winner lodges 10%"),
        "bad.law:44:21: error: '10%' is out of place: expected the performance security rule, like 'the winner "
        "lodges a performance security of 10% of the contract price, held until acceptance and forfeited on "
        "default.'",
    ),
    (
        "window in a vouchers statute",
        statute_text("vouchers.law").replace(
            "article 1",
            'article 9 "Inspection":\n  the bureau confirms or disputes each delivery within 3 days of '
            "its record.\n\narticle 1",
        ),
        "bad.law:28:7: error: a delivery inspection rule belongs to procurement statutes; this statute governs "
        "vouchers",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), ERRORS, ids=[case for case, _, _ in ERRORS])
def test_misuse_has_its_exact_message(case: str, text: str, expected: str) -> None:
    assert first_error(text) == expected


def test_the_chinese_cap_error_is_in_chinese() -> None:
    text = BRIDGE_ZH.replace("累计不超过合同价格的 10%", "累计不超过合同价格的 150%")
    assert first_error(text, "bad.zh.law") == (
        "bad.zh.law:45:32: error: 逾期扣款的累计上限须大于合同价格的 0%，且不超过 100%；却遇到 150%"
    )


EU = statute_text("eu-best-value-tender.law")
EU_ZH = statute_text("eu-best-value-tender.zh.law")
WEIGHTS = "weighing price 60% and quality 40%"
SCORING = "  the contracting authority scores the quality of each revealed bid within the\n    evaluation period.\n"


@pytest.mark.parametrize(("text", "name"), [(EU, "eu.law"), (EU_ZH, "eu.zh.law")])
def test_both_surfaces_say_the_best_value_award(text: str, name: str) -> None:
    statute = load_text(text, name)
    article, best = next(statute.rules(A.BestValueRule))
    weights = [statute.value_as(w, A.Percentage).millionths for w in (best.price_weight, best.quality_weight)]
    assert (article.id, weights) == ("3", [600_000, 400_000])
    _, scoring = next(statute.rules(A.ScoringRule))
    assert (scoring.scorer.key, statute.value_as(scoring.within, A.Duration).minutes) == (
        statute.parties[0].key,
        10 * 24 * 60,
    )
    assert not list(statute.rules(A.AwardRule))


BEST_VALUE_ERRORS = [
    (
        "weights short of the whole",
        EU.replace(WEIGHTS, "weighing price 60% and quality 30%"),
        "bad.law:41:7: error: the weights of price and quality must add up to 100%; they add up to 90%",
    ),
    (
        "no scoring",
        EU.replace(SCORING, ""),
        "bad.law:41:7: error: a best value award needs quality scores: add the scoring rule, like '<buyer> scores "
        "the quality of each revealed bid within 3 days.'",
    ),
    (
        "scoring under a lowest-price award",
        EU.replace(
            "the best revealed bid wins, weighing price 60% and quality 40%; ties go to the\n    earliest bid.",
            "the lowest revealed bid wins; ties go to the earliest bid.",
        ),
        "bad.law:42:7: error: quality is scored only for a best value award: add the best value award, like 'the "
        "best revealed bid wins, weighing price 60% and quality 40%; ties go to the earliest bid.'",
    ),
    (
        "two awards",
        EU.replace(SCORING, SCORING + "  the lowest revealed bid wins; ties go to the earliest bid.\n"),
        "bad.law:45:7: error: a statute awards by the lowest price or by best value, not both (the other award is "
        "on line 41)",
    ),
    (
        "a firm scores",
        EU.replace("the contracting authority scores", "the tenderer scores"),
        "bad.law:43:7: error: expected an agency here, found 'tenderer', which is a firm",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "expected"), BEST_VALUE_ERRORS, ids=[case for case, _, _ in BEST_VALUE_ERRORS]
)
def test_best_value_misuse_has_its_exact_message(case: str, text: str, expected: str) -> None:
    assert first_error(text) == expected
