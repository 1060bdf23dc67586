"""Read, parse and check a statute file: the one entry point every command uses."""
from __future__ import annotations

from pathlib import Path

from .ast import Statute
from .checker import check
from .diagnostics import Diagnostic, StatuteError
from .ast import Span


def parse_text(text: str, source_name: str) -> Statute:
    """Pick the surface language by content and parse it (no checks)."""
    from .parser import parse

    return parse(text, source_name)


def load_text(text: str, source_name: str = "<statute>") -> Statute:
    statute = parse_text(text, source_name)
    problems = check(statute)
    if problems:
        raise StatuteError(problems, text)
    return statute


def load_statute(path: str | Path) -> Statute:
    """A checked statute from a `.law` file, or `StatuteError` with every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise StatuteError([Diagnostic(str(path), Span(0, 0, 0, 0), f"cannot read: {error.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StatuteError([Diagnostic(str(path), Span(1, 1, 1, 1),
                                       f"not UTF-8 text (byte {error.start} cannot be decoded)")]) from None
    return load_text(text, str(path))
