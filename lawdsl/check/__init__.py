"""AST → diagnostics: the checks a parsed statute must pass before anything runs it (docs/language.md).

One public entry, `check(statute) -> list[Diagnostic]` (empty when the
statute is sound); `lawdsl.load.load_text` calls it after parsing.
"""

from __future__ import annotations

from .checker import check

__all__ = ["check"]
