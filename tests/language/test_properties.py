"""Hypothesis properties of the language: no traceback on any input, fmt is stable."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawdsl.diagnostics import StatuteError
from lawdsl.formatter import format_source
from lawdsl.load import load_text
from lawdsl.syntax.parser import parse
from tests.conftest import statute_text

SOURCES = [statute_text(n) for n in ("overtime.law", "vouchers.law", "procurement.law", "us-weekly-overtime.law")]
WORDS = [
    "each",
    "hour",
    "the",
    "a",
    "beyond",
    ".",
    ",",
    ":",
    '"',
    '"""',
    "earns",
    "150%",
    "CNY 1.00",
    "2026-02-30",
    "article",
    "9",
    "is",
    "are",
    "\n",
    "#",
    "pays",
    "in a week",
    "vouchers",
    "«",
    "hours",
]


def must_not_crash(text: str) -> None:
    try:
        load_text(text, "fuzz.law")
    except StatuteError as error:
        rendered = error.render()
        assert rendered.startswith("fuzz.law:")
        assert ": error: " in rendered.splitlines()[0]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_gives_diagnostics_not_exceptions(text: str) -> None:
    must_not_crash(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SOURCES), st.data())
def test_mutated_statutes_give_diagnostics_not_exceptions(source: str, data: st.DataObject) -> None:
    text = source
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 30)))
        insert = data.draw(st.sampled_from(["", *WORDS]))
        text = text[:start] + insert + text[end:]
    must_not_crash(text)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SOURCES), st.data())
def test_fmt_is_idempotent_and_preserves_the_ast_of_whatever_parses(source: str, data: st.DataObject) -> None:
    # Drop whole sentences or re-case words: what still parses must format stably.
    sentences = source.split(".\n")
    keep = [s for s in sentences if data.draw(st.booleans()) or s.lstrip().startswith(("statute", "article"))]
    text = ".\n".join(keep)
    if data.draw(st.booleans()):
        text = text.upper().replace('"""', '"""')
    try:
        tree = parse(text, "p.law")
    except StatuteError:
        return
    once = format_source(text, "p.law")
    assert parse(once, "p.law") == tree
    assert format_source(once, "p.law") == once
