"""The Chinese surface (`法规`): same law as the English twin, Chinese diagnostics, canonical Chinese layout."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawdsl import ast as A
from lawdsl.diagnostics import StatuteError
from lawdsl.formatter import format_source, render
from lawdsl.load import load_statute, load_text, parse_text
from lawdsl.syntax.lexer import Comment
from tests.conftest import STATUTES

DATA = Path(__file__).resolve().parents[2] / "statutes"  # the project's statutes, never copies
ROOT = Path(__file__).resolve().parents[2]


def data_text(name: str) -> str:
    return (DATA / name).read_text("utf-8")


OVERTIME_ZH = data_text("overtime.zh.law")

#: Fields that hold prose or labels, which a translation rewords; everything else must be equal.
PROSE = {
    (A.Header, "title"),
    (A.Header, "jurisdiction"),
    (A.Article, "title"),
    (A.Article, "wording"),
    (A.Statute, "preamble"),
    (A.IssueRule, "attribute"),
    (A.PurchaseRule, "good"),
    (A.PurchaseRule, "unit"),
    (A.PurchaseRule, "per_unit"),
    (A.Party, "name"),
    (A.Term, "name"),
}


def shape(statute: A.Statute) -> object:
    """The statute with its prose blanked and every name replaced by the declaration it refers to.

    Two statutes with the same shape are the same law in two languages:
    same parties and kinds, same values, same rules bound to the same
    declarations, in the same articles.
    """
    declared = {p.key: f"party {i}" for i, p in enumerate(statute.parties)}
    declared |= {t.key: f"term {i}" for i, t in enumerate(statute.terms) if isinstance(t, A.Term)}

    def walk(value: object, owner: type | None = None, field: str = "") -> object:
        if (owner, field) in PROSE:
            return "<prose>" if value is not None else None
        if isinstance(value, A.Ref):
            return ("ref", declared.get(value.key, f"undeclared {value.text}"))
        if isinstance(value, A.Categories):
            return ("categories", len(value.names))
        if isinstance(value, tuple):
            return tuple(walk(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (
                type(value).__name__,
                tuple(
                    walk(getattr(value, f.name), type(value), f.name) for f in dataclasses.fields(value) if f.compare
                ),
            )
        return value

    return walk(statute)


# ---------------------------------------------------------------- same law as the English twin


@pytest.mark.parametrize(
    ("zh_path", "en_name"),
    [
        (DATA / "overtime.zh.law", "overtime.law"),
        (STATUTES / "vouchers.zh.law", "vouchers.law"),
        (STATUTES / "procurement.zh.law", "procurement.law"),
        (STATUTES / "bridge-steel-tender.zh.law", "bridge-steel-tender.law"),
        (STATUTES / "eu-best-value-tender.zh.law", "eu-best-value-tender.law"),
    ],
)
def test_chinese_statute_is_the_same_law_as_its_english_twin(zh_path: Path, en_name: str) -> None:
    zh = load_statute(zh_path)
    en = load_text(data_text(en_name), en_name)
    assert zh.language == "zh" and en.language == "en"
    assert shape(zh) == shape(en)
    assert [a.id for a in zh.articles] == [a.id for a in en.articles]


def test_overtime_reads_as_the_legislator_wrote_it() -> None:
    statute = load_text(OVERTIME_ZH, "overtime.zh.law")
    assert statute.header.title == "工时与加班工资条例"
    assert statute.header.jurisdiction == "中华人民共和国"
    assert [p.name for p in statute.parties] == ["用人单位", "劳动者", "考勤机"]
    _, limit = statute.rule(A.LimitRule)
    assert limit == A.LimitRule(A.Measure.OVERTIME, A.Ref("每日加班上限"), A.Period.DAY, A.DayKind.WORKDAY)
    _, pay = statute.rule(A.WagePaymentRule)
    assert pay == A.WagePaymentRule(A.Ref("用人单位"), A.Ref("劳动者"), A.PaySchedule.CLOCK_OUT)


@pytest.mark.parametrize("name", ["overtime.law", "vouchers.law", "procurement.law"])
def test_every_english_statute_reads_back_identically_from_its_chinese_rendering(name: str) -> None:
    """Rendering an AST in Chinese and parsing it gives the very same AST (names included)."""
    english = load_text(data_text(name), name)
    chinese = render(dataclasses.replace(english, language="zh"))
    assert chinese.startswith("法规《")
    assert parse_text(chinese, name.replace(".law", ".zh.law")) == english


def test_sentence_forms_the_examples_do_not_use() -> None:
    text = """法规《测试》 规范 工作时间 第 1 版 自 2026-01-01 起施行 货币 CNY 时区 UTC。
