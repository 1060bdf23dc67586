"""Operators' keys: encrypted Ethereum JSON keystores in one directory, one file per name.

A key is `<dir>/<name>.json` in the standard keystore format (eth-account's
`Account.encrypt`, readable by geth, MetaMask and Foundry's `cast wallet`).
The directory is `--keys-dir`, else `$LAWDSL_KEYS`, else `~/.lawdsl/keys`.
Passwords come from `$LAWDSL_PASSWORD` or a prompt, never from the command
line (a command line is visible to every user of the machine in `ps`).

The label-derived keys (`chain.accounts.account_key`) are public knowledge:
anyone can compute them. They serve scenario replay, tests and the demo, on a
chain the tool started itself; `dev_keys_allowed` is the one rule for them.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address

KEYS_ENV = "LAWDSL_KEYS"
PASSWORD_ENV = "LAWDSL_PASSWORD"
DEFAULT_DIR = Path("~/.lawdsl/keys")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
#: scrypt cost of a light keystore (geth's --lightkdf): for keys a machine unlocks often, such as a
#: terminal's; the default (2**18) costs about a second per unlock.
LIGHT_SCRYPT_N = 4096


class KeyProblem(Exception):
    """A key cannot be used; the message says which and what to do."""


def keys_dir(override: str | None = None) -> Path:
    """Where keystores live: `--keys-dir`, else $LAWDSL_KEYS, else ~/.lawdsl/keys."""
    return Path(override or os.environ.get(KEYS_ENV) or DEFAULT_DIR).expanduser()


def password(name: str, *, confirm: bool = False) -> str:
    """The password of key `name`: $LAWDSL_PASSWORD, else asked on the terminal."""
    given = os.environ.get(PASSWORD_ENV)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise KeyProblem(f"key {name!r} needs a password: set {PASSWORD_ENV} or run on a terminal to be asked")
    first = getpass.getpass(f"password for key {name!r}: ")
    if confirm and getpass.getpass("repeat it: ") != first:
        raise KeyProblem("the two passwords differ; nothing was written")
    return first


class KeyStore:
    """The keystores of one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, name: str) -> Path:
        if not NAME.fullmatch(name):
            raise KeyProblem(f"{name!r} is not a key name: use letters, digits, '.', '_' or '-' (at most 64)")
        return self.directory / f"{name}.json"

    def create(self, name: str, private_key: bytes | None = None, *, light: bool = False) -> str:
        """Write a new keystore (a fresh random key unless `private_key`); its address."""
        path = self.path(name)
        if path.exists():
            raise KeyProblem(f"key {name!r} exists already ({path}); choose another name")
        account: LocalAccount = Account.from_key(private_key) if private_key is not None else Account.create()
        secret = password(name, confirm=True)
        if not secret:
            raise KeyProblem(f"key {name!r} needs a non-empty password")
        document = Account.encrypt(account.key, secret, kdf="scrypt", iterations=LIGHT_SCRYPT_N if light else None)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            json.dump(document, out)
        return account.address

    def names(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(path.stem for path in self.directory.glob("*.json") if NAME.fullmatch(path.stem))

    def _document(self, name: str) -> dict[str, Any]:
        path = self.path(name)
        try:
            document: dict[str, Any] = json.loads(path.read_text())
            return document
        except FileNotFoundError:
            known = ", ".join(self.names()) or "none"
            raise KeyProblem(
                f"no key named {name!r} in {self.directory} (keys there: {known}); "
                f"create it with `lawdsl keys new {name}`"
            ) from None
        except (OSError, ValueError) as error:
            raise KeyProblem(f"key {name!r} ({path}) is not a readable keystore: {error}") from None

    def address(self, name: str) -> str:
        """The address of a key, read without its password (keystores store it in clear)."""
        document = self._document(name)
        if "address" not in document:
            raise KeyProblem(f"key {name!r} records no address; unlock it to see it")
        return to_checksum_address(document["address"])

    def unlock(self, name: str) -> LocalAccount:
        document = self._document(name)
        try:
            account: LocalAccount = Account.from_key(Account.decrypt(document, password(name)))
            return account
        except ValueError:
            raise KeyProblem(f"wrong password for key {name!r} (from {PASSWORD_ENV} or the prompt)") from None


def dev_keys_allowed(own_chain: bool, dev_keys: bool) -> None:
    """The rule for label-derived keys: on the tool's own chain, or where the operator says so."""
    if not own_chain and not dev_keys:
        raise KeyProblem(
            "label-derived keys are public (anyone can compute them), so they are refused on a "
            "chain this command did not start: name a keystore with --key, or pass --dev-keys "
            "on a throwaway test chain"
        )
