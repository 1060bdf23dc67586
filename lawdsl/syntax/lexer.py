"""Source text → raw tokens for the English surface.

Raw tokens are literals, punctuation and plain words. Whether a word is a
keyword, part of a declared name or filler is decided later, by the parser
driver, against the parser's state (see `parser.py`): that is what lets a
declared name contain keywords.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..ast import ORDINALS, Span
from ..messages import message

FILLER_WORDS = frozenset({"a", "an", "the"})

#: English word → grammar terminal. Singular and plural share a terminal,
#: and so do `is` and `are`: the grammar does not care which was written.
KEYWORDS: dict[str, str] = {
    **{
        w: w.upper()
        for w in (
            "statute governs working time procurement version effective jurisdiction currency "
            "zone utc parties firm worker device agency citizen terms from to rest public on and "
            "article workday each worked earns of hourly wage beyond in unless compensatory off "
            "granted overtime violation pays at end issues holding attribute attested by may be "
            "spent only during least covers most split across not transferable after unspent "
            "value returns buys no more than per sealed revealed carries deposit its lowest wins "
            "ties go earliest confirmed within for awarded price late reduces payment who does "
            "reveal forfeits issued then between additional counting already paid as"
        ).split()
    },
    "is": "IS",
    "are": "IS",
    "voucher": "VOUCHER",
    "vouchers": "VOUCHER",
    "day": "DAY",
    "days": "DAY",
    "holiday": "HOLIDAY",
    "holidays": "HOLIDAY",
    "week": "WEEK",
    "weeks": "WEEK",
    "month": "MONTH",
    "months": "MONTH",
    "year": "YEAR",
    "years": "YEAR",
    "half": "HALF",
    "minute": "MINUTE",
    "minutes": "MINUTE",
    "hour": "HOUR",
    "hours": "HOUR",
    "begin": "BEGIN",
    "begins": "BEGIN",
    "purchase": "PURCHASE",
    "purchases": "PURCHASE",
    "bid": "BID",
    "bids": "BID",
    "delivery": "DELIVERY",
    "deliveries": "DELIVERY",
    "clock-out": "CLOCK_OUT",
    "clock-outs": "CLOCK_OUT",
    "workdays": "WORKDAY",
    "instalment": "INSTALMENT",
    "instalments": "INSTALMENT",
    "installment": "INSTALMENT",
    "installments": "INSTALMENT",
    # working time: consecutive days of work (`on the seventh consecutive day of work in a week`)
    "consecutive": "CONSECUTIVE",
    "work": "WORK",
    **{ordinal: "NTH" for ordinal in ORDINALS},
    # procurement: caps, the inspection window, the performance security
    **{
        w: w.upper()
        for w in (
            "contract confirms or disputes record winner lodges performance security held until acceptance "
            "forfeited default best weighing quality scores"
        ).split()
    },
}

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class RawToken:
    kind: str  # WORD, STRING, TEXT, NUMBER, MONEY, PERCENT, DATE, TZ, CLOCK, WEEKDAY, ARTICLE_ID, DOT …
    text: str
    span: Span

    @property
    def lower(self) -> str:
        return self.text.lower()


class LexError(Exception):
    def __init__(self, span: Span, message: str) -> None:
        super().__init__(message)
        self.span = span
        self.message = message


TOKEN = re.compile(
    r"""
    (?P<SPACE>[ \t\r\n\f\u3000]+)
  | (?P<COMMENT>\#[^\n]*)
  | (?P<TEXT>\"\"\"[\s\S]*?\"\"\")
  | (?P<OPEN_TEXT>\"\"\")
  | (?P<STRING>"[^"\n]*")
  | (?P<OPEN_STRING>")
  | (?P<MONEY>[A-Z]{3}[ \t]+-?\d+(?:\.\d+)?)
  | (?P<DATE>\d{4}-\d{1,2}-\d{1,2}(?![\w-]))
  | (?P<TZ>[+-]\d{2}:\d{2}|[A-Z][A-Za-z]+(?:/[A-Za-z0-9_+-]+)+)
  | (?P<CLOCK>\d{1,2}:\d{2}(?!\d))
  | (?P<PERCENT>\d+(?:\.\d+)?\s?%)
  | (?P<NUMBER>\d+(?:\.\d+)*)
  | (?P<WORD>[^\W\d_](?:[\w'’]|-(?=\w))*)
  | (?P<DOT>\.)
  | (?P<COMMA>,)
  | (?P<COLON>:)
  | (?P<SEMICOLON>;)
  | (?P<OTHER>.)
    """,
    re.VERBOSE,
)


#: A thousands separator right after a number: `1,000`, `CNY 12,500.00` (a list has a space after its comma).
THOUSANDS = re.compile(r"(?:,\d{3})+(?:\.\d+)?(?![\d,])")
SMART_QUOTES = {"\u201c": "\u201d", "\u2018": "\u2019", "\u201e": "\u201d"}
#: Full-width punctuation pasted into an English statute, with what to write instead.
_FULL_WIDTH = {
    "\u3002": ".",
    "\uff0c": ",",
    "\u3001": ",",
    "\uff1a": ":",
    "\uff1b": ";",
    "\uff0e": ".",
    "\u201d": '"',
    "\u2019": "'",
}


def _pasted(text: str, start: int) -> str | None:
    """What to write instead of a character pasted from a word processor or a Chinese text, if it is one."""
    char = text[start]
    if char in SMART_QUOTES:
        return smart_quotes("en", text, start)
    if char in _FULL_WIDTH:
        return message("en", "full_width", char=char, fix=_FULL_WIDTH[char])
    return None


def smart_quotes(language: str, text: str, start: int) -> str:
    """The message for a smart quote at `start`, showing the quoted text as it should be written."""
    close = text.find(SMART_QUOTES[text[start]], start + 1)
    line_end = text.find("\n", start)
    if close != -1 and (line_end == -1 or close < line_end):
        return message(language, "smart_quotes", text=text[start + 1 : close])
    return message(language, "smart_quote")


ARTICLE_ID = re.compile(r"[ \t\r\n]*([^\s\"]+)")


class Cursor:
    """Turns string offsets into 1-based line/column spans."""

    def __init__(self, text: str) -> None:
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column)


@dataclass(frozen=True)
class Comment:
    line: int
    text: str  # without the leading '#'
    trailing: bool  # written after code on the same line


def tokenize(text: str, comments: list[Comment] | None = None) -> list[RawToken]:
    """Split English statute source into raw tokens; raise `LexError` on what cannot be a token.

    Comments are skipped, or collected into `comments` for the formatter.
    """
    cursor = Cursor(text)
    tokens: list[RawToken] = []
    after_article = False
    pos = 0
    while pos < len(text):
        if after_article:
            match = ARTICLE_ID.match(text, pos)
            after_article = False
            if match:
                start, end = match.span(1)
                tokens.append(RawToken("ARTICLE_ID", match.group(1), cursor.span(start, end)))
                pos = end
                continue
        match = TOKEN.match(text, pos)
        assert match is not None  # OTHER matches any character
        kind = match.lastgroup
        assert kind is not None  # every alternative is a named group
        start, end = match.span()
        span = cursor.span(start, end)
        value = match.group()
        pos = end
        if kind == "COMMENT" and comments is not None:
            trailing = bool(tokens) and tokens[-1].span.end_line == span.line
            comments.append(Comment(span.line, value[1:].strip(), trailing))
        if kind in ("SPACE", "COMMENT"):
            continue
        if kind == "TEXT" and re.search(r'^\s*article\s+\S+\s+"', value, re.MULTILINE):
            kind = "OPEN_TEXT"
            span = cursor.span(start, start + 3)
        if kind == "OPEN_TEXT":
            raise LexError(span, 'unterminated text block: """ opened here is never closed')
        if kind == "OPEN_STRING":
            raise LexError(span, 'unterminated string: " opened here is not closed on this line')
        if kind == "OTHER":
            raise LexError(span, _pasted(text, start) or f"unexpected character '{value}'")
        if kind in ("NUMBER", "MONEY") and (grouped := THOUSANDS.match(text, end)):
            whole = (value + grouped.group()).split()[-1]
            raise LexError(span, message("en", "thousands_separator", number=whole.replace(",", "")))
        if kind == "MONEY" and value[:3].lower() in KEYWORDS:
            kind, value, end = "WORD", value[:3], start + 3
            span, pos = cursor.span(start, end), end
        if kind == "WORD" and value.lower() in WEEKDAY_NAMES:
            kind = "WEEKDAY"
        tokens.append(RawToken(kind, value, span))
        if kind == "WORD" and value.lower() == "article":
            after_article = True
    return tokens
