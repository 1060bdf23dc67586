"""Scenario files (SPEC §6): a statute driven through dated events.

Every field is validated with a message that names the event (its index and
kind), the field and, through the YAML node, the line and column — a pilot
run must never end in a traceback because of a typo in a scenario.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from . import events as E
from .ast import Domain, Span, Statute
from .diagnostics import Diagnostic, StatuteError, suggestion
from .load import load_statute
from .money import Money, MoneyError


@dataclass(frozen=True)
class Scenario:
    path: Path
    statute: Statute
    balances: dict[str, Money]
    events: tuple[E.Event, ...]
    expect: dict[str, Any] | None = field(default=None, compare=False)

    def holders(self) -> list[str]:
        """Labels whose wallets the outcome lists: minted ones, then money roles in event order."""
        names = list(self.balances)
        for event in self.events:
            for name in _money_roles(event):
                if name not in names:
                    names.append(name)
        return names


def _money_roles(event: E.Event) -> tuple[str, ...]:
    if isinstance(event, E.Employ):
        return (event.employer, event.employee)
    if isinstance(event, E.Deposit):
        return (event.sender,)
    if isinstance(event, E.Issue):
        return (event.issuer, *event.recipients)
    if isinstance(event, E.Spend):
        return (event.holder, event.merchant)
    if isinstance(event, E.Transfer):
        return (event.holder, event.recipient)
    if isinstance(event, E.OpenTender):
        return (event.buyer,)
    if isinstance(event, (E.Bid, E.Deliver)):
        return (event.supplier,)
    return ()


# ---------------------------------------------------------------- event kinds

# field kinds: "name", "money", "time", "date", "int", "names", "in/out"
_EVENT_KINDS: dict[str, tuple[Callable[..., E.Event], dict[str, tuple[str, str]], tuple[Domain, ...]]] = {
    # yaml kind: (class, {yaml field: (dataclass field, field kind)}, domains)
    "employ": (E.Employ, {"employer": ("employer", "name"), "employee": ("employee", "name"),
                          "hourly wage": ("hourly_wage", "money")}, (Domain.WORKING_TIME,)),
    "register device": (E.RegisterDevice, {"device": ("device", "name"), "employer": ("employer", "name")},
                        (Domain.WORKING_TIME,)),
    "deposit": (E.Deposit, {"from": ("sender", "name"), "amount": ("amount", "money")},
                (Domain.WORKING_TIME, Domain.VOUCHERS)),
    "punch": (E.Punch, {"device": ("device", "name"), "employee": ("employee", "name"),
                        "kind": ("kind", "in/out")}, (Domain.WORKING_TIME,)),
    "grant time off": (E.GrantTimeOff, {"employer": ("employer", "name"), "employee": ("employee", "name"),
                                        "date": ("date", "date")}, (Domain.WORKING_TIME,)),
    "settle": (E.Settle, {}, (Domain.WORKING_TIME,)),
    "attest": (E.Attest, {"attester": ("attester", "name"), "citizen": ("citizen", "name"),
                          "attribute": ("attribute", "text")}, (Domain.VOUCHERS,)),
    "register merchant": (E.RegisterMerchant, {"merchant": ("merchant", "name"),
                                               "category": ("category", "text")}, (Domain.VOUCHERS,)),
    "issue": (E.Issue, {"issuer": ("issuer", "name"), "to": ("recipients", "names")}, (Domain.VOUCHERS,)),
    "spend": (E.Spend, {"holder": ("holder", "name"), "merchant": ("merchant", "name"),
                        "purchase": ("purchase", "money")}, (Domain.VOUCHERS,)),
    "transfer": (E.Transfer, {"holder": ("holder", "name"), "to": ("recipient", "name")}, (Domain.VOUCHERS,)),
    "reclaim": (E.Reclaim, {}, (Domain.VOUCHERS,)),
    "open tender": (E.OpenTender, {"buyer": ("buyer", "name"), "quantity": ("quantity", "int")},
                    (Domain.PROCUREMENT,)),
    "bid": (E.Bid, {"supplier": ("supplier", "name"), "price": ("price", "money")}, (Domain.PROCUREMENT,)),
    "reveal": (E.Reveal, {"supplier": ("supplier", "name")}, (Domain.PROCUREMENT,)),
    "register inspector": (E.RegisterInspector, {"inspector": ("inspector", "name"), "buyer": ("buyer", "name")},
                           (Domain.PROCUREMENT,)),
    "award": (E.Award, {}, (Domain.PROCUREMENT,)),
    "deliver": (E.Deliver, {"supplier": ("supplier", "name"), "quantity": ("quantity", "int"),
                            "inspector": ("inspector", "name")}, (Domain.PROCUREMENT,)),
}
#: Events that must say when they happen: a punch without a time is meaningless.
_TIME_REQUIRED = {"punch", "settle"}


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates and times as text, so we parse (and report) them ourselves."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(self, node: yaml.Node | None, message: str) -> StatuteError:
        span = Span(node.start_mark.line + 1, node.start_mark.column + 1,
                    node.end_mark.line + 1, node.end_mark.column + 1) if node is not None else Span(1, 1, 1, 1)
        return StatuteError([Diagnostic(str(self.path), span, message)], self.text)

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of fields")
        result = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if not isinstance(name, str):
                raise self.fail(key, f"{what}: a field name must be text")
            if name in result:
                raise self.fail(key, f"{what}: field '{name}' is given twice")
            result[name] = (key, value)
        return result

    def scalar(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.value == "":
            raise self.fail(node, f"{what} must be a single value")
        return str(node.value)


def load_scenario(path: str | Path) -> Scenario:
    """A validated scenario with its checked statute, or `StatuteError` naming the problem."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StatuteError([Diagnostic(str(path), Span(0, 0, 0, 0), f"cannot read scenario: {error}")]) from None
    reader = _Reader(path, text)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        span = Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 1) if mark else Span(1, 1, 1, 1)
        problem = getattr(error, "problem", None) or str(error)
        raise StatuteError([Diagnostic(str(path), span, f"not valid YAML: {problem}")], text) from None
    if root is None:
        raise reader.fail(None, "empty scenario: it needs 'statute:' and 'events:'")
    top = reader.mapping(root, "the scenario")
    for unknown in set(top) - {"statute", "balances", "events", "expect"}:
        raise reader.fail(top[unknown][0], f"unknown top-level field '{unknown}'"
                          + suggestion(unknown, ["statute", "balances", "events", "expect"]))
    if "statute" not in top:
        raise reader.fail(root, "the scenario must name its statute, like 'statute: overtime.law'")
    statute_path = path.parent / reader.scalar(top["statute"][1], "statute")
    if not statute_path.exists():
        raise reader.fail(top["statute"][1], f"statute file '{statute_path}' does not exist")
    statute = load_statute(statute_path)
    currency = statute.header.currency

    def money(node: yaml.Node, what: str) -> Money:
        try:
            amount = Money.parse(reader.scalar(node, what), currency)
        except MoneyError as error:
            raise reader.fail(node, f"{what}: {error}") from None
        if amount.minor < 0:
            raise reader.fail(node, f"{what}: an amount cannot be negative")
        return amount

    balances: dict[str, Money] = {}
    if "balances" in top:
        for name, (key, value) in reader.mapping(top["balances"][1], "balances").items():
            balances[name] = money(value, f"balances: {name}")

    if "events" not in top or not isinstance(top["events"][1], yaml.SequenceNode):
        raise reader.fail(top.get("events", (root,))[0], "'events:' must be a list of events")
    start = dt.datetime.combine(statute.header.effective, dt.time(), statute.header.time_zone.tzinfo)
    parsed: list[E.Event] = []
    previous: dt.datetime | None = None
    for index, node in enumerate(top["events"][1].value):
        event = _event(reader, statute, index, node, previous or start, previous is None, money)
        previous = event.at
        parsed.append(event)

    expect = None
    if "expect" in top:
        constructor = _Loader("")
        expect = constructor.construct_document(top["expect"][1])
        if not isinstance(expect, dict):
            raise reader.fail(top["expect"][1], "'expect:' must be a mapping")
    return Scenario(path, statute, balances, tuple(parsed), expect)


