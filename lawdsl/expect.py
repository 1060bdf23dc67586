"""Compare an outcome with a scenario's `expect:` block (used by `lawdsl test`).

An expectation lists only what the author cares about: entries may leave
out fields (then any value matches) and `balances` may name only some
wallets. What differs is reported as `-expected` / `+actual` lines.
"""

from __future__ import annotations

from typing import Any

from .money import Money, MoneyError
from .outcome import Outcome

_ENTRY_FIELDS = {
    "payments": ("event", "from", "to", "amount", "article"),
    "arrears": ("event", "from", "to", "amount", "article"),
    "violations": ("event", "article", "employer", "employee", "period"),
}


class ExpectationError(ValueError):
    """The expect block itself is malformed; the message says where."""


def compare(expect: dict[str, Any], outcome: Outcome) -> list[str]:
    """Lines describing every difference; empty when the outcome meets the expectation."""
    actual = outcome.to_json()
    problems: list[str] = []
    for key in expect:
        if key not in (*_ENTRY_FIELDS, "rejected", "balances"):
            raise ExpectationError(f"expect: unknown field '{key}'")
    for key, names in _ENTRY_FIELDS.items():
        if key in expect:
            wanted = [_entry(key, i, e, names) for i, e in enumerate(expect[key] or [])]
            got = [_project(entry, names) for entry in actual[key]]
            problems += _diff_lists(key, wanted, got)
    if "rejected" in expect:
        wanted = [_rejection(i, item) for i, item in enumerate(expect["rejected"] or [])]
        got = [r for r in actual["rejected"]]
        got_projected = [{k: r[k] for k in w} for w, r in zip(wanted, got)] + got[len(wanted) :]
        problems += _diff_lists("rejected", wanted, got_projected)
    if "balances" in expect:
        for name, text in (expect["balances"] or {}).items():
            want = _money(f"balances: {name}", text)
            have = outcome.balances.get(name, Money(want.currency, 0))
            if have != want:
                problems.append(f"balances: {name}\n  -expected {want}\n  +actual   {have}")
    return problems


def _money(where: str, text: Any) -> Money:
    try:
        return Money.parse(str(text))
    except MoneyError as error:
        raise ExpectationError(f"expect: {where}: {error}") from None


def _entry(key: str, index: int, entry: Any, names: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ExpectationError(f"expect: {key}[{index}] must be a mapping like {{from: acme, …}}")
    unknown = set(entry) - set(names)
    if unknown:
        raise ExpectationError(f"expect: {key}[{index}]: unknown field '{sorted(unknown)[0]}'")
    result = {}
    for name in names:
        if name in entry:
            value = entry[name]
            if name == "amount":
                money = _money(f"{key}[{index}]", value)
                value = {"amount": money.amount_text(), "currency": money.currency}
            elif name == "event":
                value = int(value)
            else:
                value = str(value)
            result[name] = value
    return result


def _project(entry: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    result = {name: entry[name] for name in names if name != "amount"}
    result["amount"] = {"amount": entry.get("amount"), "currency": entry.get("currency")}
    return result


def _rejection(index: int, item: Any) -> dict[str, Any]:
    if isinstance(item, int):
        return {"event": item}
    if isinstance(item, dict) and "event" in item:
        return {k: (int(v) if k == "event" else str(v)) for k, v in item.items() if k in ("event", "reason")}
    raise ExpectationError(f"expect: rejected[{index}] must be an event number or {{event: N, reason: …}}")


def _diff_lists(key: str, wanted: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[str]:
    problems = []
    for i in range(max(len(wanted), len(got))):
        want = wanted[i] if i < len(wanted) else None
        present = got[i] if i < len(got) else None
        have = {k: got[i][k] for k in want} if (present is not None and want is not None) else present
        if want != have:
            problems.append(f"{key}[{i}]\n  -expected {_show(want)}\n  +actual   {_show(have)}")
    return problems


def _show(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "(nothing)"
    parts = []
    for k, v in entry.items():
        if isinstance(v, dict) and "currency" in v:
            v = f"{v['currency']} {v['amount']}"
        parts.append(f"{k}: {v}")
    return "{" + ", ".join(parts) + "}"
