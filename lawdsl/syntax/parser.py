"""Parse a statute: raw tokens → grammar terminals → Lark LALR tree → AST.

Lark never lexes the text itself. The driver here feeds the LALR parser one
terminal at a time and, for every word, asks the parser which terminals it
accepts now: a declared name (longest match, fillers ignored) is a NAME
where a name may stand, otherwise a keyword; unknown words where a name may
stand become a NAME that the checker reports with a did-you-mean. This is
the "contextual lexer" of docs/language.md's declared-name rule.

The driver serves every surface language. A `Surface` brings its grammar
file, its tokenizer and the words its messages use; the Chinese tokenizer
classifies keywords and names itself (Chinese has no spaces to split words
on), so its terminals pass straight through and only its unknown runs are
resolved here. `load.parse_text` picks the surface.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Iterator, Mapping, Protocol

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedToken
from lark.lexer import Lexer

from ..ast import Percentage, Span, Statute, name_key
from ..diagnostics import Diagnostic, StatuteError, closest
from ..messages import MESSAGES, join_or, message, quoted
from ..messages import word as vocabulary
from . import lexer_zh
from .lexer import FILLER_WORDS, KEYWORDS, Comment, LexError, RawToken, tokenize
from .to_ast import build_statute, token_span

NAME_WORD_KINDS = ("WORD", "WEEKDAY")


class _FedLexer(Lexer):
    """Placeholder: the driver feeds terminals itself through the interactive parser."""

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, lexer_state: object, parser_state: object) -> Iterator[Token]:
        return iter(())


@dataclass(frozen=True)
class Surface:
    """What one surface language brings to the shared driver, builder and AST.

    `keywords` classify plain `WORD` tokens (lower-cased) against the parser
    state. A tokenizer that classifies its own keywords (Chinese) emits words
    only for runs it does not know and for names spelt like a keyword.
    `spellings` name terminals in messages, in the surface's own words.
    """

    language: str
    grammar_file: str
    tokenize: Callable[[str, list[Comment] | None], list[RawToken]]
    keywords: Mapping[str, str]
    fillers: frozenset[str]
    spellings: Mapping[str, str]
    #: Terminals that open rule sentences: when the parser expects all of them, say "a rule sentence".
    rule_starts: frozenset[str]
    #: The declared names, found among the raw tokens.
    declared_names: Callable[[list[RawToken]], list[str]]
    #: The tokenizer classifies keywords itself, so a word no keyword or name matches is one it did not know.
    words_are_unknown: bool = False


@lru_cache(maxsize=None)
def grammar(grammar_file: str = "statute.lark") -> Lark:
    source = resources.files("lawdsl.syntax.grammar").joinpath(grammar_file).read_text("utf-8")
    return Lark(source, parser="lalr", lexer=_FedLexer, propagate_positions=True)


def parse(
    text: str, source_name: str = "<statute>", comments: list[Comment] | None = None, surface: Surface | None = None
) -> Statute:
    """Parse statute text of one surface (English by default) to an unchecked AST, or raise `StatuteError`.

    `comments`, when given, receives the source's comments (for the formatter).
    Which surface a file is written in is decided by `load.parse_text`.
    """
    surface = surface or ENGLISH
    try:
        raw = surface.tokenize(text, comments)
        tree = _Driver(raw, source_name, surface).run()
        return build_statute(tree, source_name, surface.language)
    except LexError as error:
        raise StatuteError([Diagnostic(source_name, error.span, error.message)], text) from None
    except StatuteError as error:
        error.source_text = text
        raise StatuteError(error.diagnostics, text) from None


# ---------------------------------------------------------------- declared names


class NameTrie:
    """Declared names by their filler-free lowercase words, for longest-match lookup."""

    def __init__(self, names: list[str], fillers: frozenset[str] = FILLER_WORDS) -> None:
        self.fillers = fillers
        self.root: dict[str | None, Any] = {}  # word → subtrie; None → a name ends here
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
            if word not in self.fillers:
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
        if token.kind == "STRING" and raw[i - 1].kind in ("DOT", "COLON") and raw[i + 1].lower in ("is", "are"):
            names.append(token.text[1:-1])
    return names


# ---------------------------------------------------------------- the driver


def _token(kind: str, text: str, span: Span) -> Token:
    return Token(kind, text, 0, span.line, span.column, span.end_line, span.end_column, 0)


def _after(token: Token) -> Span:
    """The empty span just past `token`."""
    end = token_span(token)
    return Span(end.end_line, end.end_column, end.end_line, end.end_column)


class _Parser(Protocol):
    """What the driver uses of lark's `InteractiveParser` (which lark leaves unannotated)."""

    def feed_token(self, token: Token) -> object: ...
    def feed_eof(self, last_token: Token | None = None) -> Tree[Token]: ...
    def choices(self) -> Mapping[str, object]: ...
    def copy(self) -> _Parser: ...


