"""The instalments sentence: both surfaces read it, the formatter writes it back, the checker's messages.

The Hong Kong statute (statutes/hong-kong-consumption-vouchers.law and its
Chinese twin) is the example; each error case changes one thing in it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from lawdsl.ast import Instalment, InstalmentRule, Lit
from lawdsl.diagnostics import StatuteError
from lawdsl.formatter import format_source, render
from lawdsl.instalments import MAX_INSTALMENTS, Part, schedule
from lawdsl.load import load_text, parse_text
from lawdsl.money import Money
from tests.conftest import statute_text

HK = statute_text("hong-kong-consumption-vouchers.law")
HK_ZH = statute_text("hong-kong-consumption-vouchers.zh.law")
SENTENCE = """  vouchers are issued in instalments: HKD 2000.00 on 2021-08-01, then
    HKD 1000.00 on 2021-09-01, then HKD 1000.00 on 2021-10-01, then HKD 1000.00
    on 2021-11-01."""
SENTENCE_ZH = """  消费券分期发放：在 2021-08-01 发放 HKD 2000.00，
    在 2021-09-01 发放 HKD 1000.00，在 2021-10-01 发放 HKD 1000.00，
    在 2021-11-01 发放 HKD 1000.00。"""


def hkd(text: str) -> Money:
    return Money.parse(f"HKD {text}")


def first_error(text: str, name: str = "bad.law") -> str:
    with pytest.raises(StatuteError) as caught:
        load_text(text, name)
    return caught.value.render().splitlines()[0]


def with_sentence(sentence: str) -> str:
    assert SENTENCE in HK
    return HK.replace(SENTENCE, sentence)


EXPECTED_PARTS = (
    Part(hkd("2000.00"), dt.date(2021, 8, 1)),
    Part(hkd("1000.00"), dt.date(2021, 9, 1)),
    Part(hkd("1000.00"), dt.date(2021, 10, 1)),
    Part(hkd("1000.00"), dt.date(2021, 11, 1)),
)


def test_the_english_sentence_reads_as_four_dated_parts() -> None:
    assert schedule(load_text(HK, "hk.law")) == EXPECTED_PARTS


def test_the_chinese_twin_reads_as_the_same_parts() -> None:
    assert SENTENCE_ZH in HK_ZH
    assert schedule(load_text(HK_ZH, "hk.zh.law")) == EXPECTED_PARTS


@pytest.mark.parametrize(
    "written",
    [
        "HKD 2000.00 on 2021-08-01, HKD 3000.00 on 2021-09-01",
        "HKD 2000.00 on 2021-08-01 then HKD 3000.00 on 2021-09-01",
        "HKD 2000.00 on 2021-08-01 and HKD 3000.00 on 2021-09-01",
        "HKD 2000.00 on 2021-08-01, and HKD 3000.00 on 2021-09-01",
        "HKD 2000.00 on 2021-08-01, then HKD 3000.00 on 2021-09-01",
    ],
)
def test_parts_are_separated_as_a_list_or_with_then(written: str) -> None:
    statute = load_text(with_sentence(f"  vouchers are issued in installments: {written}."), "hk.law")
    assert schedule(statute) == (Part(hkd("2000.00"), dt.date(2021, 8, 1)), Part(hkd("3000.00"), dt.date(2021, 9, 1)))


def test_a_part_may_name_terms() -> None:
    text = with_sentence(
        "  vouchers are issued in instalments: the first part on the first day, then HKD 3000.00 on 2021-09-01."
    ).replace(
        '  "voucher amount" is', '  "first part" is HKD 2000.00.\n  "first day" is 2021-08-01.\n  "voucher amount" is'
    )
    assert schedule(load_text(text, "hk.law"))[0] == Part(hkd("2000.00"), dt.date(2021, 8, 1))


def test_without_the_sentence_the_face_value_is_one_part_without_a_date() -> None:
    statute = load_text(statute_text("vouchers.law"), "vouchers.law")
    assert schedule(statute) == (Part(Money.parse("CNY 200.00"), None),)


@pytest.mark.parametrize(("path", "text"), [("hk.law", HK), ("hk.zh.law", HK_ZH)])
def test_the_formatter_writes_the_sentence_back_unchanged(path: str, text: str) -> None:
    assert format_source(text, path) == text
    statute = parse_text(text, path)
    assert parse_text(render(statute), path) == statute


def test_an_english_statute_rendered_in_chinese_is_the_same_statute() -> None:
    english = parse_text(HK, "hk.law")
    chinese = render(dataclasses.replace(english, language="zh"))
    assert parse_text(chinese, "hk.zh.law") == english


ERRORS = [
    (
        "parts do not add up",
        with_sentence(
            "  vouchers are issued in instalments: HKD 2000.00 on 2021-08-01, then HKD 1000.00 on 2021-09-01."
        ),
        "bad.law:54:3: error: the instalments add up to HKD 3000.00, but the issue rule's face value is "
        "HKD 5000.00; they must be equal",
    ),
    (
        "out of date order",
        with_sentence(
            "  vouchers are issued in instalments: HKD 2000.00 on 2021-09-01, then HKD 3000.00 on 2021-08-01."
        ),
        "bad.law:54:71: error: instalments must come in date order: 2021-08-01 is not after 2021-09-01",
    ),
    (
        "before the spending period",
        with_sentence(
            "  vouchers are issued in instalments: HKD 2000.00 on 2021-07-31, then HKD 3000.00 on 2021-08-01."
        ),
        "bad.law:54:39: error: an instalment on 2021-07-31 falls outside the period in which vouchers may be "
        "spent (2021-08-01 to 2021-12-31)",
    ),
    (
        "after the spending period",
        with_sentence(
            "  vouchers are issued in instalments: HKD 2000.00 on 2021-08-01, then HKD 3000.00 on 2022-01-01."
        ),
        "bad.law:54:71: error: an instalment on 2022-01-01 falls outside the period in which vouchers may be "
        "spent (2021-08-01 to 2021-12-31)",
    ),
    (
        "a part of nothing",
        with_sentence("  vouchers are issued in instalments: HKD 5000.00 on 2021-08-01, then HKD 0.00 on 2021-09-01."),
        "bad.law:54:71: error: an instalment must be a positive amount, not HKD 0.00",
    ),
    (
        "transferable",
        HK.replace("vouchers are not transferable.", "vouchers are transferable."),
        "bad.law:68:3: error: vouchers issued in instalments cannot be transferable: a transfer would put a later "
        "instalment ahead of an earlier one; write 'vouchers are not transferable.'",
    ),
    (
        "a date where money goes",
        with_sentence("  vouchers are issued in instalments: 2021-08-01 on 2021-08-01."),
        "bad.law:54:39: error: expected money, found a date",
    ),
    (
        "said twice",
        HK.replace(SENTENCE, SENTENCE + "\n" + SENTENCE),
        "bad.law:57:3: error: a second instalments sentence; the first is at line 54, and a statute has only one",
    ),
]


@pytest.mark.parametrize("label, text, expected", ERRORS, ids=[c[0] for c in ERRORS])
def test_error_message(label: str, text: str, expected: str) -> None:
    assert first_error(text) == expected


def test_at_most_twelve_instalments() -> None:
    days = [dt.date(2021, 8, 1) + dt.timedelta(days=i) for i in range(MAX_INSTALMENTS + 1)]
    amounts = ["500.00"] * 10 + ["0.01"] * (MAX_INSTALMENTS + 1 - 10)
    amounts[0] = f"{5000 - 500 * 9 - 0.01 * 3:.2f}"
    parts = ", ".join(f"HKD {a} on {d.isoformat()}" for a, d in zip(amounts, days, strict=True))
    text = with_sentence(f"  vouchers are issued in instalments: {parts}.")
    assert first_error(text).endswith("error: a voucher comes in at most 12 instalments; this is one too many")


def test_the_message_for_a_broken_sentence_names_the_form() -> None:
    message = first_error(with_sentence("  vouchers are issued in instalments HKD 5000.00 on 2021-08-01."))
    assert "vouchers are issued in instalments: CNY 100.00 on 2026-03-01, then CNY 100.00 on 2026-04-01." in message


def test_chinese_errors_speak_chinese() -> None:
    text = HK_ZH.replace("在 2021-11-01 发放 HKD 1000.00。", "在 2021-11-01 发放 HKD 900.00。")
    assert first_error(text, "bad.zh.law") == (
        "bad.zh.law:35:3: error: 各期金额合计 HKD 4900.00，而发放规则的面值为 HKD 5000.00；两者须相等"
    )


def test_the_rule_is_the_same_ast_on_both_surfaces() -> None:
    (rule,) = [r for a in load_text(HK_ZH, "hk.zh.law").articles for r in a.rules if isinstance(r, InstalmentRule)]
    assert rule.instalments[0] == Instalment(Lit(hkd("2000.00")), Lit(dt.date(2021, 8, 1)))
