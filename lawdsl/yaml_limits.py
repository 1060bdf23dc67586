"""A bound on YAML nesting, checked before PyYAML sees the text.

PyYAML's scanner slows down with every open flow collection (measured:
2,000 nested `[` take 4 s to scan, 100,000 took 82 s and then overflowed
the stack), so a scenario or gateway file nested past any sane depth is
refused here, in one linear pass, with the place where it goes too deep.
Only a `[` or `{` where a value may begin opens a collection (`a[b` in a
plain scalar does not); quoted text and comments are skipped.
"""

from __future__ import annotations

MAX_DEPTH = 64
_OPENERS = {"[": "]", "{": "}"}
_VALUE_STARTS = frozenset(":-[{,?")


def too_deep(text: str, limit: int = MAX_DEPTH) -> tuple[int, int] | None:
    """The 1-based line and column where `text` nests flow collections deeper than `limit`, or None."""
    depth = 0
    line, column = 1, 0
    quote: str | None = None
    comment = False
    previous = ":"  # the last significant character; the start of the text may begin a value
    index = 0
    while index < len(text):
        char = text[index]
        index += 1
        column += 1
        if char == "\n":
            line, column, comment = line + 1, 0, False
            previous = ":" if depth == 0 else previous
            continue
        if comment:
            continue
        if quote is not None:
            if char == quote:
                if quote == "'" and text.startswith("'", index):  # '' is a quote inside '…'
                    index += 1
                    column += 1
                else:
                    quote = None
            elif char == "\\" and quote == '"':
                index += 1
                column += 1
            continue
        if char in " \t\r":
            continue
        if char == "#" and (column == 1 or text[index - 2] in " \t"):
            comment = True
            continue
        if char in "'\"" and previous in _VALUE_STARTS:
            quote = char
        elif char in _OPENERS and previous in _VALUE_STARTS:
            depth += 1
            if depth > limit:
                return line, column
        elif char in "]}" and depth:
            depth -= 1
        previous = char
    return None
