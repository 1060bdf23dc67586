"""From a byte of runtime code back to the Solidity declaration and the article it implements.

`lawdsl verify` finds the first byte where deployed code and recompiled code
differ; a citizen asks which rule changed. solc's runtime source map
(`evm.deployedBytecode.sourceMap`) gives, per instruction, the source range
it came from; the declaration around that range (a function, or a constant
that the optimizer inlined) names the article: the generator names them
after articles (`_article44_1Start`, `ARTICLE_44_1_RATE`) and its NatSpec
says "Article 44.1" above each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PUSH1, PUSH32 = 0x60, 0x7F
DECLARATION = re.compile(
    r"\b(?:function\s+(\w+)\s*\(|constructor\s*\(|(?:modifier)\s+(\w+)|"
    r"constant\s+(\w+)\s*=|immutable\s+(\w+)\s*[;=])"
)
ARTICLE_NAME = re.compile(r"article_?(\d+(?:_\d+)*)", re.IGNORECASE)
ARTICLE_NOTE = re.compile(r"///[^\n]*\b[Aa]rticle (\d+(?:\.\d+)*)")


def expand_source_map(source_map: str) -> list[tuple[int, int, int, str]]:
    """solc's compressed source map → (start, length, source id, jump) per instruction."""
    rows: list[tuple[int, int, int, str]] = []
    previous: list[Any] = [-1, -1, -1, "-"]
    for entry in source_map.split(";"):
        current = list(previous)
        for i, value in enumerate(entry.split(":")[:4] if entry else []):
            if value:
                current[i] = value if i == 3 else int(value)
        rows.append((current[0], current[1], current[2], current[3]))
        previous = current
    return rows


def instruction_index(code: bytes, offset: int) -> int:
    """The number of the instruction whose opcode or push data holds byte `offset`."""
    position = index = 0
    while position < len(code):
        opcode = code[position]
        size = 1 + (opcode - PUSH1 + 1 if PUSH1 <= opcode <= PUSH32 else 0)
        if offset < position + size:
            return index
        position += size
        index += 1
    return index


@dataclass(frozen=True)
class Declaration:
    kind: str  # function | constructor | modifier | constant | immutable
    name: str
    article: str | None  # the article it implements, from its name or its NatSpec

    def describe(self) -> str:
        return f"{self.kind} {self.name}" if self.name else self.kind


def _body_end(source: str, start: int) -> int:
    """End of the declaration starting at `start`: its matching `}`, or its `;` if it has no body."""
    depth = 0
    for position in range(start, len(source)):
        char = source[position]
        if char == ";" and depth == 0:
            return position + 1
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position + 1
    return len(source)


def declaration_at(source: str, position: int) -> Declaration | None:
    """The innermost declaration of `source` whose text holds `position`."""
    found = None
    for match in DECLARATION.finditer(source):
        if match.start() > position:
            break
        if position < _body_end(source, match.start()):
            kinds = ("function", "modifier", "constant", "immutable")
            group = next((i for i in (1, 2, 3, 4) if match.group(i)), None)
            kind = kinds[[1, 2, 3, 4].index(group)] if group else "constructor"
            name = match.group(group) if group else ""
            found = Declaration(kind, name, _article(source, match.start(), name))
    return found


def _article(source: str, start: int, name: str) -> str | None:
    named = ARTICLE_NAME.search(name)
    if named:
        return named.group(1).replace("_", ".")
    preceding = source[:start].rstrip().rsplit("\n", 8)  # the NatSpec block right above
    notes = [ARTICLE_NOTE.search(line) for line in preceding[1:] if line.strip().startswith("///")]
    return next((note.group(1) for note in reversed(notes) if note), None)


def locate(code: bytes, source_map: str, source_index: int, source: str, offset: int) -> Declaration | None:
    """The declaration in `source` (solc's source number `source_index`) that byte `offset` of the
    runtime `code` was compiled from; None where the byte is the compiler's own (dispatch, metadata)."""
    rows = expand_source_map(source_map)
    index = instruction_index(code, offset)
    if index >= len(rows):
        return None
    start, _, file, _ = rows[index]
    if file != source_index or start < 0:
        return None
    return declaration_at(source, start)