def _event(reader: _Reader, statute: Statute, index: int, node: yaml.Node, previous: dt.datetime,
           first: bool, money: Callable[[yaml.Node, str], Money]) -> E.Event:
    """One event; `previous` is the time it inherits (for the first: the effective date)."""
    outer = reader.mapping(node, f"event {index}")
    if len(outer) != 1:
        raise reader.fail(node, f"event {index} must have exactly one kind, like '- punch: {{…}}'")
    (kind, (kind_node, body)), = outer.items()
    if kind not in _EVENT_KINDS:
        raise reader.fail(kind_node, f"event {index}: unknown event kind '{kind}'"
                          + suggestion(kind, _EVENT_KINDS))
    cls, spec, domains = _EVENT_KINDS[kind]
    domain = statute.header.domain
    if domain not in domains:
        raise reader.fail(kind_node, f"event {index}: '{kind}' events do not apply to a "
                                     f"{domain.value} statute")
    what = f"event {index} ({kind})"
    fields = reader.mapping(body, what) if not (isinstance(body, yaml.ScalarNode) and body.value == "") else {}
    allowed = {**spec, "at": ("at", "time")}
    for name, (key, _) in fields.items():
        if name not in allowed:
            raise reader.fail(key, f"{what}: unknown field '{name}'" + suggestion(name, allowed))
    values: dict[str, Any] = {}
    for name, (attr, field_kind) in spec.items():
        if name not in fields:
            raise reader.fail(body, f"{what}: missing field '{name}'")
        values[attr] = _field(reader, statute, fields[name][1], f"{what}: field '{name}'", field_kind, money)
    if "at" in fields:
        at = _time(reader, statute, fields["at"][1], f"{what}: field 'at'")
        if at < previous and not first:
            raise reader.fail(fields["at"][1], f"{what}: {at.isoformat()} is before the previous event's "
                                              f"time {previous.isoformat()}; a scenario must not go back in time")
    elif kind in _TIME_REQUIRED:
        raise reader.fail(body, f"{what}: missing field 'at'")
    else:
        at = previous
    return cls(index=index, at=at, **values)


