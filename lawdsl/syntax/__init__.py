"""Statute text → AST: the grammars (one per surface language), their lexers, the parser driving
Lark, and the tree → AST transformer (`to_ast`).

One public entry, `parse(text, source_name, comments, surface)`; `lawdsl.load`
picks the surface by content and runs the checks after it. The lexers'
public names (keyword tables, `tokenize`, `TOKEN`, `Scanner`) are what the
editor tooling (`editors/`) builds on.
"""

from __future__ import annotations

from .lexer import Comment, LexError
from .parser import CHINESE, ENGLISH, Surface, parse

__all__ = ["CHINESE", "ENGLISH", "Comment", "LexError", "Surface", "parse"]
