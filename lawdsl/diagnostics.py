"""Diagnostics in the GNU style of docs/language.md: `FILE:LINE:COL: error: MESSAGE`, line, caret.

Every error a user can cause — in a statute, a scenario or device data —
ends up as a `Diagnostic`; the command line prints them and exits 1, so a
Python traceback never reaches a legislator.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from .ast import Span


@dataclass(frozen=True)
class Diagnostic:
    source_name: str
    span: Span
    message: str
    severity: str = "error"

    def render(self, source_text: str | None) -> str:
        where = f"{self.source_name}:{self.span.line}:{self.span.column}" if self.span.line > 0 else self.source_name
        head = f"{where}: {self.severity}: {self.message}"
        if not source_text or self.span.line < 1:
            return head
        lines = source_text.splitlines()
        if self.span.line > len(lines):
            return head
        line = lines[self.span.line - 1].rstrip("\n")
        return f"{head}\n{line}\n{caret_padding(line, self.span.column)}^"


class StatuteError(Exception):
    """One or more diagnostics that stop a statute (or scenario) from being used."""

    def __init__(self, diagnostics: Iterable[Diagnostic], source_text: str | None = None) -> None:
        self.diagnostics = list(diagnostics)
        self.source_text = source_text
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(d.render(self.source_text) for d in self.diagnostics)


def caret_padding(line: str, column: int) -> str:
    """Spaces (and tabs, kept as tabs) that put a caret under `column`, minding wide characters."""
    pad = []
    for char in line[: max(column - 1, 0)]:
        if char == "\t":
            pad.append("\t")
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            pad.append("  ")
        else:
            pad.append(" ")
    return "".join(pad)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a typo most likely meant, or None when nothing is close."""
    pool = list(dict.fromkeys(candidates))
    lowered = {c.lower(): c for c in pool}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def suggestion(word: str, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` or nothing, for appending to a message."""
    best = closest(word, candidates)
    return f"; did you mean '{best}'?" if best else ""