当事人：「老板」是企业。「工人」是职工。「打卡机」是设备。
术语：「周上限」为 44 小时。「宽限」为 90 分钟。每周始于星期日。休息日为星期六、星期日。
第 1 条「周」：
  一周内超出 40 小时的每小时工作，按小时工资的 150% 计发。
  工作日内，一周内超出周上限的工作时长，属于违法。
  超出宽限的每小时工作，按小时工资的 125% 计发。
  老板在每月结束时向工人支付。
"""
    statute = load_text(text, "t.law")
    assert statute.language == "zh"
    assert statute.week_start == 6 and statute.rest_days == {5, 6}
    assert statute.header.time_zone == A.TimeZone(0)
    weekly, hours, grace, pay = statute.articles[0].rules
    assert weekly == A.EarningRule(
        A.Lit(A.Percentage(1_500_000)), beyond=A.Lit(A.Duration(2400, "hour")), period=A.Period.WEEK
    )
    assert hours == A.LimitRule(A.Measure.HOURS, A.Ref("周上限"), A.Period.WEEK, A.DayKind.WORKDAY)
    assert grace.beyond == A.Ref("宽限") and grace.period is None
    assert pay.schedule is A.PaySchedule.MONTH


def test_voucher_forms_the_examples_do_not_use() -> None:
    text = """法规《券》 规范 消费券 第 1 版 自 2026-01-01 起施行 货币 CNY。
当事人：「局」是机关。「民」是公民。「店」是企业。
术语：「类」为「餐饮」。「期」为自 2026-01-01 至 2026-01-31。
第 1 条「发」：
  局向每位民发放面值为 CNY 10.00 的消费券，限持有「老人」属性者。
  消费券仅限在类的店使用。
  消费券可以转让。
