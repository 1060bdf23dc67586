"""Pygments lexers for both statute surfaces, and `highlight_html` for the portal and docs.

The lexers reuse the language's own tokenizers (`lexer.TOKEN` for English,
`lexer_zh.Scanner.match` for Chinese) instead of a separate set of regular
expressions, so a colour can never disagree with what the parser reads: a
literal, a keyword or a declared name is highlighted exactly when the
tokenizer says it is one. Unlike the tokenizers, the lexers never raise: an
editor or a page shows half-written statutes, so an unterminated string or a
stray character becomes an `Error` token and highlighting carries on.

Declared names are found by the same pre-scan the parser makes
(`parser.declared_names`, `lexer_zh.declared_names`); bare uses are then
matched longest-first (`parser.NameTrie` in English, the Chinese scanner's
own name matching), so `beyond the standard day` shows `standard day` as one
`Name.Variable` even though `day` is a keyword.

Registered as the Pygments plugin `lawdsl` (and `lawdsl-zh`) through the
`pygments.lexers` entry point in `pyproject.toml`, so `pygmentize -l lawdsl`
works once the package is installed.
"""

from __future__ import annotations

import html
import re
from typing import ClassVar, Iterator

from pygments import highlight as _pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.token import (
    Comment,
    Error,
    Generic,
    Keyword,
    Literal,
    Name,
    Number,
    Punctuation,
    String,
    Text,
    Whitespace,
    _TokenType,
)

from lawdsl.ast import Span
from lawdsl.syntax import lexer as en
from lawdsl.syntax import lexer_zh as zh
from lawdsl.syntax.lexer import FILLER_WORDS, KEYWORDS, RawToken

__all__ = ["LawLexer", "ChineseLawLexer", "AutoLawLexer", "lexer_for", "highlight_html", "highlight_css"]

_NO_SPAN = Span(0, 0, 0, 0)

#: English structure words: they open the statute's sections and headings.
_DECLARATION_WORDS = frozenset({"statute", "parties", "terms", "article"})
#: Party kinds, coloured as types (docs/language.md `"<role>" is a <kind>.`).
_KIND_WORDS = frozenset({"firm", "worker", "device", "agency", "citizen"})
#: Duration units (docs/language.md): after a number they make a duration literal.
_UNIT_WORDS = frozenset({"minute", "minutes", "hour", "hours", "day", "days", "week", "weeks"})

_ZH_DECLARATION = frozenset({"STATUTE", "PARTIES", "TERMS", "ARTICLE", "ORDINAL"})
_ZH_KINDS = frozenset({"FIRM", "WORKER", "DEVICE", "AGENCY", "CITIZEN"})
_ZH_UNITS = frozenset({"MINUTE", "HOUR", "DAY", "WEEK"})
_ZH_PUNCTUATION = frozenset({"DOT", "COLON", "COMMA", "SEMICOLON"})

#: Raw token kinds shared by both tokenizers → Pygments token types.
_LITERALS: dict[str, _TokenType] = {
    "MONEY": Number,
    "PERCENT": Number,
    "NUMBER": Number,
    "DATE": Literal.Date,
    "TZ": Literal.Date,
    "CLOCK": Literal.Date,
    "WEEKDAY": Name.Constant,
    "TEXT": String.Doc,
    "COMMENT": Comment.Single,
    "SPACE": Whitespace,
    "OPEN_TEXT": Error,
    "OPEN_STRING": Error,
    "OTHER": Error,
}

Piece = tuple[int, _TokenType, str]


# ---------------------------------------------------------------- English


