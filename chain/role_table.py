"""Role commands declared as a table: each row a command's name, help, example, function and arguments.

The role groups (`lawdsl authority | firm | worker | vouchers | buyer | supplier | inspector`) are
dozens of commands of one shape; declared as rows, a group reads as the list of what its role may
do, and `role_command` (`chain.operator`) is the one place that turns a row into a parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .operator import role_command


@dataclass(frozen=True)
class Arg:
    """One argument as `ArgumentParser.add_argument` takes it: its name or flags, then its options."""

    flags: tuple[str, ...]
    options: dict[str, Any]


def arg(*flags: str, **options: Any) -> Arg:
    return Arg(flags, options)


@dataclass(frozen=True)
class Role:
    """One role command: `lawdsl GROUP NAME`, its help line, the example its `--help` ends with, what
    runs it and its arguments; `signs=False` for a command that only reads, `deployment=False` for
    one that names its deployments itself."""

    name: str
    help: str
    example: str
    func: Callable[[argparse.Namespace], int]
    arguments: tuple[Arg, ...] = ()
    signs: bool = True
    deployment: bool = True


def add_roles(group: argparse._SubParsersAction[argparse.ArgumentParser], roles: Iterable[Role]) -> None:
    """Each row as a subcommand of `group`."""
    for row in roles:
        parser = role_command(
            group, row.name, row.help, row.example, row.func, deployment=row.deployment, signs=row.signs
        )
        for argument in row.arguments:
            parser.add_argument(*argument.flags, **argument.options)
