"""`lawdsl fmt`: canonical, idempotent, AST-preserving, comment-keeping."""

from __future__ import annotations

import pytest

from lawdsl.formatter import format_source
from lawdsl.syntax.parser import parse
from tests.conftest import STATUTES, statute_text

ENGLISH = sorted(p.name for p in STATUTES.glob("*.law") if ".zh." not in p.name)


@pytest.mark.parametrize("name", ENGLISH)
def test_fmt_preserves_the_ast_and_is_idempotent(name: str) -> None:
    source = statute_text(name)
    once = format_source(source, name)
    assert parse(once, name) == parse(source, name)
    assert format_source(once, name) == once


def test_fmt_normalises_case_fillers_and_layout() -> None:
    messy = statute_text("procurement.law").replace(
        "each bid carries a deposit of 2% of its value.", "EACH   bid carries deposit\n of 2% of ITS value   ."
    )
    formatted = format_source(messy, "p.law")
    assert "  each bid carries a deposit of 2% of its value.\n" in formatted
    assert all(len(line) <= 80 for line in formatted.splitlines())


def test_fmt_keeps_every_comment() -> None:
    source = (
        statute_text("overtime.law")
        .replace(
            'article 50 "Payment of wages":',
            '# Article 50 follows Article 44.\narticle 50 "Payment of wages":  # wages',
        )
        .replace("at each clock-out.", "at each clock-out.  # paid at once")
    )
    formatted = format_source(source, "o.law")
    for comment in ("# Article 50 follows Article 44.", "# wages", "# paid at once"):
        assert comment in formatted
    assert format_source(formatted, "o.law") == formatted


def test_fmt_keeps_official_wording_verbatim() -> None:
    source = statute_text("overtime.law")
    wording = '"""Where extended working hours are arranged, wages shall be paid at not\n  less than 150 percent of normal wages."""'
    assert wording in format_source(source, "o.law")
