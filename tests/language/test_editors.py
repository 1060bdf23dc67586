"""Editor support: the VS Code extension under `editors/vscode/` and the language server `editors.lsp`.

VS Code runs TextMate grammars on Oniguruma, which Python cannot load; the
`regex` module (in the lock) reads the same syntax for everything these
grammars use (inline flags, lookbehind, `\\b`, Unicode classes), so each
pattern is compiled with it, and a small line-by-line TextMate matcher
(leftmost match, then pattern order; `begin`/`end` spanning lines) checks what
scope real statutes and every keyword of both keyword tables get.

The language server's handlers are driven directly, on a server whose
workspace is set up as `initialize` would and whose published diagnostics are
recorded; one test starts `python -m editors.lsp` and shakes hands over stdio.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import regex
from lsprotocol import types as lsp
from pygls.workspace import Workspace

from editors import lsp as server_module
from editors.lsp import StatuteServer, diagnostics_for, from_lsp_position, hover_for, to_lsp_position
from lawdsl.load import parse_text
from lawdsl.syntax import lexer, lexer_zh

ROOT = Path(__file__).resolve().parents[2]
VSCODE = ROOT / "editors" / "vscode"
GRAMMARS = {
    "lawdsl": VSCODE / "syntaxes" / "lawdsl.tmLanguage.json",
    "lawdsl-zh": VSCODE / "syntaxes" / "lawdsl-zh.tmLanguage.json",
}
#: Scopes a keyword may get: a keyword proper, a structure word, a party kind, a weekday, a duration unit, UTC.
KEYWORD_SCOPES = ("keyword.other", "storage.type.party", "constant.language.weekday", "constant.numeric.timezone")
OVERTIME = (ROOT / "statutes" / "overtime.law").read_text("utf-8")
OVERTIME_ZH = (ROOT / "statutes" / "overtime.zh.law").read_text("utf-8")
VOUCHERS = (ROOT / "statutes" / "vouchers.law").read_text("utf-8")


def grammar(language: str) -> dict[str, Any]:
    return json.loads(GRAMMARS[language].read_text("utf-8"))


def patterns_of(node: Any) -> Iterator[str]:
    """Every regex in a grammar: `match`, `begin`, `end`, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("match", "begin", "end") and isinstance(value, str):
                yield value
            else:
                yield from patterns_of(value)
    elif isinstance(node, list):
        for item in node:
            yield from patterns_of(item)


def scopes(language: str, text: str) -> list[tuple[str, str]]:
    """(scope, text) pieces a TextMate engine would give `text`, top-level patterns only (which is all there is)."""
    rules = [
        (rule, regex.compile(rule.get("match") or rule["begin"], regex.V0)) for rule in grammar(language)["patterns"]
    ]
    found: list[tuple[str, str]] = []
    inside: tuple[dict, Any] | None = None  # an open begin/end rule
    for line in text.splitlines(keepends=True):
        pos = 0
        while pos < len(line):
            if inside is not None:
                rule, end = inside
                closing = end.search(line, pos)
                stop = closing.end() if closing else len(line)
                found.append((rule["name"], line[pos:stop]))
                pos = stop
                if closing:
                    inside = None
                continue
            best = None
            for rule, pattern in rules:
                match = pattern.search(line, pos)
                if match and match.end() > match.start() and (best is None or match.start() < best[1].start()):
                    best = (rule, match)
            if best is None:
                break
            rule, match = best
            pos = match.end()
            if "begin" in rule:
                found.append((rule["name"], match.group()))
                inside = (rule, regex.compile(rule["end"]))
            elif "captures" in rule:
                found += [
                    (rule["captures"][str(i)]["name"], match.group(i))
                    for i in range(1, (match.lastindex or 0) + 1)
                    if match.group(i) and str(i) in rule["captures"]
                ]
            else:
                found.append((rule["name"], match.group()))
    return found


def scope_of(language: str, text: str, piece: str) -> str:
    return next(scope for scope, value in scopes(language, text) if value == piece)


# ---------------------------------------------------------------- the manifest


def test_manifest_contributes_both_languages_and_their_grammars():
    manifest = json.loads((VSCODE / "package.json").read_text("utf-8"))
    languages = {entry["id"]: entry for entry in manifest["contributes"]["languages"]}
    assert languages["lawdsl"]["extensions"] == [".law"]
    assert languages["lawdsl-zh"]["extensions"] == [".zh.law"]  # VS Code prefers the longest extension
    assert "*.zh.law" in languages["lawdsl-zh"]["filenamePatterns"]
    assert regex.match(languages["lawdsl-zh"]["firstLine"], "\ufeff法规《工时与加班工资条例》")
    for entry in languages.values():
        assert (VSCODE / entry["configuration"]).is_file()
    grammars = {entry["language"]: entry for entry in manifest["contributes"]["grammars"]}
    assert set(grammars) == set(languages)
    for language, entry in grammars.items():
        path = VSCODE / entry["path"]
        assert path == GRAMMARS[language]
        assert grammar(language)["scopeName"] == entry["scopeName"]