def _english_raw(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) for every piece of `text`, layout and comments included, as `lexer.tokenize` splits it.

    Mirrors `lexer.tokenize` without its errors: the article id after
    `article`, and a money literal whose code is a keyword (`at 5`) read as a word.
    """
    out: list[tuple[str, int, int]] = []
    pos, after_article = 0, False
    while pos < len(text):
        if after_article:
            after_article = False
            article_id = en.ARTICLE_ID.match(text, pos)
            if article_id:
                if article_id.start(1) > pos:
                    out.append(("SPACE", pos, article_id.start(1)))
                out.append(("ARTICLE_ID", *article_id.span(1)))
                pos = article_id.end()
                continue
        match = en.TOKEN.match(text, pos)
        assert match is not None  # OTHER matches any character
        kind, start, end = match.lastgroup or "OTHER", match.start(), match.end()
        value = match.group()
        if kind == "MONEY" and value[:3].lower() in KEYWORDS:
            kind, end = "WORD", start + 3
        if kind == "WORD" and value.lower() in en.WEEKDAY_NAMES:
            kind = "WEEKDAY"
        out.append((kind, start, end))
        pos = end
        if kind == "WORD" and value.lower() == "article":
            after_article = True
    return out


class LawLexer(Lexer):
    """Statutes written in English (docs/language.md)."""

    name = "lawdsl"
    aliases = ["lawdsl", "law"]
    filenames = ["*.law"]
    mimetypes = ["text/x-lawdsl"]

    @staticmethod
    def analyse_text(text: str) -> float:
        """How sure Pygments' guessing may be that `text` is an English statute."""
        from lawdsl.load import first_significant

        return 0.9 if re.match(r'(?i)statute\s*"', first_significant(text)) else 0.0

    def get_tokens_unprocessed(self, text: str) -> Iterator[Piece]:
        pieces = _english_raw(text)
        significant = [i for i, (kind, _, _) in enumerate(pieces) if kind not in ("SPACE", "COMMENT")]
        raw = [RawToken(pieces[i][0], text[pieces[i][1] : pieces[i][2]], _NO_SPAN) for i in significant]
        from lawdsl.syntax.parser import NameTrie  # lark is only needed once a statute is highlighted

        # the declarations, found as `parser.declared_names` finds them: `"name" is|are` opening a sentence
        declared_at = {
            j
            for j in range(1, len(raw) - 1)
            if raw[j].kind == "STRING" and raw[j - 1].kind in ("DOT", "COLON") and raw[j + 1].lower in ("is", "are")
        }
        names = NameTrie([raw[j].text[1:-1] for j in sorted(declared_at)])
        #: piece index → its token type, for the significant pieces
        types: dict[int, _TokenType] = {}
        j = 0
        while j < len(raw):
            token, previous = raw[j], raw[j - 1] if j else None
            end = names.longest(raw, j) if token.kind in ("WORD", "WEEKDAY") else j
            if end > j and not (end == j + 1 and token.lower in KEYWORDS):
                # the fillers around a name stay fillers; the words between are the name
                first, last = j, end - 1
                while first < last and raw[first].lower in FILLER_WORDS:
                    types[significant[first]] = Keyword.Pseudo
                    first += 1
                for k in range(first, end):
                    types[significant[k]] = Name.Variable
                j = end
                continue
            types[significant[j]] = self._type(
                token, previous, raw[j + 1] if j + 1 < len(raw) else None, j in declared_at
            )
            j += 1
        for i, (kind, start, end) in enumerate(pieces):
            yield start, types.get(i, _LITERALS.get(kind, Text)), text[start:end]

    @staticmethod
    def _type(token: RawToken, previous: RawToken | None, following: RawToken | None, declared: bool) -> _TokenType:
        kind, word = token.kind, token.lower
        if kind == "STRING":
            if declared:
                return Name.Variable
            if previous is not None and (previous.lower == "statute" or previous.kind == "ARTICLE_ID"):
                return Generic.Heading
            return String.Double
        if kind == "ARTICLE_ID":
            return Name.Label
        if kind in ("DOT", "COMMA", "COLON", "SEMICOLON"):
            return Punctuation
        if kind == "NUMBER" and following is not None and following.lower in _UNIT_WORDS:
            return Number
        if kind == "WORD":
            if word in _UNIT_WORDS and previous is not None and previous.kind == "NUMBER":
                return Number
            if word == "utc":
                return Literal.Date
            if previous is not None and previous.lower == "currency":
                return Name.Builtin  # the currency code
            if word in _DECLARATION_WORDS:
                return Keyword.Declaration
            if word in _KIND_WORDS:
                return Keyword.Type
            if word in KEYWORDS:
                return Keyword
            if word in FILLER_WORDS:
                return Keyword.Pseudo
            return Text  # an undeclared word: the checker, not the colours, reports it
        return _LITERALS.get(kind, Text)


# ---------------------------------------------------------------- Chinese


def _chinese_raw(text: str) -> tuple[list[tuple[str, int, int]], frozenset[str]]:
    """(kind, start, end) pieces as `lexer_zh.tokenize` reads them, and the declared names; never raises."""

    def scan(names: frozenset[str]) -> list[tuple[str, int, int]]:
        scanner, out, pos = zh.Scanner(text, names), [], 0
        while pos < len(text):
            kind, end = scanner.match(pos)
            out.append((kind, pos, end))
            pos = end
        return out

    first = scan(frozenset())
    raw = [RawToken(kind, text[start:end], _NO_SPAN) for kind, start, end in first if kind not in ("SPACE", "COMMENT")]
    names = frozenset(zh.declared_names(raw))
    return scan(names), names


