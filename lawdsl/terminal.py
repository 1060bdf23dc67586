"""The consoles every `lawdsl` command prints through.

Rich wraps printed text at the terminal's width, and at 80 columns when the output is a pipe or a
file: a long path in `FILE: ok`, an address or a diagnostic's source line would be cut in two,
and a caret would point at the wrong column. `soft_wrap` leaves lines whole (a terminal still
folds them on screen); tables keep their width.
"""

from __future__ import annotations

from rich.console import Console


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, soft_wrap=True)