def _field(reader: _Reader, statute: Statute, node: yaml.Node, what: str, kind: str,
           money: Callable[[yaml.Node, str], Money]) -> Any:
    if kind == "money":
        return money(node, what)
    if kind == "time":
        return _time(reader, statute, node, what)
    if kind == "names":
        if isinstance(node, yaml.SequenceNode):
            names = tuple(reader.scalar(item, what) for item in node.value)
            if not names:
                raise reader.fail(node, f"{what} must name at least one recipient")
            return names
        return (reader.scalar(node, what),)
    text = reader.scalar(node, what)
    if kind == "int":
        if not text.isdigit() or int(text) <= 0:
            raise reader.fail(node, f"{what} must be a positive whole number, found '{text}'")
        return int(text)
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise reader.fail(node, f"{what} must be a date like 2026-03-07, found '{text}'") from None
    if kind == "in/out":
        if text not in ("in", "out"):
            raise reader.fail(node, f"{what} must be 'in' or 'out', found '{text}'")
    return text


def _time(reader: _Reader, statute: Statute, node: yaml.Node, what: str) -> dt.datetime:
    text = reader.scalar(node, what)
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        raise reader.fail(node, f"{what} must be a time like 2026-03-02T09:00:00+08:00, found '{text}'") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=statute.header.time_zone.tzinfo)
    return moment
