"""Solidity identifiers and NatSpec text from a statute's names and wording.

Statutes may be written in any language (`overtime.zh.law`); identifiers
fall back to a stable ASCII form when a name has no ASCII words.
"""

from __future__ import annotations

import hashlib
import re

from lawdsl.ast import Statute

_WORD = re.compile(r"[A-Za-z0-9]+")


def contract_name(statute: Statute) -> str:
    """`Working Hours and Overtime Pay Act` version 2 → `WorkingHoursAndOvertimePayActV2`."""
    words = _WORD.findall(statute.header.title)
    stem = "".join(w[:1].upper() + w[1:] for w in words)
    if not stem or not stem[0].isalpha():
        stem = "Statute" + hashlib.sha256(statute.header.title.encode()).hexdigest()[:8]
    return f"{stem}V{statute.header.version}"


def constant_name(text: str, fallback: str) -> str:
    """`standard day` → `STANDARD_DAY`; a name without ASCII words gets `fallback`."""
    words = _WORD.findall(text)
    name = "_".join(w.upper() for w in words)
    return name if name and name[0].isalpha() else fallback


def article_constant(article_id: str) -> str:
    """`44.1` → `ARTICLE_44_1`."""
    return "ARTICLE_" + article_id.replace(".", "_")


def natspec(text: str, indent: str = "", tag: str = "") -> list[str]:
    """Verbatim text as `///` lines (the first one carrying `tag`), never closing a comment."""
    lines = [line.strip() for line in text.strip().splitlines()] or [""]
    head = f"{tag} " if tag else ""
    return [f"{indent}/// {head if i == 0 else ''}{line}".rstrip() for i, line in enumerate(lines)]


def string_literal(text: str) -> str:
    """A Solidity string literal; non-ASCII goes in as `unicode"…"`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'unicode"{escaped}"' if not text.isascii() else f'"{escaped}"'
