"""The outcome of running a statute on events: README.md, "The outcome" JSON, exactly.

The interpreter, the chain runner and the audit each produce an `Outcome`;
equality of two outcomes is the project's definition of "the chain did what
the law says".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .money import Money


@dataclass(frozen=True)
class Payment:
    """A transfer made under an article (refunds and deposits are not payments)."""

    event: int
    sender: str
    recipient: str
    amount: Money
    article: str

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "from": self.sender,
            "to": self.recipient,
            "amount": self.amount.amount_text(),
            "currency": self.amount.currency,
            "article": self.article,
        }


@dataclass(frozen=True)
class Violation:
    event: int
    article: str
    employer: str
    employee: str
    period: str

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "article": self.article,
            "employer": self.employer,
            "employee": self.employee,
            "period": self.period,
        }


@dataclass(frozen=True)
class Rejection:
    event: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"event": self.event, "reason": self.reason}


@dataclass
class Outcome:
    statute: str
    version: int
    payments: list[Payment] = field(default_factory=list)
    arrears: list[Payment] = field(default_factory=list)  # still owed at the end, oldest first
    violations: list[Violation] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    balances: dict[str, Money] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "statute": self.statute,
            "version": self.version,
            "payments": [p.to_json() for p in self.payments],
            "arrears": [a.to_json() for a in self.arrears],
            "violations": [v.to_json() for v in self.violations],
            "rejected": [r.to_json() for r in self.rejected],
            "balances": {name: m.amount_text() for name, m in self.balances.items()},
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)