def test_language_configuration_has_hash_comments_and_chinese_brackets():
    configuration = json.loads((VSCODE / "language-configuration.json").read_text("utf-8"))
    assert configuration["comments"] == {"lineComment": "#"}
    assert ["「", "」"] in configuration["brackets"] and ["《", "》"] in configuration["brackets"]
    pairs = [(pair["open"], pair["close"]) for pair in configuration["autoClosingPairs"]]
    assert ("「", "」") in pairs and ("《", "》") in pairs
    regex.compile(configuration["wordPattern"])


# ---------------------------------------------------------------- the grammars


@pytest.mark.parametrize("language", GRAMMARS)
def test_every_grammar_pattern_compiles(language: str):
    found = list(patterns_of(grammar(language)))
    assert len(found) > 10
    for pattern in found:
        regex.compile(pattern, regex.V0)


@pytest.mark.parametrize("language", GRAMMARS)
def test_grammars_are_what_the_generator_writes(language: str):
    """The keyword lists come from lawdsl's tables: rerun `editors/build_grammars.py` after changing one."""
    spec = importlib.util.spec_from_file_location("build_grammars", ROOT / "editors" / "build_grammars.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    build = module.GRAMMARS[GRAMMARS[language].name]
    assert GRAMMARS[language].read_text("utf-8") == module.render(build()), "stale: run editors/build_grammars.py"


@pytest.mark.parametrize("word", sorted(lexer.KEYWORDS) + list(lexer.WEEKDAY_NAMES))
def test_every_english_keyword_is_highlighted(word: str):
    for spelling in (word, word.upper(), word.capitalize()):  # English keywords are case-insensitive
        assert scopes("lawdsl", f"{spelling} ")[0][1] == spelling
        assert scopes("lawdsl", f"{spelling} ")[0][0].startswith(KEYWORD_SCOPES), spelling


@pytest.mark.parametrize("phrase", sorted(p for p in lexer_zh.KEYWORDS if not p.isascii()))
def test_every_chinese_keyword_is_highlighted(phrase: str):
    (scope, text), *_ = scopes("lawdsl-zh", phrase)
    assert text == phrase, f"{phrase}: the grammar takes {text!r} first"
    assert scope.startswith(KEYWORD_SCOPES)


def test_english_statute_scopes():
    text = (ROOT / "statutes" / "overtime.law").read_text("utf-8") + '  # a comment with "quotes"\n'
    assert scope_of("lawdsl", text, "statute") == "keyword.other.structure.lawdsl"
    assert scope_of("lawdsl", text, '"Working Hours and Overtime Pay Act"') == "entity.name.type.title.lawdsl"
    assert scope_of("lawdsl", text, '"standard day"') == "variable.other.declaration.lawdsl"
    assert scope_of("lawdsl", text, '"People\'s Republic of China"') == "string.quoted.double.lawdsl"
    assert scope_of("lawdsl", text, "44.1") == "entity.name.section.lawdsl"
    assert scope_of("lawdsl", text, '"Extended working hours"') == "entity.name.section.title.lawdsl"
    assert scope_of("lawdsl", text, "150%") == "constant.numeric.percentage.lawdsl"
    assert scope_of("lawdsl", text, "2026-01-01") == "constant.numeric.date.lawdsl"
    assert scope_of("lawdsl", text, "+08:00") == "constant.numeric.timezone.lawdsl"
    assert scope_of("lawdsl", text, "8") == "constant.numeric.duration.lawdsl"
    assert scope_of("lawdsl", text, "firm") == "storage.type.party.lawdsl"
    assert scope_of("lawdsl", text, '# a comment with "quotes"\n'.rstrip("\n")) == "comment.line.number-sign.lawdsl"
    wording = [value for scope, value in scopes("lawdsl", text) if scope == "string.quoted.triple.wording.lawdsl"]
    assert "of eight hours, limits on extended hours, and premium pay for overtime, paid\n" in wording
    money = 'terms:\n  "face value" is CNY 200.00.\n'
    assert scope_of("lawdsl", money, "CNY 200.00") == "constant.numeric.money.lawdsl"


def test_chinese_statute_scopes():
    text = (ROOT / "statutes" / "overtime.zh.law").read_text("utf-8")
    assert scope_of("lawdsl-zh", text, "法规") == "keyword.other.structure.lawdsl"
    assert scope_of("lawdsl-zh", text, "《工时与加班工资条例》") == "entity.name.type.title.lawdsl"
    assert scope_of("lawdsl-zh", text, "「用人单位」") == "variable.other.declaration.lawdsl"
    assert scope_of("lawdsl-zh", text, "「中华人民共和国」") == "string.quoted.other.lawdsl"
    assert scope_of("lawdsl-zh", text, "44.1") == "entity.name.section.lawdsl"
    assert scope_of("lawdsl-zh", text, "「延长工作时间」") == "entity.name.section.title.lawdsl"
    assert scope_of("lawdsl-zh", text, "小时") == "constant.numeric.duration.unit.lawdsl"
    assert scope_of("lawdsl-zh", text, "星期六") == "constant.language.weekday.lawdsl"
    assert scope_of("lawdsl-zh", text, "每小时工作") == "keyword.other.lawdsl"  # not 每 + 小时 + 工作
    assert scope_of("lawdsl-zh", text, "已安排补休的除外") == "keyword.other.lawdsl"
    assert scope_of("lawdsl-zh", "「标准工作日」为8小时。", "8") == "constant.numeric.duration.lawdsl"


# ---------------------------------------------------------------- the language server


class Recorder(StatuteServer):
    """The server with an initialized workspace and the published diagnostics kept instead of sent."""

    def __init__(self) -> None:
        super().__init__()
        self.protocol._workspace = Workspace(None, lsp.TextDocumentSyncKind.Incremental)
        self.published: list[lsp.PublishDiagnosticsParams] = []

    def text_document_publish_diagnostics(self, params: lsp.PublishDiagnosticsParams) -> None:
        self.published.append(params)


def open_document(ls: Recorder, uri: str, text: str) -> None:
    ls.workspace.put_text_document(lsp.TextDocumentItem(uri=uri, language_id="lawdsl", version=1, text=text))
    server_module.did_open(
        ls,
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="lawdsl", version=1, text=text)
        ),
    )


