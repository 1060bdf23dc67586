"""The Pygments lexers of `editors/highlight.py`: exact text, the parser's view of names, never an exception."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import import_module
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexer import Lexer
from pygments.token import Comment, Error, Generic, Keyword, Literal, Name, Number, Punctuation, String, Whitespace

from editors.highlight import (
    AutoLawLexer,
    ChineseLawLexer,
    LawLexer,
    highlight_css,
    highlight_html,
    lexer_for,
    plain_text,
)

ROOT = Path(__file__).resolve().parents[2]
STATUTE_FILES = sorted((ROOT / "statutes").glob("*.law"))


def tokens(lexer: Lexer, text: str) -> list[tuple[object, str]]:
    """Significant (type, text) pairs, layout left out."""
    return [(kind, value) for kind, value in lexer.get_tokens(text) if kind is not Whitespace and value.strip()]


def kind_of(lexer: Lexer, text: str, value: str, nth: int = 0) -> object:
    """The token type of the `nth` token spelt `value`."""
    return [kind for kind, v in tokens(lexer, text) if v == value][nth]


OVERTIME = (ROOT / "statutes" / "overtime.law").read_text("utf-8")
OVERTIME_ZH = (ROOT / "statutes" / "overtime.zh.law").read_text("utf-8")
VOUCHERS_ZH = (ROOT / "statutes" / "vouchers.zh.law").read_text("utf-8")


@pytest.mark.parametrize("path", STATUTE_FILES, ids=lambda p: p.name)
def test_every_statute_is_reproduced_exactly_and_without_errors(path: Path):
    text = path.read_text("utf-8")
    lexer = lexer_for(text, None, path.name, stripnl=False, ensurenl=False)
    pieces = list(lexer.get_tokens_unprocessed(text))
    assert "".join(value for _, _, value in pieces) == text
    assert all(start == sum(len(v) for _, _, v in pieces[:i]) for i, (start, _, _) in enumerate(pieces))
    assert [value for _, kind, value in pieces if kind is Error] == []
    assert isinstance(lexer, ChineseLawLexer) == path.name.endswith(".zh.law")


@pytest.mark.parametrize("path", STATUTE_FILES, ids=lambda p: p.name)
def test_declarations_are_the_parsers(path: Path):
    """The highlighted declarations are exactly the names the parser declares (no drift from its pre-scan)."""
    from lawdsl.load import parse_text

    text = path.read_text("utf-8")
    statute = parse_text(text, path.name)
    declared = [
        value.strip('"「」')
        for kind, value in tokens(lexer_for(text, None, path.name), text)
        if kind is Name.Variable and value[:1] in ('"', "「")
    ]
    assert declared == [party.name for party in statute.parties] + [
        term.name for term in statute.terms if hasattr(term, "name")
    ]


def test_english_tokens_follow_the_language():
    lexer = LawLexer()
    assert kind_of(lexer, OVERTIME, "statute") is Keyword.Declaration
    assert kind_of(lexer, OVERTIME, '"Working Hours and Overtime Pay Act"') is Generic.Heading
    assert kind_of(lexer, OVERTIME, '"standard day"') is Name.Variable  # declared
    assert kind_of(lexer, OVERTIME, '"People\'s Republic of China"') is String.Double
    assert kind_of(lexer, OVERTIME, "firm") is Keyword.Type
    assert kind_of(lexer, OVERTIME, "earns") is Keyword
    assert kind_of(lexer, OVERTIME, "44.1") is Name.Label
    assert kind_of(lexer, OVERTIME, '"Extended working hours"') is Generic.Heading
    assert kind_of(lexer, OVERTIME, "150%") is Number
    assert kind_of(lexer, OVERTIME, "2026-01-01") is Literal.Date
    assert kind_of(lexer, OVERTIME, "+08:00") is Literal.Date
    assert kind_of(lexer, OVERTIME, "Saturday") is Name.Constant
    assert kind_of(lexer, OVERTIME, "CNY") is Name.Builtin
    assert kind_of(lexer, OVERTIME, "8") is Number and kind_of(lexer, OVERTIME, "hours") is Number  # duration
    assert (
        kind_of(
            lexer,
            OVERTIME,
            '"""Where extended working hours are arranged, wages shall be paid at not\n'
            '  less than 150 percent of normal wages."""',
        )
        is String.Doc
    )


def test_english_bare_names_win_over_keywords_by_longest_match():
    text = OVERTIME + "\n# a trailing comment\n"
    significant = tokens(LawLexer(), text)
    # `beyond the standard day earns`: `day` is a keyword, but `standard day` is a declared name
    at = significant.index((Keyword, "beyond"))
    assert significant[at + 1 : at + 5] == [
        (Keyword.Pseudo, "the"),
        (Name.Variable, "standard"),
        (Name.Variable, "day"),
        (Keyword, "earns"),
    ]
    assert (Name.Variable, "employer") in significant
    assert significant[-1] == (Comment.Single, "# a trailing comment")


