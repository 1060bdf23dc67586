"""The `.law` sources a citizen hands the portal, and the names it may show for addresses.

A source belongs to a registry entry only when the keccak256 of its bytes is
the hash the registry recorded: a file name or a title proves nothing.
Scenario files beside the sources name the parties of pilot runs; their
accounts are derived from the label (`chain.accounts.account_key`), so the
portal can show `alice` instead of an address where a scenario said so.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from eth_utils.crypto import keccak

from chain.accounts import AUTHORITY, GATEWAY, account_key
from lawdsl.ast import Statute
from lawdsl.diagnostics import StatuteError
from lawdsl.load import load_statute
from lawdsl.scenario import load_scenario


@dataclass(frozen=True)
class LawSource:
    path: Path
    text: str
    hash: bytes  # keccak256 of the file's bytes, as the registry records it
    statute: Statute


def load_sources(directory: Path | None) -> dict[bytes, LawSource]:
    """Every `.law` file under `directory` that parses, by source hash; broken files are skipped
    (the portal shows what is enacted, and `lawdsl check` is where a broken file is reported)."""
    found: dict[bytes, LawSource] = {}
    if directory is None:
        return found
    for path in sorted(directory.rglob("*.law")):
        data = path.read_bytes()
        try:
            statute = load_statute(path)
        except StatuteError:
            continue
        found[keccak(data)] = LawSource(path, data.decode("utf-8"), keccak(data), statute)
    return found


def address_book(directory: Path | None) -> dict[str, str]:
    """Checksum address → label, for every label the scenarios under `directory` use."""
    labels = {AUTHORITY, GATEWAY}
    if directory is not None:
        for path in sorted(directory.rglob("*.yaml")):
            try:
                scenario = load_scenario(path)
            except (StatuteError, OSError):
                continue
            labels.update(scenario.balances)
            for event in scenario.events:
                labels.update(_labels(event))
    return {Account.from_key(account_key(label)).address: label for label in sorted(labels)}


def _labels(event: object) -> set[str]:
    """Every short text field of an event: the party labels among them are what we want, and
    the other texts (a category, an attribute) name no account, so they never match one."""
    found: set[str] = set()
    for field in dataclasses.fields(event):  # type: ignore[arg-type]
        value = getattr(event, field.name)
        values = value if isinstance(value, (tuple, list)) else (value,)
        found.update(v for v in values if isinstance(v, str))
    return found
