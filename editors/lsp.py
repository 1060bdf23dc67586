"""A language server for statutes, both surfaces: diagnostics as you type, and hover.

Run it with `python -m editors.lsp` (stdio); it needs the `lsp` extra (pygls).
Editors that speak LSP start it for `*.law` files (docs/editors.md).

- Diagnostics: on open and on every change the text goes through
  `load.load_text`, exactly what `lawdsl check` does, so the editor shows the
  same messages (in Chinese for a Chinese statute), at the same places.
- Hover: on a declared name (its declaration or a bare use) the party's kind,
  or the term's value and type; on an article's heading its title and
  official wording; on the statute's heading, its header.

The work is done by plain functions (`diagnostics_for`, `hover_for`) over text
and positions, so tests drive them and the handlers directly, without a
client. Positions: lawdsl counts characters from 1; LSP counts UTF-16 code
units from 0 (its default encoding), so a character outside the BMP counts two
— the conversions are here, in one place.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePosixPath
from typing import Iterator
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from lawdsl import ast as A
from lawdsl.diagnostics import StatuteError
from lawdsl.formatter import literal_text, zh_literal_text
from lawdsl.load import load_text, parse_text
from lawdsl.messages import word

__all__ = ["server", "diagnostics_for", "hover_for", "main"]

VERSION = "0.1.0"


# ---------------------------------------------------------------- positions


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def to_lsp_position(lines: list[str], line: int, column: int) -> lsp.Position:
    """lawdsl's 1-based line and character column → an LSP position (0-based, UTF-16 units)."""
    line_index = max(line - 1, 0)
    text = lines[line_index] if line_index < len(lines) else ""
    return lsp.Position(line=line_index, character=_utf16_length(text[: max(column - 1, 0)]))


def from_lsp_position(lines: list[str], position: lsp.Position) -> tuple[int, int]:
    """An LSP position → lawdsl's 1-based line and character column."""
    text = lines[position.line] if position.line < len(lines) else ""
    units, column = 0, 0
    while column < len(text) and units < position.character:
        units += _utf16_length(text[column])
        column += 1
    return position.line + 1, column + 1


def _range(lines: list[str], span: A.Span) -> lsp.Range:
    start = to_lsp_position(lines, span.line, span.column)
    end = to_lsp_position(lines, span.end_line, span.end_column)
    if (end.line, end.character) <= (start.line, start.character):  # a point: underline one character
        end = lsp.Position(line=start.line, character=start.character + 1)
    return lsp.Range(start=start, end=end)


def _inside(span: A.Span, line: int, column: int) -> bool:
    """Whether the cursor is on the span; its end counts, so a cursor just after a word hovers it."""
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column) and span.line > 0


# ---------------------------------------------------------------- diagnostics

_SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning}


def diagnostics_for(text: str, source_name: str) -> list[lsp.Diagnostic]:
    """What `lawdsl check` reports for `text`, as LSP diagnostics (none for a good statute).

    Never raises: a crash inside the toolchain is shown as a diagnostic on
    the first line, so the server keeps serving the rest of the file.
    """
    lines = text.splitlines()
    try:
        load_text(text, source_name)
    except StatuteError as error:
        return [
            lsp.Diagnostic(
                range=_range(lines, d.span),
                message=d.message,
                source="lawdsl",
                severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
            )
            for d in error.diagnostics
        ]
    except Exception as error:  # noqa: BLE001 - an editor must never lose its server to one file
        return [
            lsp.Diagnostic(
                range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=1)),
                message=f"lawdsl could not read this statute: {error}",
                source="lawdsl",
                severity=lsp.DiagnosticSeverity.Error,
            )
        ]
    return []


# ---------------------------------------------------------------- hover