class _Driver:
    def __init__(self, raw: list[RawToken], source_name: str, surface: Surface) -> None:
        self.raw = raw
        self.source_name = source_name
        self.surface = surface
        self.names = NameTrie(surface.declared_names(raw), surface.fillers)
        self.parser: _Parser = grammar(surface.grammar_file).parse_interactive()
        self.last: Token | None = None
        #: The last NAME made from a word no keyword or declared name matched.
        self.unknown: Token | None = None
        #: Terminals of the sentence being read: which sentence it is, for a message.
        self.sentence: list[str] = []

    def run(self) -> Tree[Token]:
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
        self.sentence = [] if token.type in ("DOT", "COLON") else [*self.sentence, token.type]

    def next_terminal(self, i: int) -> tuple[Token | None, int]:
        token = self.raw[i]
        if token.kind not in NAME_WORD_KINDS:
            return _token(token.kind, token.text, token.span), i + 1
        accepts = self.parser.choices()
        name_end = self.names.longest(self.raw, i)
        keyword = self.keyword(token)
        if name_end > i and "NAME" in accepts and not self.keyword_ties(i, name_end, accepts):
            return self.name_token(i, name_end), name_end
        if keyword is not None and keyword in accepts:
            return _token(keyword, token.text, token.span), i + 1
        if token.lower in self.surface.fillers:
            return None, i + 1
        if "NAME" in accepts:
            end = self.unknown_name_end(i)
            self.unknown = self.name_token(i, end)
            return self.unknown, end
        if name_end > i:
            return self.name_token(i, name_end), name_end
        if keyword is None:
            self.unknown = _token("NAME", token.text, token.span)
            return self.unknown, i + 1
        return _token(keyword, token.text, token.span), i + 1

    def keyword_ties(self, start: int, end: int, accepts: Mapping[str, object]) -> bool:
        """A one-word name that is also a keyword the parser takes here yields to the keyword.

        Longest match decides between a name and a keyword; on a tie the
        keyword wins, so `"firm" is a firm.` declares a party called firm.
        """
        words = [w for w in self.raw[start:end] if w.lower not in self.surface.fillers]
        return len(words) == 1 and self.keyword(words[0]) in accepts

    def keyword(self, token: RawToken) -> str | None:
        return "WEEKDAY" if token.kind == "WEEKDAY" else self.surface.keywords.get(token.lower)

    def name_token(self, start: int, end: int) -> Token:
        fillers = self.surface.fillers
        words = self.raw[start:end]
        while len(words) > 1 and words[0].lower in fillers:
            words = words[1:]
        while len(words) > 1 and words[-1].lower in fillers:
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
            if self.keyword(self.raw[end]) in follows:
                break
            end += 1
        return end

    # -------------------------------------------------------------- messages

    def syntax_error(self, error: UnexpectedToken, end_of_file: bool = False) -> StatuteError:
        language = self.surface.language
        expected = sorted(t for t in error.expected if t.isupper())
        found: Token = error.token
        after_number = None if end_of_file or self.last is None else self.after_number(found)
        if self.last is None and end_of_file:
            span, text = Span(1, 1, 1, 1), message(language, "empty_statute")
        elif after_number is not None:
            assert self.last is not None
            span, text = Span.merge(token_span(self.last), token_span(found)), after_number
        elif (
            not end_of_file
            and self.last is not None
            and found.line == self.last.end_line
            and not closest(str(found.value), [self.spelling(t) for t in expected if t in self.surface.spellings])
            and (form := self.sentence_form())
        ):
            # Mid-sentence: a word out of place, not a forgotten full stop. Say what the sentence is.
            span = token_span(found)
            text = message(language, "out_of_place", found=found_text(found, language), form=form)
        elif "DOT" in expected and (end_of_file or found.type != "DOT") and self.last is not None:
            span = _after(self.last)
            what = message(language, "end_of_file") if end_of_file else found_text(found, language)
            text = message(language, "missing_dot", found=what)
        elif end_of_file:
            assert self.last is not None  # an empty statute is the first case
            span = _after(self.last)
            text = message(language, "unexpected_eof", expected=self.describe(expected))
        else:
            span = token_span(found)
            if found is self.unknown and self.surface.words_are_unknown:
                text = message(language, "unknown_word", word=found.value, expected=self.describe(expected))
            else:
                text = message(
                    language, "expected_found", expected=self.describe(expected), found=found_text(found, language)
                )
            spellings = [self.spelling(t) for t in expected if t in self.surface.spellings]
            guess = closest(str(found.value), spellings)
            if guess:
                text += message(language, "did_you_mean", name=guess)
        return StatuteError([Diagnostic(self.source_name, span, text)])

    def sentence_form(self) -> str | None:
        """The rule sentence being written, as its form in words (`an earning rule, like '…'`)."""
        seen = set(self.sentence)
        for terminals, key in _SENTENCE_FORMS:
            if seen & terminals:
                return message(self.surface.language, key)
        return None

    def after_number(self, found: Token) -> str | None:
        """A number followed by a word legislators write for a rate or a unit (`1.5x`, `1.5 times`,
        `125 percent`, `8 hrs`): how the language writes it instead."""
        if self.last is None or self.last.type != "NUMBER" or found.line != self.last.end_line:
            return None
        number, written = str(self.last.value), str(found.value).lower()
        language = self.surface.language
        if written in _MULTIPLIERS:
            percent = Percentage(round(Fraction(number) * Percentage.SCALE))
            return message(language, "rate_as_multiple", number=number, percent=percent)
        if written in _PERCENT_WORDS:
            return message(language, "percent_word", number=number)
        unit = _UNIT_ABBREVIATIONS.get(written)
        if unit is not None:
            plural = "" if Fraction(number) == 1 or language != "en" else "s"
            return message(
                language,
                "unit_abbreviation",
                written=f"{number} {found.value}",
                duration=f"{number} {vocabulary(language, unit)}{plural}",
            )
        return None

    def spelling(self, terminal: str) -> str:
        return self.surface.spellings.get(terminal, terminal.lower())

    def describe(self, terminals: list[str]) -> str:
        language = self.surface.language
        if self.surface.rule_starts <= set(terminals):
            others = [t for t in terminals if t in ("ARTICLE", "ORDINAL", "$END")]
            return message(language, "rule_sentence") + (message(language, "or_another_article") if others else "")
        words = [
            message(language, f"terminal_{t}")
            if f"terminal_{t}" in MESSAGES
            else message(language, "keyword", text=self.spelling(t))
            for t in terminals
        ]
        words = list(dict.fromkeys(words))
        if len(words) > 8:
            words = words[:8] + ["…"]
        return join_or(language, words)


