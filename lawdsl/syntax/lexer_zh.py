"""Source text → grammar terminals for the Chinese surface (`法规《…》`).

Chinese is written without spaces, so words cannot be split first and
classified later as the English lexer does. Instead, at each position this
tokenizer takes, in order: layout and comments, quoted text (`「…」`, `《…》`,
`\"\"\"…\"\"\"`), the LONGEST of the declared names and the keyword phrases
(a name may contain a keyword; a name spelt exactly like a keyword is left
to the parser driver, which knows which of the two may stand there),
literals, punctuation, and finally an unknown run of characters.

Declared names are known before tokenizing: a first pass without names
finds every `「name」为/是` that opens a sentence (docs/language.md's declaration), and
the second pass matches those names written bare.

Keyword phrases and declared names leave here already classified (their
terminal is the token kind), so the parser driver passes them through. An
unknown run leaves as a `WORD`: the driver makes it a NAME where a name may
stand (so the checker can say `未知术语「…」；您是否指「…」？`) and a syntax
error elsewhere.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable

from ..ast import ZH_NUMERALS
from ..messages import message
from .lexer import SMART_QUOTES, THOUSANDS, Comment, Cursor, LexError, RawToken, smart_quotes

#: The Chinese weekday names, Monday first (index = `datetime.date.weekday()`).
WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_WEEKDAY_ALIASES = {"星期天": 6, "周一": 0, "周二": 1, "周三": 2, "周四": 3, "周五": 4, "周六": 5, "周日": 6}
WEEKDAY_INDEX: dict[str, int] = {**{name: i for i, name in enumerate(WEEKDAYS_ZH)}, **_WEEKDAY_ALIASES}

#: Keyword phrase → grammar terminal. Several spellings may share a terminal;
#: the first spelling listed for a terminal is the canonical one (used by
#: the formatter and in messages).
KEYWORDS: dict[str, str] = {
    # header
    "法规": "STATUTE",
    "规范": "GOVERNS",
    "工作时间": "WORKING_TIME",
    "采购": "PROCUREMENT",
    "第": "ORDINAL",
    "版": "VERSION",
    "条": "ARTICLE",
    "自": "FROM",
    "起施行": "EFFECTIVE",
    "适用于": "JURISDICTION",
    "货币": "CURRENCY",
    "时区": "TIME_ZONE",
    "UTC": "UTC",
    # declarations
    "当事人": "PARTIES",
    "术语": "TERMS",
    "为": "IS",
    "是": "IS",
    "企业": "FIRM",
    "职工": "WORKER",
    "设备": "DEVICE",
    "机关": "AGENCY",
    "公民": "CITIZEN",
    "休息日": "REST_DAY",
    "法定节假日": "PUBLIC_HOLIDAY",
    "工作日": "WORKDAY",
    "和": "AND",
    "及": "AND",
    "并": "AND",
    "至": "TO",
    "始于": "BEGINS",
    **{name: "WEEKDAY" for name in WEEKDAY_INDEX},
    # units and periods
    "分钟": "MINUTE",
    "小时": "HOUR",
    "日": "DAY",
    "天": "DAY",
    "一日": "DAY",
    "周": "WEEK",
    "星期": "WEEK",
    "一周": "WEEK",
    "月": "MONTH",
    "一月": "MONTH",
    "一个月": "MONTH",
    "年": "YEAR",
    "一年": "YEAR",
    "半月": "HALF_MONTH",
    # working time
    "内": "ON",
    "超出": "BEYOND",
    "超过": "BEYOND",
    "的": "OF",
    "每小时工作": "EACH_HOUR_WORKED",
    "每小时加班": "EACH_HOUR_OVERTIME",
    "按": "BY",
    "小时工资": "HOURLY_WAGE",
    "计发": "EARNS",
    "已安排补休的除外": "UNLESS_TIME_OFF",
    "之间": "BETWEEN",
    "另行加发": "ADDITIONAL",
    "加发": "ADDITIONAL",
    "扣除已按加班计发的工时后": "NOT_COUNTING_OVERTIME",
    "连续工作的": "CONSECUTIVE_WORK",
    **{f"第{numeral}日": "NTH_DAY" for numeral in ZH_NUMERALS},
    "加班": "OVERTIME",
    "工作时长": "HOURS_WORKED",
    "属于": "CONSTITUTES",
    "违法": "VIOLATION",
    "在": "AT",
    "每次下班打卡时": "EACH_CLOCK_OUT",
    "结束时": "END",
    "向": "TOWARD",
    "支付": "PAYS",
    "每": "EACH",
    "每名": "EACH",
    "每位": "EACH",
    "每个": "EACH",
    "每份": "EACH",
    # vouchers
    "消费券": "VOUCHER",
    "发放": "ISSUES",
    "分期发放": "IN_INSTALMENTS",
    "面值为": "FACE_VALUE",
    "限持有": "HOLDING",
    "属性": "ATTRIBUTE",
    "并经": "ATTESTED_BY",
    "认证": "ATTESTED",
    "者": "WHO",
    "仅限在": "ONLY_AT",
    "使用": "USED",
    "仅限用于": "ONLY_FOR",
    "金额不低于": "AT_LEAST",
    "不低于": "AT_LEAST",
    "消费": "PURCHASE",
    "单笔消费": "PURCHASE",
    "至多抵扣": "COVERS_AT_MOST",
    "可分次使用": "SPLIT",
    "可": "MAY",
    "可以": "MAY",
    "不得": "NOT",
    "转让": "TRANSFERABLE",
    "届满后": "AFTER",
    "未使用的金额": "UNSPENT_VALUE",
    "退还": "RETURNS_TO",
    # procurement
    "收购": "BUYS",
    "以": "MEASURED_IN",
    "计": "RECKONED",
    "价格不超过": "PRICE_AT_MOST",
    "投标": "BID",
    "密封": "SEALED",
    "揭示": "REVEALED",
    "须缴纳": "CARRIES",
    "其报价": "ITS_VALUE",
    "作为保证金": "AS_DEPOSIT",
    "已揭示的最低报价": "LOWEST_BID",
    "中标": "WINS",
    "报价相同的": "TIES",
    "由最早的投标": "EARLIEST_BID",
    "交付": "DELIVERY",
    "由": "BY_PARTY",
    "确认": "CONFIRMED",
    "就每批经确认的交付": "FOR_EACH_DELIVERY",
    "按中标价格": "AT_AWARDED_PRICE",
    "每逾期交付一日": "EACH_DAY_LATE",
    "付款减少": "PAYMENT_REDUCED_BY",
    "未揭示其投标的": "NOT_REVEALING",
    "丧失其保证金": "FORFEITS_DEPOSIT",
    "累计不超过": "CAPPED_AT",
    "合同价格": "CONTRACT_PRICE",
    "在交付记录后": "AFTER_RECORD",
    "确认或提出异议": "CONFIRMS_OR_DISPUTES",
    "中标人": "WINNER",
    "提交": "LODGES",
    "作为履约保证金": "AS_SECURITY",
    "至验收时退还": "HELD_UNTIL_ACCEPTANCE",
    "违约时不予退还": "FORFEITED_ON_DEFAULT",
    "按价格": "BY_PRICE",
    "质量": "QUALITY",
    "加权": "WEIGHTED",
    "综合得分最高的已揭示投标": "HIGHEST_SCORE",
    "得分相同的": "SCORE_TIES",
    "在揭示结束后": "AFTER_REVEALS",
    "对每份已揭示投标的质量评分": "SCORES_QUALITY",
}

#: Terminal → its canonical spelling (the first listed above).
SPELLINGS: dict[str, str] = {}
for _phrase, _terminal in KEYWORDS.items():
    SPELLINGS.setdefault(_terminal, _phrase)
SPELLINGS["WEEKDAY"] = "星期一"
SPELLINGS["NTH_DAY"] = "第七日"

PUNCTUATION = {
    "。": "DOT",
    ".": "DOT",
    "：": "COLON",
    ":": "COLON",
    "，": "COMMA",
    ",": "COMMA",
    "、": "COMMA",
    "；": "SEMICOLON",
    ";": "SEMICOLON",
}

_LAYOUT = re.compile(
    r"""
    (?P<SPACE>[ \t\r\n\f\u3000\ufeff]+)
  | (?P<COMMENT>\#[^\n]*)
  | (?P<TEXT>\"\"\"[\s\S]*?\"\"\")
  | (?P<OPEN_TEXT>\"\"\")
  | (?P<STRING>「[^」\n]*」|《[^》\n]*》)
  | (?P<OPEN_STRING>[「《])
    """,
    re.VERBOSE,
)
_LITERAL = re.compile(
    r"""
    (?P<MONEY>[A-Z]{3}[ \t]+-?\d+(?:\.\d+)?)
  | (?P<DATE>\d{4}-\d{1,2}-\d{1,2}(?![0-9A-Za-z-]))
  | (?P<TZ>[+-]\d{2}:\d{2}|[A-Z][A-Za-z]+(?:/[A-Za-z0-9_+-]+)+)
  | (?P<CLOCK>\d{1,2}:\d{2}(?!\d))
  | (?P<PERCENT>\d+(?:\.\d+)?\s?%)
  | (?P<NUMBER>\d+(?:\.\d+)*)
  | (?P<WORD>[A-Za-z][A-Za-z0-9_'-]*)
    """,
    re.VERBOSE,
)
#: Where an unknown run must end whatever follows: layout, quotes, literals, punctuation.
_HARD_STOP = re.compile(r"[\s\u3000#\"「」《》0-9A-Za-z+\-%]|[。：，、；.:,;]")
#: A text block that swallowed the next article's heading was never closed.
_ARTICLE_HEADING = re.compile(r"^\s*第\s*\S+\s*条\s*「", re.MULTILINE)
_MAX_PHRASE = max(map(len, KEYWORDS))
#: How like a declared name (difflib ratio) an unknown run must be to be taken for a misspelling of it.
_LIKE_A_NAME = 0.6
#: … and a run that begins with a keyword, to be taken for a misspelt name rather than that keyword.
_SURELY_A_NAME = 0.8


def tokenize(text: str, comments: list[Comment] | None = None) -> list[RawToken]:
    """Split Chinese statute source into terminals; raise `LexError` (in Chinese) on what cannot be one.

    Comments are skipped, or collected into `comments` for the formatter.
    """
    names = declared_names(Scanner(text, frozenset()).tokens(None))
    return Scanner(text, frozenset(names)).tokens(comments)


def declared_names(tokens: Iterable[RawToken]) -> list[str]:
    """Names in `「…」` that open a sentence followed by 为/是: the parties and terms."""
    found: list[str] = []
    previous: RawToken | None = None
    items = list(tokens)
    for i, token in enumerate(items[:-1]):
        opens_sentence = previous is None or previous.kind in ("DOT", "COLON")
        if opens_sentence and token.kind == "STRING" and token.text.startswith("「") and items[i + 1].kind == "IS":
            found.append(token.text[1:-1])
        previous = token
    return found


class Scanner:
    """One tokenizing pass over `text`, matching the given declared names bare."""

    def __init__(self, text: str, names: frozenset[str]) -> None:
        self.text = text
        self.names = names
        self.longest_name = max(map(len, names), default=0)
        self.cursor = Cursor(text)
        self.phrases: dict[int, tuple[str, int] | None] = {}  # phrase() by position: runs re-ask it

    def tokens(self, comments: list[Comment] | None) -> list[RawToken]:
        text, pos = self.text, 0
        out: list[RawToken] = []
        while pos < len(text):
            kind, end = self.match(pos)
            span = self.cursor.span(pos, end)
            value = text[pos:end]
            if kind == "COMMENT" and comments is not None:
                trailing = bool(out) and out[-1].span.end_line == span.line
                comments.append(Comment(span.line, value[1:].strip(), trailing))
            elif kind not in ("SPACE", "COMMENT"):
                out.append(self.checked(kind, value, pos, end))
            pos = end
        return out

    def match(self, pos: int) -> tuple[str, int]:
        """The kind and end of the token at `pos`."""
        layout = _LAYOUT.match(self.text, pos)
        if layout:
            return layout.lastgroup or "", layout.end()
        phrase = self.phrase(pos)
        if phrase and phrase[0] not in ("NAME", "WORD"):
            misspelt_end = self.misspelt_name_end(pos)
            return ("WORD", misspelt_end) if misspelt_end > phrase[1] else phrase
        if phrase:
            return phrase
        literal = _LITERAL.match(self.text, pos)
        if literal:
            kind = literal.lastgroup or ""
            if kind == "WORD" and literal.group() in KEYWORDS:
                kind = KEYWORDS[literal.group()]
            return kind, literal.end()
        char = self.text[pos]
        if char in PUNCTUATION:
            return PUNCTUATION[char], pos + 1
        if _HARD_STOP.match(char) or not char.isprintable():
            return "OTHER", pos + 1
        return "WORD", self.unknown_run_end(pos)

    def phrase(self, pos: int) -> tuple[str, int] | None:
        """The longest declared name or keyword phrase at `pos`; a name wins a tie."""
        if pos not in self.phrases:
            self.phrases[pos] = self.longest_phrase(pos)
        return self.phrases[pos]

    def longest_phrase(self, pos: int) -> tuple[str, int] | None:
        for length in range(min(max(self.longest_name, _MAX_PHRASE), len(self.text) - pos), 0, -1):
            candidate = self.text[pos : pos + length]
            if candidate in self.names and candidate in KEYWORDS:
                # A name spelt like a keyword (「加班」): the parser driver tells which one is meant
                # from what may stand here, as it does for every English word.
                return "WORD", pos + length
            if candidate in self.names:
                return "NAME", pos + length
            if candidate in KEYWORDS and not candidate.isascii():
                return KEYWORDS[candidate], pos + length
        return None

    def unknown_run_end(self, start: int) -> int:
        """Where a run of unknown characters ends.

        A run never reaches past a declared name, and may stop wherever a
        keyword begins. When the run up to one of those stops resembles a
        declared name, stop there: that is the typo the writer most likely
        made (`标准工做日`), and the checker can then suggest the name.
        Otherwise stop at the first keyword.
        """
        stops = self.run_stops(start)
        similarity, stop = self.closest_stop(start, stops, _LIKE_A_NAME)
        return stop if similarity >= _LIKE_A_NAME else stops[0]

    def misspelt_name_end(self, start: int) -> int:
        """The end of a misspelt declared name that begins with a keyword (`每日加斑上限`), or `start`.

        A keyword match is given up for it only when the run is very close
        to a declared name, so that keywords written before a name still win.
        """
        if not self.names:
            return start
        similarity, stop = self.closest_stop(start, self.run_stops(start), _SURELY_A_NAME)
        return stop if similarity >= _SURELY_A_NAME else start

    def run_stops(self, start: int) -> list[int]:
        """Where an unknown run starting at `start` could end, nearest first; never past a name."""
        stops = []
        end = start + 1
        while end < len(self.text) and not _HARD_STOP.match(self.text[end]):
            found = self.phrase(end)
            if found and found[0] in ("NAME", "WORD"):  # a declared name begins
                break
            if found:
                stops.append(end)
            end += 1
        return stops + [end]

    def closest_stop(self, start: int, stops: list[int], threshold: float) -> tuple[float, int]:
        """The stop whose run is most like a declared name, with that likeness (0 to 1).

        Likenesses below `threshold` are not worked out exactly (they count as 0).
        """
        best = (0.0, start)
        for stop in stops:
            for name in self.names:
                matcher = difflib.SequenceMatcher(None, self.text[start:stop], name)
                if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
                    best = max(best, (matcher.ratio(), stop))
        return best

    def checked(self, kind: str, value: str, start: int, end: int) -> RawToken:
        """The token, or the Chinese `LexError` for a malformed one."""
        span = self.cursor.span(start, end)
        if kind == "TEXT" and _ARTICLE_HEADING.search(value):
            kind, span = "OPEN_TEXT", self.cursor.span(start, start + 3)
        if kind == "OPEN_TEXT":
            raise LexError(span, message("zh", "unterminated_text"))
        if kind == "OPEN_STRING":
            raise LexError(span, message("zh", "unterminated_string", open=value, close=_CLOSE[value]))
        if kind == "OTHER":
            raise LexError(span, message("zh", "unexpected_character", char=value))
        if kind == "WORD" and value[:1] in SMART_QUOTES:
            raise LexError(self.cursor.span(start, start + 1), smart_quotes("zh", self.text, start))
        if kind in ("NUMBER", "MONEY") and (grouped := THOUSANDS.match(self.text, end)):
            number = (value + grouped.group()).split()[-1].replace(",", "")
            raise LexError(span, message("zh", "thousands_separator", number=number))
        return RawToken(kind, value, span)


_CLOSE = {"「": "」", "《": "》"}