def _refs(node: object) -> Iterator[A.Ref]:
    """Every bare name use under an AST node."""
    if isinstance(node, A.Ref):
        yield node
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            yield from _refs(getattr(node, field.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _refs(item)


def value_text(value: object, language: str) -> str:
    """A literal as the statute's own surface writes it."""
    if isinstance(value, A.Categories):
        return (
            "、".join(f"「{c}」" for c in value.names) if language == "zh" else ", ".join(f'"{c}"' for c in value.names)
        )
    if isinstance(value, A.DateRange) and language == "en":
        return f"from {value.first.isoformat()} to {value.last.isoformat()}"
    return zh_literal_text(value) if language == "zh" else literal_text(value)  # type: ignore[arg-type]


def _type_text(value: object, language: str) -> str:
    return word(language, A.type_name(value))


def _party_hover(party: A.Party, language: str) -> str:
    kind = word(language, party.kind.value)
    if language == "zh":
        return f"**{party.name}** — 当事人：{kind}（第 {party.span.line} 行声明）"
    return f"**{party.name}** — party: a {kind} (declared on line {party.span.line})"


def _term_hover(term: A.Term, language: str) -> str:
    value, kind = value_text(term.value, language), _type_text(term.value, language)
    if language == "zh":
        return f"**{term.name}** — 术语：`{value}`（{kind}；第 {term.span.line} 行声明）"
    return f"**{term.name}** — term: `{value}` ({kind}; declared on line {term.span.line})"


def _article_hover(article: A.Article, language: str) -> str:
    heading = (
        f"**第 {article.id} 条「{article.title}」**"
        if language == "zh"
        else f"**Article {article.id} — {article.title}**"
    )
    if article.wording is None:
        none = "（本条无官方文本）" if language == "zh" else "(no official wording)"
        return f"{heading}\n\n{none}"
    quoted = "\n".join(f"> {line.strip()}" if line.strip() else ">" for line in article.wording.strip().splitlines())
    return f"{heading}\n\n{quoted}"


def _header_hover(header: A.Header, language: str) -> str:
    domain = word(language, header.domain.value)
    parts = [
        f"**{header.title}**",
        f"{domain} · v{header.version} · {header.effective.isoformat()}",
        f"{header.currency} · {header.time_zone}",
    ]
    if header.jurisdiction:
        parts.append(header.jurisdiction)
    return "\n\n".join(parts)


def hover_for(statute: A.Statute, line: int, column: int) -> str | None:
    """Markdown for what is at (1-based) `line`, `column` of `statute`'s source, or None."""
    language = statute.language
    parties = {party.key: party for party in statute.parties}
    terms = {term.key: term for term in statute.terms if isinstance(term, A.Term)}
    for ref in _refs(statute.articles):
        if _inside(ref.span, line, column):
            if ref.key in terms:
                return _term_hover(terms[ref.key], language)
            if ref.key in parties:
                return _party_hover(parties[ref.key], language)
            return None
    for party in statute.parties:
        if _inside(party.span, line, column):
            return _party_hover(party, language)
    for term in statute.terms:
        if isinstance(term, A.Term) and _inside(term.span, line, column):
            return _term_hover(term, language)
    for article in statute.articles:
        if article.span.line == line:  # the heading: `article 44.1 "…":` / `第 44.1 条「…」：`
            return _article_hover(article, language)
    if _inside(statute.header.span, line, column):
        return _header_hover(statute.header, language)
    return None


# ---------------------------------------------------------------- the server


class StatuteServer(LanguageServer):
    """pygls server that remembers each document's last statute that parsed, for hover while typing."""

    def __init__(self) -> None:
        super().__init__("lawdsl", VERSION)
        self.statutes: dict[str, A.Statute] = {}

    def refresh(self, uri: str) -> None:
        """Re-read a document: publish its diagnostics, remember its statute if it parses."""
        document = self.workspace.get_text_document(uri)
        name = source_name(uri)
        try:
            self.statutes[uri] = parse_text(document.source, name)
        except Exception:  # noqa: BLE001 - keep the last good one; diagnostics say what is wrong
            pass
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(
                uri=uri, version=document.version, diagnostics=diagnostics_for(document.source, name)
            )
        )


def source_name(uri: str) -> str:
    """The file name for messages and for the surface choice (`*.zh.law` is Chinese)."""
    parsed = urlparse(uri)
    return PurePosixPath(unquote(parsed.path)).name or uri


server = StatuteServer()


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: StatuteServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.refresh(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: StatuteServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.refresh(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: StatuteServer, params: lsp.DidCloseTextDocumentParams) -> None:
    ls.statutes.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: StatuteServer, params: lsp.HoverParams) -> lsp.Hover | None:
    statute = ls.statutes.get(params.text_document.uri)
    if statute is None:
        return None
    lines = ls.workspace.get_text_document(params.text_document.uri).source.splitlines()
    line, column = from_lsp_position(lines, params.position)
    text = hover_for(statute, line, column)
    if text is None:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))


def main() -> None:
    """Serve over stdio, as editors start language servers."""
    server.start_io()


if __name__ == "__main__":
    main()