def position_of(text: str, needle: str, nth: int = 0, offset: int = 1) -> lsp.Position:
    """The LSP position `offset` characters into the `nth` occurrence of `needle`."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1) + offset
    return to_lsp_position(text.splitlines(), line + 1, column + 1)


def hover_text(ls: Recorder, uri: str, position: lsp.Position) -> str | None:
    result = server_module.hover(
        ls, lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=position)
    )
    return None if result is None else result.contents.value


def test_a_good_statute_has_no_diagnostics():
    ls = Recorder()
    open_document(ls, "file:///w/overtime.zh.law", OVERTIME_ZH)
    assert [p.diagnostics for p in ls.published] == [[]]


def test_diagnostics_follow_changes_and_speak_the_statute_language():
    ls, uri = Recorder(), "file:///w/overtime.zh.law"
    open_document(ls, uri, OVERTIME_ZH)
    typo = OVERTIME_ZH.replace("超出标准工作日的", "超出标准工做日的")
    start = position_of(OVERTIME_ZH, "标准工作日的", offset=0)
    ls.workspace.update_text_document(
        lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        lsp.TextDocumentContentChangePartial(
            range=lsp.Range(
                start=lsp.Position(line=start.line, character=start.character + 3),
                end=lsp.Position(line=start.line, character=start.character + 4),
            ),
            text="做",
        ),
    )
    assert ls.workspace.get_text_document(uri).source == typo
    server_module.did_change(
        ls,
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2), content_changes=[]
        ),
    )
    (diagnostic,) = ls.published[-1].diagnostics
    assert diagnostic.message == "未知术语「标准工做日」；您是否指「标准工作日」？"
    assert diagnostic.range.start == start and diagnostic.severity == lsp.DiagnosticSeverity.Error
    assert ls.published[-1].version == 2
    server_module.did_close(ls, lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert ls.published[-1].diagnostics == [] and uri not in ls.statutes


def test_diagnostics_are_those_of_lawdsl_check():
    text = OVERTIME.replace("beyond the standard day", "beyond the standard dya")
    (diagnostic,) = diagnostics_for(text, "overtime.law")
    assert "standard dya" in diagnostic.message and "standard day" in diagnostic.message
    assert diagnostic.range.start == position_of(text, "standard dya", offset=0)
    broken = diagnostics_for('statute "x"\n  governs nothing.', "x.law")
    assert broken and broken[0].range.start.line == 1


def test_hover_on_a_term_gives_its_value_and_type():
    ls, uri = Recorder(), "file:///w/overtime.law"
    open_document(ls, uri, OVERTIME)
    use = hover_text(ls, uri, position_of(OVERTIME, "standard day earns", offset=3))
    assert use == "**standard day** — term: `8 hours` (a duration; declared on line 21)"
    declaration = hover_text(ls, uri, position_of(OVERTIME, '"daily overtime limit"'))
    assert declaration is not None and "`3 hours`" in declaration
    assert (
        hover_text(ls, uri, position_of(OVERTIME, "employer pays"))
        == "**employer** — party: a firm (declared on line 16)"
    )


def test_hover_on_an_article_heading_gives_its_wording():
    ls, uri = Recorder(), "file:///w/overtime.law"
    open_document(ls, uri, OVERTIME)
    text = hover_text(ls, uri, position_of(OVERTIME, "article 44.1"))
    assert text is not None and text.startswith("**Article 44.1 — Extended working hours**\n\n> Where extended")
    assert "> less than 150 percent of normal wages." in text
    assert hover_text(ls, uri, position_of(OVERTIME, "article 50")).endswith("(no official wording)")


def test_hover_in_chinese():
    ls, uri = Recorder(), "file:///w/overtime.zh.law"
    open_document(ls, uri, OVERTIME_ZH)
    assert (
        hover_text(ls, uri, position_of(OVERTIME_ZH, "超出标准工作日", offset=3))
        == "**标准工作日** — 术语：`8 小时`（时长；第 20 行声明）"
    )
    heading = hover_text(ls, uri, position_of(OVERTIME_ZH, "第 44.2 条"))
    assert heading is not None and heading.startswith("**第 44.2 条「休息日工作」**\n\n> 休息日安排劳动者")
    assert hover_text(ls, uri, position_of(OVERTIME_ZH, "用人单位在")) == "**用人单位** — 当事人：企业（第 15 行声明）"


def test_hover_on_categories_and_nothing():
    statute = parse_text(VOUCHERS, "vouchers.law")
    line = VOUCHERS[: VOUCHERS.index("in the eligible categories")].count("\n") + 1
    column = VOUCHERS.splitlines()[line - 1].index("eligible categories") + 2
    assert hover_for(statute, line, column) == (
        '**eligible categories** — term: `"groceries", "household '
        'appliances", "restaurants"` (a list of categories; declared on line 22)'
    )
    assert hover_for(statute, 9, 1) is None  # a blank line


def test_hover_survives_a_half_written_edit_with_the_last_good_statute():
    ls, uri = Recorder(), "file:///w/overtime.law"
    open_document(ls, uri, OVERTIME)
    ls.workspace.put_text_document(
        lsp.TextDocumentItem(uri=uri, language_id="lawdsl", version=2, text=OVERTIME + '\narticle 99 "x":\n  the')
    )
    server_module.did_change(
        ls,
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2), content_changes=[]
        ),
    )
    assert ls.published[-1].diagnostics  # the edit is reported…
    assert hover_text(ls, uri, position_of(OVERTIME, "employer pays")) is not None  # …and hover still works


def test_positions_count_utf16_units():
    lines = ["「𝒳」是企业。"]  # 𝒳 is outside the BMP: two UTF-16 units
    assert to_lsp_position(lines, 1, 3) == lsp.Position(line=0, character=3)
    assert from_lsp_position(lines, lsp.Position(line=0, character=3)) == (1, 3)


@pytest.mark.timeout(60)
def test_python_m_lawdsl_lsp_answers_initialize_over_stdio():
    def frame(message: dict) -> bytes:
        body = json.dumps(message).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    requests = (
        frame(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": None, "capabilities": {}},
            }
        )
        + frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        + frame({"jsonrpc": "2.0", "method": "exit"})
    )
    result = subprocess.run(
        [sys.executable, "-m", "editors.lsp"], input=requests, capture_output=True, timeout=50, cwd=ROOT
    )
    header, _, rest = result.stdout.partition(b"\r\n\r\n")
    fields = dict(line.split(b":", 1) for line in header.split(b"\r\n"))
    length = int(fields[b"Content-Length"])
    answer = json.loads(rest[:length])
    capabilities = answer["result"]["capabilities"]
    assert capabilities["hoverProvider"] is True
    assert answer["result"]["serverInfo"]["name"] == "lawdsl"
    assert result.returncode == 0