def test_money_and_case_insensitive_keywords():
    text = (
        'statute "x" GOVERNS vouchers version 1 effective 2026-03-01 currency CNY.\n'
        'terms:\n  "face value" is CNY 200.00.\n'
    )
    significant = tokens(LawLexer(), text)
    assert (Keyword, "GOVERNS") in significant
    assert (Number, "CNY 200.00") in significant
    assert (Name.Variable, '"face value"') in significant


def test_chinese_tokens_follow_the_scanner():
    lexer = ChineseLawLexer()
    assert kind_of(lexer, OVERTIME_ZH, "法规") is Keyword.Declaration
    assert kind_of(lexer, OVERTIME_ZH, "《工时与加班工资条例》") is Generic.Heading
    assert kind_of(lexer, OVERTIME_ZH, "「标准工作日」") is Name.Variable  # declared
    assert kind_of(lexer, OVERTIME_ZH, "「中华人民共和国」") is String.Double
    assert kind_of(lexer, OVERTIME_ZH, "企业") is Keyword.Type
    assert kind_of(lexer, OVERTIME_ZH, "计发") is Keyword
    assert kind_of(lexer, OVERTIME_ZH, "44.1") is Name.Label
    assert kind_of(lexer, OVERTIME_ZH, "「延长工作时间」") is Generic.Heading
    assert kind_of(lexer, OVERTIME_ZH, "150%") is Number
    assert kind_of(lexer, OVERTIME_ZH, "小时") is Number  # `8 小时`, a duration
    assert kind_of(lexer, OVERTIME_ZH, "星期六") is Name.Constant
    assert kind_of(lexer, OVERTIME_ZH, "。") is Punctuation
    assert kind_of(lexer, VOUCHERS_ZH, "「食品杂货」") is String.Double


def test_chinese_bare_name_containing_a_keyword_is_one_name():
    significant = tokens(ChineseLawLexer(), OVERTIME_ZH)
    at = significant.index((Keyword, "超出"))
    assert significant[at + 1] == (Name.Variable, "标准工作日")  # not 标准 + the keyword 工作日
    assert (Name.Variable, "用人单位") in significant


@pytest.mark.parametrize(
    "broken",
    [
        'statute "unterminated\n',
        '"""never closed',
        'article 1 "x":\n  € is odd.',
        "法规《未闭合\n",
        "「开",
        '"""\n',
        "第 1 条「x」：\n  ？？",
        "",
    ],
)
def test_broken_text_is_highlighted_not_raised(broken: str):
    for lexer in (LawLexer(), ChineseLawLexer(), AutoLawLexer()):
        pieces = list(lexer.get_tokens_unprocessed(broken))
        assert "".join(value for _, _, value in pieces) == broken


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(list('ab "#:.,「」《》法规第条为是8% -\n日小时工作') + ['"""', "article", "is", "2026-01-01"]),
        max_size=30,
    ).map("".join)
)
def test_any_text_round_trips(text: str):
    for lexer in (LawLexer(), ChineseLawLexer()):
        assert "".join(value for _, _, value in lexer.get_tokens_unprocessed(text)) == text


def test_highlight_html_keeps_the_source_and_picks_the_surface():
    html = highlight_html(OVERTIME_ZH)
    assert html.startswith('<pre class="lawdsl">') and html.endswith("</pre>")
    assert plain_text(html) == OVERTIME_ZH
    assert '<span class="nv">标准工作日</span>' in html
    english = highlight_html('\n\nstatute "<x> & y"', "en", wrap=False)
    assert plain_text(english) == '\n\nstatute "<x> & y"'  # leading blank lines kept, markup escaped
    assert "&lt;x&gt; &amp; y" in english
    assert ".lawdsl .k" in highlight_css()
    with pytest.raises(ValueError):
        highlight_html("x", "fr")


def test_pygments_finds_the_lexers_by_name_and_file_name():
    """The `pygments.lexers` entry points in pyproject.toml name the classes; `x.zh.law` goes to the Chinese one."""
    entry_points = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["pygments.lexers"]
    for alias, target in entry_points.items():
        module, _, name = target.partition(":")
        lexer = getattr(import_module(module), name)
        assert alias in lexer.aliases
    assert ChineseLawLexer.priority > LawLexer.priority  # `x.zh.law` matches both file patterns
    assert ChineseLawLexer.analyse_text(OVERTIME_ZH) == 1.0 and ChineseLawLexer.analyse_text(OVERTIME) == 0.0
    assert LawLexer.analyse_text(OVERTIME) > 0


def test_pygmentize_command_line_uses_the_plugin():
    """`pygmentize -l lawdsl-zh` through the installed entry point (the project is installed editable)."""
    from importlib.metadata import entry_points

    if not any(ep.name == "lawdsl-zh" for ep in entry_points(group="pygments.lexers")):
        pytest.fail("the pygments.lexers entry point is not installed: run `pip install --no-deps -e .`")
    result = subprocess.run(
        [sys.executable, "-m", "pygments", "-l", "lawdsl-zh", "-f", "html", str(ROOT / "statutes" / "vouchers.zh.law")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '<span class="nv">「商务局」</span>' in result.stdout