class ChineseLawLexer(Lexer):
    """Statutes written in Chinese (`docs/language-zh.md`)."""

    name = "lawdsl (中文)"
    aliases = ["lawdsl-zh", "law-zh"]
    filenames = ["*.zh.law"]
    mimetypes = ["text/x-lawdsl-zh"]
    #: `x.zh.law` matches both lexers' file patterns: the more specific one must win.
    priority = 0.5

    @staticmethod
    def analyse_text(text: str) -> float:
        """Chinese exactly when `load.surface_for` says so by content (the first word is `法规`)."""
        from lawdsl.load import first_significant

        return 1.0 if first_significant(text).startswith("法规") else 0.0

    def get_tokens_unprocessed(self, text: str) -> Iterator[Piece]:
        pieces, names = _chinese_raw(text)
        previous: str | None = None  # kind of the previous significant piece
        before_previous: str | None = None
        for i, (kind, start, end) in enumerate(pieces):
            value = text[start:end]
            following = next((k for k, _, _ in pieces[i + 1 :] if k not in ("SPACE", "COMMENT")), None)
            yield start, self._type(kind, value, previous, before_previous, following, names), value
            if kind not in ("SPACE", "COMMENT"):
                before_previous, previous = previous, kind

    @staticmethod
    def _type(
        kind: str,
        value: str,
        previous: str | None,
        before_previous: str | None,
        following: str | None,
        names: frozenset[str],
    ) -> _TokenType:
        if kind == "STRING":
            if value.startswith("《"):
                return Generic.Heading  # the statute's title
            if previous == "ARTICLE":
                return Generic.Heading  # 第 44.1 条「…」
            if following == "IS" and previous in (None, "DOT", "COLON"):
                return Name.Variable  # 「名称」为… : a declaration
            return String.Double
        if kind == "NAME" or (kind == "WORD" and value in names):
            return Name.Variable
        if kind == "WORD" and previous == "CURRENCY":
            return Name.Builtin  # the currency code
        if kind == "WORD":
            return Text  # an unknown run: the checker, not the colours, reports it
        if kind == "NUMBER" and previous == "ORDINAL" and following == "ARTICLE":
            return Name.Label
        if kind == "NUMBER" and following in _ZH_UNITS:
            return Number
        if kind in _ZH_UNITS and previous == "NUMBER" and before_previous != "ORDINAL":
            return Number
        if kind in _ZH_PUNCTUATION:
            return Punctuation
        if kind == "UTC":
            return Literal.Date
        if kind in _LITERALS:
            return _LITERALS[kind]
        if kind in _ZH_DECLARATION:
            return Keyword.Declaration
        if kind in _ZH_KINDS:
            return Keyword.Type
        return Keyword  # every other kind the scanner emits is a keyword phrase's terminal


# ---------------------------------------------------------------- either surface


class AutoLawLexer(Lexer):
    """Either surface, chosen by content as `load.surface_for` chooses it (for `*.law` of unknown language)."""

    name = "lawdsl (any surface)"
    aliases = ["lawdsl-auto"]
    filenames: ClassVar[list[str]] = []

    def get_tokens_unprocessed(self, text: str) -> Iterator[Piece]:
        return lexer_for(text).get_tokens_unprocessed(text)


def lexer_for(text: str, language: str | None = None, source_name: str = "<statute>", **options: object) -> Lexer:
    """The lexer for `language` (`"en"`/`"zh"`), or for the surface `text` is written in.

    `options` are Pygments lexer options (`stripnl`, `ensurenl`, …).
    """
    if language is None:
        from lawdsl.load import surface_for

        language = surface_for(text, source_name).language
    if language not in ("en", "zh"):
        raise ValueError(f"unknown statute language {language!r}: expected 'en' or 'zh'")
    return ChineseLawLexer(**options) if language == "zh" else LawLexer(**options)


#: Pygments' token types carry no state, so one formatter serves every call.
_FORMATTER = HtmlFormatter(cssclass="lawdsl", nowrap=True)


def highlight_html(text: str, language: str | None = None, *, wrap: bool = True) -> str:
    """Statute source as HTML with Pygments' short CSS classes (`k`, `nv`, `s2`, …).

    `language` is `"en"`, `"zh"` or `None` (chosen by content). With `wrap`,
    the result is a `<pre class="lawdsl">` block; without, only the spans (to
    put in the page's own element). Style it with `highlight_css()`.
    The text is reproduced exactly: every character is in exactly one span or
    between them, HTML-escaped.
    """
    # Pygments strips leading blank lines and adds a final newline by default: keep the source as written.
    lexer = lexer_for(text, language, stripnl=False, ensurenl=False)
    body = _pygments_highlight(text, lexer, _FORMATTER)
    if not text.endswith("\n") and body.endswith("\n"):
        body = body[:-1]  # the HTML formatter ends every line, the last one too
    return f'<pre class="lawdsl">{body}</pre>' if wrap else body


def highlight_css(style: str = "default") -> str:
    """The stylesheet for `highlight_html`'s classes, scoped to `.lawdsl`."""
    css: str = HtmlFormatter(style=style, cssclass="lawdsl").get_style_defs(".lawdsl")  # type: ignore[no-untyped-call]  # types-Pygments leaves HtmlFormatter.get_style_defs unannotated
    return css


def plain_text(html_text: str) -> str:
    """The source text back from `highlight_html` output (tags dropped, entities decoded): for tests."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))
