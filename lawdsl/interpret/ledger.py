"""Wallets and the money a statute's contract holds, with every movement recorded.

The ledger is the interpreter's model of the chain's token balances: a
wallet per scenario label, plus named pots for what the contract holds
(an employer's deposit, a tender's escrow, a bid's deposit). Money only
moves between these, so the total is conserved apart from the initial mint —
the property tests check exactly that.
"""

from __future__ import annotations

from collections import defaultdict

from ..money import Money
from ..outcome import Payment


class InsufficientFunds(Exception):
    """A wallet or pot cannot cover a movement; the event is rejected."""


class Ledger:
    def __init__(self, currency: str, minted: dict[str, Money]) -> None:
        self.currency = currency
        self.wallets: dict[str, int] = defaultdict(int)
        for name, amount in minted.items():
            self.wallets[name] += amount.minor
        self.pots: dict[str, int] = defaultdict(int)
        self.payments: list[Payment] = []

    def money(self, minor: int) -> Money:
        return Money(self.currency, minor)

    def wallet(self, name: str) -> int:
        return self.wallets[name]

    def pot(self, name: str) -> int:
        return self.pots[name]

    def can_cover(self, name: str, minor: int) -> bool:
        return self.wallets[name] >= minor

    def hold(self, owner: str, pot: str, minor: int) -> None:
        """Move money from a wallet into the contract's keeping (a deposit or escrow)."""
        if self.wallets[owner] < minor:
            raise InsufficientFunds(owner)
        self.wallets[owner] -= minor
        self.pots[pot] += minor

    def refund(self, pot: str, to: str, minor: int) -> None:
        """Give held money back: not a payment under an article."""
        self._take(pot, minor)
        self.wallets[to] += minor

    def pay(self, event: int, pot: str, payer: str, to: str, minor: int, article: str) -> Payment:
        """A payment under an article, out of a pot, recorded for the outcome."""
        self._take(pot, minor)
        self.wallets[to] += minor
        payment = Payment(event, payer, to, self.money(minor), article)
        self.payments.append(payment)
        return payment

    def move_wallets(self, sender: str | None, recipient: str | None, minor: int) -> None:
        """A movement outside the statute, as the chain made it (None: minted or burned). Never
        refused: it already happened; a wallet the replay did not start from may go below zero."""
        if sender is not None:
            self.wallets[sender] -= minor
        if recipient is not None:
            self.wallets[recipient] += minor

    def move_pot(self, source: str, target: str, minor: int) -> None:
        self._take(source, minor)
        self.pots[target] += minor

    def _take(self, pot: str, minor: int) -> None:
        if minor < 0 or self.pots[pot] < minor:
            raise InsufficientFunds(pot)
        self.pots[pot] -= minor

    def total(self) -> int:
        return sum(self.wallets.values()) + sum(self.pots.values())

    def balances(self, names: list[str]) -> dict[str, Money]:
        return {name: self.money(self.wallets[name]) for name in names}
