"""Read, parse and check a statute file: the one entry point every command uses."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .ast import Span, Statute
from .check import check
from .diagnostics import Diagnostic, StatuteError
from .syntax.lexer import Comment

if TYPE_CHECKING:
    from .syntax.parser import Surface


def parse_text(text: str, source_name: str, comments: list[Comment] | None = None) -> Statute:
    """Pick the surface language by content and parse it (no checks).

    `comments`, when given, receives the source's comments (for the formatter).
    """
    from .syntax.parser import parse

    return parse(text, source_name, comments, surface_for(text, source_name))


#: The keyword a Chinese statute opens with (docs/language.md keeps English keywords ASCII).
_CHINESE_OPENING = "法规"


def surface_for(text: str, source_name: str) -> Surface:
    """The surface a statute is written in: Chinese for `*.zh.law` or a first word `法规`, else English.

    Chosen by content, never by a flag, so every command (check, fmt,
    simulate, compile) reads a Chinese statute the same way.
    """
    from .syntax.parser import CHINESE, ENGLISH

    if source_name.endswith(".zh.law") or first_significant(text).startswith(_CHINESE_OPENING):
        return CHINESE
    return ENGLISH


def first_significant(text: str) -> str:
    """The text from the first character that is neither layout nor part of a comment."""
    for line in text.lstrip("\ufeff").splitlines():
        stripped = line.strip(" \t\r\f\u3000")
        if stripped and not stripped.startswith("#"):
            return stripped
    return ""


def load_text(text: str, source_name: str = "<statute>") -> Statute:
    statute = parse_text(text, source_name)
    problems = check(statute)
    if problems:
        raise StatuteError(problems, text)
    return statute


def load_statute(path: str | Path) -> Statute:
    """A checked statute from a `.law` file, or `StatuteError` with every problem."""
    return load_text(read_source(path), str(path))


def read_source(path: str | Path) -> str:
    """A statute file's text, or `StatuteError` saying why it cannot be read (`check` and `fmt` alike)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise StatuteError([Diagnostic(str(path), Span(0, 0, 0, 0), f"cannot read: {error.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StatuteError(
            [Diagnostic(str(path), Span(1, 1, 1, 1), f"not UTF-8 text (byte {error.start} cannot be decoded)")]
        ) from None
    return text
