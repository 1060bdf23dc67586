"""Statute source as highlighted HTML for the portal.

The project's Pygments lexers (`editors.highlight`, both surface languages,
declared names included) do the work: they reuse the tokenizers the parser
uses, so the page colours what the parser reads, and they keep the text
between tokens verbatim, so the page shows the source byte for byte.
"""

from __future__ import annotations

from editors.highlight import highlight_css, highlight_html
from lawdsl.ast import Span


def _offsets(text: str) -> list[int]:
    """Offset of the start of each 1-based line."""
    starts = [0, 0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def css() -> str:
    """The stylesheet for `highlight`, scoped to the portal's source blocks."""
    return highlight_css().replace(".lawdsl", "pre.src")


def highlight(text: str, language: str = "en") -> str:
    """HTML (no enclosing element) for a piece of statute source."""
    return highlight_html(text, language, wrap=False)


def excerpt(text: str, first: Span, last: Span) -> str:
    """The source from the start of `first` to the end of `last`, indented as written."""
    starts = _offsets(text)
    start = starts[first.line]  # from the line start: keeps the indentation of the first line
    end = starts[last.end_line] + last.end_column - 1
    return text[start:end]