#: Words after a number that make it a multiple of the wage, a percentage, or an abbreviated unit.
_MULTIPLIERS = frozenset({"x", "times", "×", "倍"})
_PERCENT_WORDS = frozenset({"percent", "pct", "per-cent"})
_UNIT_ABBREVIATIONS = {
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "m": "minute",
    "min": "minute",
    "mins": "minute",
    "d": "day",
    "w": "week",
    "wk": "week",
    "wks": "week",
}

#: Which rule sentence is being written, by a terminal only it has (either surface), first match
#: wins; and the message key of its form.
_SENTENCE_FORMS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"VIOLATION", "CONSTITUTES", "OVERTIME", "HOURS_WORKED"}), "form_limit"),
    (frozenset({"EARNS", "EACH_HOUR_WORKED", "HOURLY", "HOURLY_WAGE", "WORKED"}), "form_earning"),
    (frozenset({"CLOCK_OUT", "EACH_CLOCK_OUT", "END"}), "form_wage_payment"),
    (frozenset({"CONFIRMED", "FOR_EACH_DELIVERY", "AWARDED", "AT_AWARDED_PRICE"}), "form_supply_payment"),
    (frozenset({"INSTALMENT", "IN_INSTALMENTS", "ISSUED"}), "form_instalments"),
    (frozenset({"ISSUES", "FACE_VALUE"}), "form_issue"),
    (frozenset({"COVERS", "COVERS_AT_MOST"}), "form_share"),
    (frozenset({"SPLIT"}), "form_split"),
    (frozenset({"TRANSFERABLE"}), "form_transfer"),
    (frozenset({"UNSPENT", "UNSPENT_VALUE", "RETURNS", "RETURNS_TO"}), "form_expiry"),
    (frozenset({"LEAST", "AT_LEAST"}), "form_minimum"),
    (frozenset({"DURING"}), "form_when"),
    (frozenset({"BUYS"}), "form_purchase"),
    (frozenset({"SEALED", "REVEALED"}), "form_bidding"),
    (frozenset({"CARRIES", "AS_DEPOSIT"}), "form_deposit"),
    (frozenset({"LOWEST", "LOWEST_BID", "TIES"}), "form_award"),
    (frozenset({"FORFEITS", "FORFEITS_DEPOSIT", "NOT_REVEALING", "WHO"}), "form_forfeit"),
    (frozenset({"LATE", "EACH_DAY_LATE", "REDUCES", "PAYMENT_REDUCED_BY"}), "form_penalty"),
    (frozenset({"BEST", "WEIGHING", "BY_PRICE", "WEIGHTED", "HIGHEST_SCORE", "SCORE_TIES"}), "form_best_value"),
    (frozenset({"SCORES", "SCORES_QUALITY", "AFTER_REVEALS"}), "form_scoring"),
    (frozenset({"CONFIRMS", "DISPUTES", "RECORD", "AFTER_RECORD", "CONFIRMS_OR_DISPUTES"}), "form_inspection"),
    (frozenset({"WINNER", "LODGES", "PERFORMANCE", "SECURITY", "AS_SECURITY", "HELD"}), "form_security"),
    (frozenset({"DELIVERY", "BY_PARTY"}), "form_delivery"),
    (frozenset({"PAYS"}), "form_wage_payment"),
)