"""
    statute = load_text(text, "t.law")
    _, issue = statute.rule(A.IssueRule)
    assert (issue.attribute, issue.attester) == ("老人", None)
    _, transfer = statute.rule(A.TransferRule)
    assert transfer.transferable
    assert statute.term("期").value == A.DateRange(dt.date(2026, 1, 1), dt.date(2026, 1, 31))


#: Scenario labels that name prose of a statute (an attribute, a category), as the Chinese twins word them.
LABELS_ZH = {"low income household": "低收入家庭", "groceries": "食品杂货", "restaurants": "餐饮"}


@pytest.mark.parametrize(
    ("scenario", "zh_path"),
    [
        ("overtime-march.yaml", DATA / "overtime.zh.law"),
        ("vouchers-march.yaml", STATUTES / "vouchers.zh.law"),
        ("procurement-wheat.yaml", STATUTES / "procurement.zh.law"),
    ],
)
def test_chinese_twin_pays_exactly_what_the_english_statute_pays(scenario: str, zh_path: Path, tmp_path: Path) -> None:
    from lawdsl.interpret import interpret
    from lawdsl.scenario import load_scenario

    source = (DATA / scenario).read_text("utf-8")
    english = interpret(load_scenario(DATA / scenario)).to_json()
    twin = source
    for label, chinese_label in LABELS_ZH.items():
        twin = twin.replace(label, chinese_label)
    (tmp_path / scenario).write_text(twin, "utf-8")
    # The twin statute lies outside the scenario's folder: named by the one running it, as `--statute` does.
    chinese = interpret(load_scenario(tmp_path / scenario, zh_path)).to_json()
    assert english.pop("statute") != chinese.pop("statute")  # the title is translated …
    assert chinese == english  # … and nothing else differs
    assert english["payments"]


def test_a_name_spelt_like_a_keyword_is_a_name_only_where_a_name_may_stand() -> None:
    text = OVERTIME_ZH.replace("「每日加班上限」", "「加班」").replace("超出每日加班上限的加班", "超出加班的加班")
    _, limit = load_text(text, "x.zh.law").rule(A.LimitRule)
    assert (limit.limit, limit.measure) == (A.Ref("加班"), A.Measure.OVERTIME)
    assert "超出加班的加班" in format_source(text, "x.zh.law")


# ---------------------------------------------------------------- surface selection


def test_surface_is_chosen_by_content_not_by_name() -> None:
    commented = "# 一部法规\n\n" + OVERTIME_ZH
    assert parse_text(commented, "overtime.law").language == "zh"
    assert parse_text(data_text("overtime.law"), "overtime.law").language == "en"


def test_a_zh_law_file_is_chinese_whatever_it_opens_with() -> None:
    with pytest.raises(StatuteError) as caught:
        load_text(data_text("overtime.law"), "overtime.zh.law")
    assert "此处应为" in caught.value.render() or "无法识别" in caught.value.render()


# ---------------------------------------------------------------- Chinese diagnostics


def diagnose(text: str) -> str:
    with pytest.raises(StatuteError) as caught:
        load_text(text, "bad.zh.law")
    return caught.value.render()


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


CASES = [
    (
        "typo in a name",
        ("超出标准工作日的", "超出标准工做日的"),
        "bad.zh.law:29:10: error: 未知术语「标准工做日」；您是否指「标准工作日」？",
    ),
    (
        "typo in a name that begins like a keyword",
        ("超出每日加班上限的", "超出每日加斑上限的"),
        "bad.zh.law:42:13: error: 未知术语「每日加斑上限」；您是否指「每日加班上限」？",
    ),
    ("wrong type", ("的 150% 计发", "的 CNY 5.00 计发"), "bad.zh.law:29:29: error: 此处应为百分比，却遇到金额"),
    (
        "a party where a term belongs",
        ("超出标准工作日的", "超出用人单位的"),
        "bad.zh.law:29:10: error: 此处应为时长，却遇到当事人「用人单位」",
    ),
    (
        "wrong party kind",
        ("用人单位在每次", "考勤机在每次"),
        "bad.zh.law:46:3: error: 此处应为企业，却遇到「考勤机」，它是设备",
    ),
    (
        "missing 。",
        ("「标准工作日」为 8 小时。", "「标准工作日」为 8 小时"),
        "bad.zh.law:20:16: error: 句末缺少“。”（遇到「每日加班上限」）",
    ),
    (
        "unknown party kind",
        ("「用人单位」是企业。", "「用人单位」是公司。"),
        "bad.zh.law:15:10: error: 未知的当事人类别「公司」；应为企业、职工、设备、机关或公民",
    ),
    (
        "unknown word",
        ("工作日内，超出", "工作日里，超出"),
        "bad.zh.law:29:6: error: 无法识别的词语「里」；此处应为“内”",
    ),
    ("duplicate article", ("第 50 条", "第 44.1 条"), "bad.zh.law:45:1: error: 第 44.1 条已在第 27 行定义"),
    (
        "impossible date",
        ("2026-02-17", "2026-02-30"),
        "bad.zh.law:24:21: error: 不存在的日期 2026-02-30：2026 年 2 月只有 28 天",
    ),
    (
        "second payment sentence",
        ("向劳动者支付。", "向劳动者支付。\n  用人单位在每周结束时向劳动者支付。"),
        "bad.zh.law:47:3: error: 重复的支付语句；第一句在第 46 行，一部法规只能有一句",
    ),
    ("unknown currency", ("货币 CNY", "货币 CNX"), "bad.zh.law:6:6: error: 未知货币「CNX」；您是否指「CNY」？"),
    (
        "unclosed 「",
        ("「用人单位」是企业。", "「用人单位是企业。"),
        "bad.zh.law:15:3: error: 引号未闭合：此处的「在本行内没有对应的」",
    ),
]


@pytest.mark.parametrize(("what", "edit", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_chinese_statutes_get_chinese_diagnostics_at_the_right_place(
    what: str, edit: tuple[str, str], expected: str
) -> None:
    old, new = edit
    assert old in OVERTIME_ZH
    rendered = diagnose(OVERTIME_ZH.replace(old, new, 1))
    head, line, caret = rendered.splitlines()[:3]
    assert head == expected
    column = int(expected.split(":")[2])
    assert caret == " " * display_width(line[: column - 1]) + "^"


def test_missing_required_sentence_names_it_in_chinese() -> None:
    text = OVERTIME_ZH.replace("第 50 条「工资支付」：\n  用人单位在每次下班打卡时向劳动者支付。\n", "")
    assert diagnose(text).startswith("bad.zh.law:1:1: error: 规范工作时间的法规须有支付语句，例如“")


def test_every_mistake_is_reported_in_one_run() -> None:
    text = OVERTIME_ZH.replace("超出标准工作日的", "超出标准工做日的").replace("用人单位在每次", "考勤机在每次")
    heads = [line for line in diagnose(text).splitlines() if ": error: " in line]
    assert len(heads) == 2


def test_english_diagnostics_are_unchanged() -> None:
    text = data_text("overtime.law").replace("beyond the standard day", "beyond the standard dya")
    with pytest.raises(StatuteError) as caught:
        load_text(text, "bad.law")
    assert caught.value.render().splitlines()[0] == (
        "bad.law:32:45: error: unknown term 'standard dya'; did you mean 'standard day'?"
    )


def test_cli_check_prints_chinese_diagnostics(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zh.law"
    bad.write_text(OVERTIME_ZH.replace("超出标准工作日的", "超出标准工做日的"), "utf-8")
    good = tmp_path / "good.zh.law"
    good.write_text(OVERTIME_ZH, "utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "lawdsl.cli", "check", str(good), str(bad)], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 1
    assert f"{good}: ok" in run.stdout
    assert f"{bad}:29:10: error: 未知术语「标准工做日」；您是否指「标准工作日」？" in run.stderr
    assert "Traceback" not in run.stderr


# ---------------------------------------------------------------- fmt

ZH_SOURCES = {
    "overtime.zh.law": OVERTIME_ZH,
    "vouchers.zh.law": (STATUTES / "vouchers.zh.law").read_text("utf-8"),
    "procurement.zh.law": (STATUTES / "procurement.zh.law").read_text("utf-8"),
}


@pytest.mark.parametrize("name", sorted(ZH_SOURCES))
def test_fmt_is_idempotent_and_preserves_the_ast(name: str) -> None:
    source = ZH_SOURCES[name]
    once = format_source(source, name)
    assert format_source(once, name) == once
    assert parse_text(once, name) == parse_text(source, name)


@pytest.mark.parametrize("name", sorted(ZH_SOURCES))
def test_project_chinese_statutes_are_already_canonical(name: str) -> None:
    assert format_source(ZH_SOURCES[name], name) == ZH_SOURCES[name]


def test_fmt_restores_the_canonical_layout_and_keeps_comments() -> None:
    messy = (
        OVERTIME_ZH.replace("\n  「", "\n「")
        .replace("\n  规范 ", " 规范 ")
        .replace("\n  工作日内", "\n\t工作日内")
        .replace("当事人：", "# 三方\n当事人：")
        .replace("「劳动者」是职工。", "「劳动者」是职工。  # 即雇员")
        .replace("，按小时工资的", "，\n      按小时工资的")
    )
    formatted = format_source(messy, "o.zh.law")
    assert "# 三方\n当事人：" in formatted
    assert "  「劳动者」是职工。  # 即雇员" in formatted
    assert formatted.replace("# 三方\n", "").replace("  # 即雇员", "") == OVERTIME_ZH
    assert format_source(formatted, "o.zh.law") == formatted


def test_cli_fmt_check_accepts_canonical_chinese(tmp_path: Path) -> None:
    path = tmp_path / "o.zh.law"
    path.write_text(OVERTIME_ZH, "utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "lawdsl.cli", "fmt", "--check", str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr


def test_formatter_collects_chinese_comments() -> None:
    comments: list[Comment] = []
    parse_text(
        "# 开头\n" + OVERTIME_ZH.replace("「考勤机」是设备。", "「考勤机」是设备。 # 门禁"), "c.zh.law", comments
    )
    assert [(c.text, c.trailing) for c in comments] == [("开头", False), ("门禁", True)]


# ---------------------------------------------------------------- robustness

ZH_WORDS = [
    "的",
    "。",
    "，",
    "「",
    "」",
    "《",
    "超出",
    "每小时工作",
    "为",
    "是",
    "第",
    "条",
    "CNY 1.00",
    "150%",
    "2026-02-30",
    "内",
    "\n",
    "#",
    "消费券",
    "一周内",
    "星期一",
    '"""',
    "小时",
    "标准工作日",
    "@",
    "1",
]


def must_not_crash(text: str) -> None:
    try:
        load_text(text, "fuzz.zh.law")
    except StatuteError as error:
        first = error.render().splitlines()[0]
        assert first.startswith("fuzz.zh.law:") and ": error: " in first


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(ZH_SOURCES)), st.data())
def test_mutated_chinese_statutes_give_diagnostics_not_exceptions(name: str, data: st.DataObject) -> None:
    text = ZH_SOURCES[name]
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 20)))
        text = text[:start] + data.draw(st.sampled_from(["", *ZH_WORDS])) + text[end:]
    must_not_crash(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_chinese_text_gives_diagnostics_not_exceptions(text: str) -> None:
    must_not_crash("法规" + text)
