"""Statute source as highlighted HTML for the portal.

The project's Pygments lexers (`lawdsl.highlight`, both surface languages,
declared names included) do the work when they are installed; otherwise a
minimal highlighter over the English tokenizer keeps the page readable. In
both, the tokenizer the parser uses decides what a keyword or a literal is,
and text between tokens is kept verbatim, so the page shows the source
byte for byte.
"""
from __future__ import annotations

import html
from typing import Iterator

from lawdsl.ast import Span
from lawdsl.lexer import KEYWORDS, LexError, tokenize

#: Token kind → CSS class (the stylesheet in `pages.py` colours them).
CLASSES = {
    "STRING": "s", "TEXT": "w", "MONEY": "n", "PERCENT": "n", "NUMBER": "n", "DATE": "n", "TZ": "n",
    "WEEKDAY": "n", "ARTICLE_ID": "a",
}


def _offsets(text: str) -> list[int]:
    """Offset of the start of each 1-based line."""
    starts = [0, 0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def css() -> str:
    """The stylesheet for whichever highlighter `highlight` uses."""
    try:
        from lawdsl.highlight import highlight_css
    except ImportError:
        return FALLBACK_CSS
    return highlight_css().replace(".lawdsl", "pre.src")


FALLBACK_CSS = (".k{color:#005cc5;font-weight:600}.s{color:#22863a}.w{color:#6f42c1;font-style:italic}"
                ".n{color:#d73a49}.a{color:#e36209;font-weight:600}.c{color:#6a737d}")


def spans(text: str) -> Iterator[tuple[str, str]]:
    """(css class or "", text) pieces that together are exactly `text`."""
    try:
        tokens = tokenize(text)
    except LexError:  # a broken file is shown plain: the portal is no place to report it
        yield "", text
        return
    starts = _offsets(text)

    def offset(line: int, column: int) -> int:
        return starts[line] + column - 1

    position = 0
    for token in tokens:
        start, end = offset(token.span.line, token.span.column), offset(token.span.end_line, token.span.end_column)
        yield from _gap(text[position:start])
        kind = CLASSES.get(token.kind, "k" if token.kind == "WORD" and token.lower in KEYWORDS else "")
        yield kind, text[start:end]
        position = end
    yield from _gap(text[position:])


def _gap(text: str) -> Iterator[tuple[str, str]]:
    """Between tokens there are only spaces and comments."""
    for line in text.splitlines(keepends=True):
        hash_at = line.find("#")
        if hash_at < 0:
            yield "", line
        else:
            yield "", line[:hash_at]
            yield "c", line[hash_at:]


def highlight(text: str, language: str = "en") -> str:
    """HTML (no enclosing element) for a piece of statute source."""
    try:
        from lawdsl.highlight import highlight_html
    except ImportError:
        pass
    else:
        return highlight_html(text, language, wrap=False)
    return "".join(f'<span class="{kind}">{html.escape(piece)}</span>' if kind else html.escape(piece)
                   for kind, piece in spans(text))


def excerpt(text: str, first: Span, last: Span) -> str:
    """The source from the start of `first` to the end of `last`, indented as written."""
    starts = _offsets(text)
    start = starts[first.line]  # from the line start: keeps the indentation of the first line
    end = starts[last.end_line] + last.end_column - 1
    return text[start:end]