_SPELLINGS: dict[str, str] = {}
for _word, _terminal in KEYWORDS.items():
    _SPELLINGS.setdefault(_terminal, _word)


def found_text(token: Token, language: str = "en") -> str:
    if token.type == "$END":
        return message(language, "end_of_file")
    value = str(token.value)
    if token.type == "TEXT":
        return message(language, "found_text_block", text=value)
    if value[:1] in ("「", "《"):  # already quoted as written
        return value
    return quoted(language, value)


ENGLISH = Surface(
    language="en",
    grammar_file="statute.lark",
    tokenize=tokenize,
    keywords=KEYWORDS,
    fillers=FILLER_WORDS,
    spellings=_SPELLINGS,
    rule_starts=frozenset({"EACH", "VOUCHER", "BID", "LOWEST", "WINNER"}),
    declared_names=declared_names,
)
CHINESE = Surface(
    language="zh",
    grammar_file="statute_zh.lark",
    tokenize=lexer_zh.tokenize,
    keywords=lexer_zh.KEYWORDS,
    fillers=frozenset(),
    spellings=lexer_zh.SPELLINGS,
    rule_starts=frozenset({"EACH_HOUR_WORKED", "VOUCHER", "BID", "LOWEST_BID"}),
    declared_names=lexer_zh.declared_names,
    words_are_unknown=True,
)
