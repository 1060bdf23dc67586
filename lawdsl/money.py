"""Exact money: integer minor units, one rounding per payment (half up).

Floats never touch an amount: a wage, a rate and a number of minutes meet
only as a `Fraction`, and `round_half_up` is the single place where a
fraction becomes minor units, exactly as docs/semantics.md requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

#: Minor digits per ISO 4217 code the language accepts.
CURRENCY_DIGITS: dict[str, int] = {
    "CNY": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "JPY": 0,
    "KRW": 0,
}

_MONEY_TEXT = re.compile(r"^\s*([A-Z]{3})\s+(-?\d+)(?:\.(\d+))?\s*$")


class MoneyError(ValueError):
    """A money literal that is not well formed; the message says why."""


def round_half_up(value: Fraction) -> int:
    """Round a non-negative or negative rational to the nearest integer, halves away from zero."""
    if value >= 0:
        return int((value + Fraction(1, 2)) // 1)
    return -int((-value + Fraction(1, 2)) // 1)


@dataclass(frozen=True, order=True)
class Money:
    """An amount in one currency, held as integer minor units (fen, cents)."""

    currency: str
    minor: int

    @property
    def digits(self) -> int:
        return CURRENCY_DIGITS[self.currency]

    @classmethod
    def parse(cls, text: str, expected_currency: str | None = None) -> "Money":
        """Read `CNY 25.50`; reject unknown codes and excess minor digits."""
        match = _MONEY_TEXT.match(text)
        if not match:
            raise MoneyError(f"'{text}' is not money; write it like 'CNY 25.50'")
        code, whole, frac = match.groups()
        return cls.from_parts(code, whole, frac or "", expected_currency)

    @classmethod
    def from_parts(cls, code: str, whole: str, frac: str, expected_currency: str | None = None) -> "Money":
        if code not in CURRENCY_DIGITS:
            known = ", ".join(sorted(CURRENCY_DIGITS))
            raise MoneyError(f"unknown currency '{code}'; known currencies: {known}")
        if expected_currency is not None and code != expected_currency:
            raise MoneyError(f"expected {expected_currency}, found {code}")
        digits = CURRENCY_DIGITS[code]
        if len(frac) > digits:
            raise MoneyError(
                f"{code} has {digits} minor digit{'s' if digits != 1 else ''}; '{whole}.{frac}' has {len(frac)}"
            )
        negative = whole.startswith("-")
        units = abs(int(whole)) * 10**digits + int((frac or "0").ljust(digits, "0") or "0")
        return cls(code, -units if negative else units)

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(currency, 0)

    def amount_text(self) -> str:
        """The decimal amount without the code, as the outcome JSON writes it."""
        digits = self.digits
        sign = "-" if self.minor < 0 else ""
        units = abs(self.minor)
        if digits == 0:
            return f"{sign}{units}"
        return f"{sign}{units // 10**digits}.{units % 10**digits:0{digits}d}"

    def __str__(self) -> str:
        return f"{self.currency} {self.amount_text()}"

    def _same(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.currency, self.minor + other.minor)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.currency, self.minor - other.minor)

    def scaled(self, factor: Fraction) -> Fraction:
        """The exact, unrounded product in minor units; round once with `round_half_up`."""
        return self.minor * factor

    def times(self, factor: Fraction) -> "Money":
        """Multiply and round once, half up, to the minor unit."""
        return Money(self.currency, round_half_up(self.scaled(factor)))
