"""Parse a statute: raw tokens → grammar terminals → Lark LALR tree → AST.

Lark never lexes the text itself. The driver here feeds the LALR parser one
terminal at a time and, for every word, asks the parser which terminals it
accepts now: a declared name (longest match, fillers ignored) is a NAME
where a name may stand, otherwise a keyword; unknown words where a name may
stand become a NAME that the checker reports with a did-you-mean. This is
the "contextual lexer" of SPEC §1's declared-name rule.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Iterator

from lark import Lark, Token
from lark.exceptions import UnexpectedToken
from lark.lexer import Lexer
from lark.parsers.lalr_interactive_parser import InteractiveParser

from .ast import Span, Statute, name_key
from .build import build_statute
from .diagnostics import Diagnostic, StatuteError, closest
from .lexer import FILLER_WORDS, KEYWORDS, Comment, LexError, RawToken, tokenize

NAME_WORD_KINDS = ("WORD", "WEEKDAY")


class _FedLexer(Lexer):
    """Placeholder: the driver feeds terminals itself through the interactive parser."""

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, lexer_state: object, parser_state: object) -> Iterator[Token]:
        return iter(())


@lru_cache(maxsize=1)
def grammar() -> Lark:
    source = resources.files("lawdsl.grammar").joinpath("statute.lark").read_text("utf-8")
    return Lark(source, parser="lalr", lexer=_FedLexer, propagate_positions=True)


def parse(text: str, source_name: str = "<statute>", comments: list[Comment] | None = None) -> Statute:
    """Parse English statute text to an unchecked AST, or raise `StatuteError`.

    `comments`, when given, receives the source's comments (for the formatter).
    """
    try:
        raw = tokenize(text, comments)
        tree = _Driver(raw, source_name).run()
        return build_statute(tree, source_name)
    except LexError as error:
        raise StatuteError([Diagnostic(source_name, error.span, error.message)], text) from None
    except StatuteError as error:
        error.source_text = text
        raise StatuteError(error.diagnostics, text) from None


# ---------------------------------------------------------------- declared names


class NameTrie:
    """Declared names by their filler-free lowercase words, for longest-match lookup."""

    def __init__(self, names: list[str]) -> None:
        self.root: dict = {}
        for name in names:
            node = self.root
            for word in name_key(name).split():
                node = node.setdefault(word, {})
            node[None] = True

    def longest(self, raw: list[RawToken], start: int) -> int:
        """Index just past the longest declared name starting at `start` (or `start`)."""
        node, best, i = self.root, start, start
        while i < len(raw) and raw[i].kind in NAME_WORD_KINDS:
            word = raw[i].lower
            if word not in FILLER_WORDS:
                if word not in node:
                    break
                node = node[word]
                if None in node:
                    best = i + 1
            i += 1
        return best


def declared_names(raw: list[RawToken]) -> list[str]:
    """Quoted names that open a sentence with `is`/`are`: the parties and terms."""
    names = []
    for i, token in enumerate(raw[1:-1], start=1):
        if (
            token.kind == "STRING"
            and raw[i - 1].kind in ("DOT", "COLON")
            and raw[i + 1].lower in ("is", "are")
        ):
            names.append(token.text[1:-1])
    return names


# ---------------------------------------------------------------- the driver


def _token(kind: str, text: str, span: Span) -> Token:
    return Token(kind, text, 0, span.line, span.column, span.end_line, span.end_column, 0)


class _Driver:
    def __init__(self, raw: list[RawToken], source_name: str) -> None:
        self.raw = raw
        self.source_name = source_name
        self.names = NameTrie(declared_names(raw))
        self.parser: InteractiveParser = grammar().parse_interactive()
        self.last: Token | None = None

    def run(self):
        i = 0
        while i < len(self.raw):
            token, i = self.next_terminal(i)
            if token is not None:
                self.feed(token)
        try:
            return self.parser.feed_eof(self.last)
        except UnexpectedToken as error:
            raise self.syntax_error(error, end_of_file=True) from None

    def feed(self, token: Token) -> None:
        try:
            self.parser.feed_token(token)
        except UnexpectedToken as error:
            raise self.syntax_error(error) from None
        self.last = token

    def next_terminal(self, i: int) -> tuple[Token | None, int]:
        token = self.raw[i]
        if token.kind not in NAME_WORD_KINDS:
            return _token(token.kind, token.text, token.span), i + 1
        accepts = self.parser.choices()
        name_end = self.names.longest(self.raw, i)
        keyword = KEYWORDS.get(token.lower)
        if token.kind == "WEEKDAY":
            keyword = "WEEKDAY"
        if name_end > i and "NAME" in accepts:
            return self.name_token(i, name_end), name_end
        if keyword in accepts:
            return _token(keyword, token.text, token.span), i + 1
        if token.lower in FILLER_WORDS:
            return None, i + 1
        if "NAME" in accepts:
            end = self.unknown_name_end(i)
            return self.name_token(i, end), end
        if name_end > i:
            return self.name_token(i, name_end), name_end
        return _token(keyword or "NAME", token.text, token.span), i + 1

    def name_token(self, start: int, end: int) -> Token:
        words = self.raw[start:end]
        while len(words) > 1 and words[0].lower in FILLER_WORDS:
            words = words[1:]
        while len(words) > 1 and words[-1].lower in FILLER_WORDS:
            words = words[:-1]
        span = Span.merge(words[0].span, words[-1].span)
        return _token("NAME", " ".join(w.text for w in words), span)

    def unknown_name_end(self, start: int) -> int:
        """An undeclared name runs until a word the parser could take after it."""
        probe = self.parser.copy()
        try:
            probe.feed_token(_token("NAME", "?", self.raw[start].span))
            follows = set(probe.choices())
        except UnexpectedToken:
            return start + 1
        end = start + 1
        while end < len(self.raw) and self.raw[end].kind in NAME_WORD_KINDS:
            word = self.raw[end]
            keyword = "WEEKDAY" if word.kind == "WEEKDAY" else KEYWORDS.get(word.lower)
            if keyword in follows:
                break
            end += 1
        return end

    # -------------------------------------------------------------- messages

    def syntax_error(self, error: UnexpectedToken, end_of_file: bool = False) -> StatuteError:
        expected = sorted(t for t in error.expected if t.isupper())
        found = error.token
        if self.last is None and end_of_file:
            span, message = Span(1, 1, 1, 1), 'empty statute: a statute begins with statute "<title>"'
        elif "DOT" in expected and (end_of_file or found.type != "DOT") and self.last is not None:
            span = Span(self.last.end_line, self.last.end_column, self.last.end_line, self.last.end_column)
            what = "the end of the file" if end_of_file else f"'{found.value}'"
            message = f"missing '.' at the end of the sentence (found {what})"
        elif end_of_file:
            span = Span(self.last.end_line, self.last.end_column, self.last.end_line, self.last.end_column)
            message = f"unexpected end of file; expected {describe(expected)}"
        else:
            span = Span(found.line, found.column, found.end_line, found.end_column)
            message = f"expected {describe(expected)}, found {found_text(found)}"
            guess = closest(str(found.value), [spelling(t) for t in expected if t in _SPELLINGS])
            if guess:
                message += f"; did you mean '{guess}'?"
        return StatuteError([Diagnostic(self.source_name, span, message)])


_SPELLINGS: dict[str, str] = {}
for _word, _terminal in KEYWORDS.items():
    _SPELLINGS.setdefault(_terminal, _word)

_DESCRIPTIONS = {
    "NAME": "a name",
    "STRING": 'a quoted string',
    "TEXT": 'a """text block"""',
    "NUMBER": "a number",
    "MONEY": "money (like CNY 25.50)",
    "PERCENT": "a percentage (like 150%)",
    "DATE": "a date (YYYY-MM-DD)",
    "TZ": "a time zone (like +08:00)",
    "WEEKDAY": "a weekday",
    "ARTICLE_ID": "an article number",
    "DOT": "'.'",
    "COMMA": "','",
    "COLON": "':'",
    "SEMICOLON": "';'",
    "$END": "the end of the file",
}


def spelling(terminal: str) -> str:
    return _SPELLINGS.get(terminal, terminal.lower())


#: Terminals that open rule sentences: when the parser expects all of these, say "a rule sentence".
_RULE_STARTS = {"EACH", "VOUCHER", "BID", "LOWEST"}


def describe(terminals: list[str]) -> str:
    if _RULE_STARTS <= set(terminals):
        others = [t for t in terminals if t in ("ARTICLE", "$END")]
        return "a rule sentence" + (" or another article" if others else "")
    words = [_DESCRIPTIONS.get(t) or f"'{spelling(t)}'" for t in terminals]
    words = list(dict.fromkeys(words))
    if len(words) > 8:
        words = words[:8] + ["…"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def found_text(token: Token) -> str:
    if token.type == "$END":
        return "the end of the file"
    return f"'{token.value}'"
