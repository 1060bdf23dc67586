"""Scenario files (README.md, "The outcome"): a statute driven through dated events.

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
from .amendments import effective_start
from .ast import Domain, Span, Statute
from .diagnostics import Diagnostic, StatuteError, suggestion
from .load import load_statute
from .money import Money, MoneyError
from .yaml_limits import MAX_DEPTH, too_deep
from .zones import table_end, zone_table


@dataclass(frozen=True)
class Scenario:
    path: Path
    statute: Statute
    balances: dict[str, Money]
    events: tuple[E.Event, ...]
    expect: dict[str, Any] | None = field(default=None, compare=False)
    buyers: tuple[str, ...] | None = None  # procurement: registered at deployment (`buyers:`)
    issuer: str | None = None  # vouchers: named at deployment (`issuer:`)
    #: Later versions of the statute, each governing from its effective date (`amendments:`).
    amendments: tuple[Statute, ...] = ()

    def versions(self) -> tuple[Statute, ...]:
        """The statute's versions in the order they take effect: the first, then its amendments."""
        return (self.statute, *self.amendments)

    def registered_buyers(self) -> tuple[str, ...]:
        """The buyers registered when a procurement statute is deployed: the scenario's `buyers:`, or
        else the buyer of its first `open tender` (docs/semantics.md)."""
        if self.buyers is not None:
            return self.buyers
        first = next((event.buyer for event in self.events if isinstance(event, E.OpenTender)), None)
        return (first,) if first is not None else ()

    def named_issuer(self) -> str | None:
        """The issuer named when a voucher program is deployed: the scenario's `issuer:`, or else the
        party of its first `deposit` or `issue` (docs/semantics.md)."""
        if self.issuer is not None:
            return self.issuer
        for event in self.events:
            if isinstance(event, E.Deposit):
                return event.sender
            if isinstance(event, E.Issue):
                return event.issuer
        return None

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
    if isinstance(event, (E.Deposit, E.Withdraw)):
        return (event.sender,)
    if isinstance(event, E.Issue):
        return (event.issuer, *event.recipients)
    if isinstance(event, E.AppointIssuer):
        return (event.issuer,)
    if isinstance(event, E.Spend):
        return (event.holder, event.merchant)
    if isinstance(event, E.Transfer):
        return (event.holder, event.recipient)
    if isinstance(event, E.OpenTender):
        return (event.buyer,)
    if isinstance(event, (E.Bid, E.Deliver, E.RecordDelivery)):
        return (event.supplier,)
    return ()


# ---------------------------------------------------------------- event kinds

# field kinds: "name", "money", "time", "date", "int", "index", "names", "in/out", "yes/no"; a field in
# `_OPTIONAL_ANYWHERE` may be left out of any event (the dataclass default applies: `tender` = the latest opened)
_TENDER = {"tender": ("tender", "index")}
_OPTIONAL_ANYWHERE = {"tender"}
_EVENT_KINDS: dict[str, tuple[Callable[..., E.Event], dict[str, tuple[str, str]], tuple[Domain, ...]]] = {
    # yaml kind: (class, {yaml field: (dataclass field, field kind)}, domains)
    "employ": (
        E.Employ,
        {"employer": ("employer", "name"), "employee": ("employee", "name"), "hourly wage": ("hourly_wage", "money")},
        (Domain.WORKING_TIME,),
    ),
    "register device": (
        E.RegisterDevice,
        {"device": ("device", "name"), "employer": ("employer", "name"), "accepted": ("accepted", "yes/no")},
        (Domain.WORKING_TIME,),
    ),
    "accept device": (
        E.AcceptDevice,
        {"employer": ("employer", "name"), "device": ("device", "name")},
        (Domain.WORKING_TIME,),
    ),
    "revoke device": (E.RevokeDevice, {"device": ("device", "name"), "by": ("by", "name")}, (Domain.WORKING_TIME,)),
    "change wage": (
        E.ChangeWage,
        {"employer": ("employer", "name"), "employee": ("employee", "name"), "hourly wage": ("hourly_wage", "money")},
        (Domain.WORKING_TIME,),
    ),
    "end employment": (
        E.EndEmployment,
        {"employee": ("employee", "name"), "by": ("by", "name")},
        (Domain.WORKING_TIME,),
    ),
    "withdraw": (E.Withdraw, {"from": ("sender", "name"), "amount": ("amount", "money")}, (Domain.WORKING_TIME,)),
    "deposit": (
        E.Deposit,
        {"from": ("sender", "name"), "amount": ("amount", "money")},
        (Domain.WORKING_TIME, Domain.VOUCHERS),
    ),
    "punch": (
        E.Punch,
        {"device": ("device", "name"), "employee": ("employee", "name"), "kind": ("kind", "in/out")},
        (Domain.WORKING_TIME,),
    ),
    "grant time off": (
        E.GrantTimeOff,
        {"employer": ("employer", "name"), "employee": ("employee", "name"), "date": ("date", "date")},
        (Domain.WORKING_TIME,),
    ),
    "settle": (E.Settle, {}, (Domain.WORKING_TIME,)),
    "attest": (
        E.Attest,
        {"attester": ("attester", "name"), "citizen": ("citizen", "name"), "attribute": ("attribute", "text")},
        (Domain.VOUCHERS,),
    ),
    "register merchant": (
        E.RegisterMerchant,
        {"merchant": ("merchant", "name"), "category": ("category", "text")},
        (Domain.VOUCHERS,),
    ),
    "issue": (E.Issue, {"issuer": ("issuer", "name"), "to": ("recipients", "names")}, (Domain.VOUCHERS,)),
    "spend": (
        E.Spend,
        {"holder": ("holder", "name"), "merchant": ("merchant", "name"), "purchase": ("purchase", "money")},
        (Domain.VOUCHERS,),
    ),
    "transfer": (E.Transfer, {"holder": ("holder", "name"), "to": ("recipient", "name")}, (Domain.VOUCHERS,)),
    "reclaim": (E.Reclaim, {}, (Domain.VOUCHERS,)),
    "delist merchant": (E.DelistMerchant, {"merchant": ("merchant", "name")}, (Domain.VOUCHERS,)),
    "appoint issuer": (E.AppointIssuer, {"issuer": ("issuer", "name")}, (Domain.VOUCHERS,)),
    "register buyer": (E.RegisterBuyer, {"buyer": ("buyer", "name")}, (Domain.PROCUREMENT,)),
    "revoke buyer": (E.RevokeBuyer, {"buyer": ("buyer", "name")}, (Domain.PROCUREMENT,)),
    "revoke inspector": (E.RevokeInspector, {"inspector": ("inspector", "name")}, (Domain.PROCUREMENT,)),
    "open tender": (E.OpenTender, {"buyer": ("buyer", "name"), "quantity": ("quantity", "int")}, (Domain.PROCUREMENT,)),
    "bid": (E.Bid, {"supplier": ("supplier", "name"), "price": ("price", "money"), **_TENDER}, (Domain.PROCUREMENT,)),
    "reveal": (E.Reveal, {"supplier": ("supplier", "name"), **_TENDER}, (Domain.PROCUREMENT,)),
    "score bid": (
        E.ScoreBid,
        {"buyer": ("buyer", "name"), "supplier": ("supplier", "name"), "quality": ("quality", "int"), **_TENDER},
        (Domain.PROCUREMENT,),
    ),
    "register inspector": (
        E.RegisterInspector,
        {"inspector": ("inspector", "name"), "buyer": ("buyer", "name")},
        (Domain.PROCUREMENT,),
    ),
    "award": (E.Award, {**_TENDER}, (Domain.PROCUREMENT,)),
    "deliver": (
        E.Deliver,
        {
            "supplier": ("supplier", "name"),
            "quantity": ("quantity", "int"),
            "inspector": ("inspector", "name"),
            **_TENDER,
        },
        (Domain.PROCUREMENT,),
    ),
    "record delivery": (
        E.RecordDelivery,
        {"supplier": ("supplier", "name"), "quantity": ("quantity", "int"), **_TENDER},
        (Domain.PROCUREMENT,),
    ),
    "confirm delivery": (
        E.ConfirmDelivery,
        {"inspector": ("inspector", "name"), "delivery": ("delivery", "index"), **_TENDER},
        (Domain.PROCUREMENT,),
    ),
    "dispute delivery": (
        E.DisputeDelivery,
        {"inspector": ("inspector", "name"), "delivery": ("delivery", "index"), **_TENDER},
        (Domain.PROCUREMENT,),
    ),
    "accept delivery": (E.AcceptDelivery, {"delivery": ("delivery", "index"), **_TENDER}, (Domain.PROCUREMENT,)),
    "close tender": (E.CloseTender, {**_TENDER}, (Domain.PROCUREMENT,)),
}
#: Fields an event may leave out (the dataclass default applies): a device registered in a scenario is
#: accepted by its employer at once unless `accepted: no`; a revocation without `by` is the authority's.
_OPTIONAL = {("register device", "accepted"), ("revoke device", "by")}
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
        span = (
            Span(node.start_mark.line + 1, node.start_mark.column + 1, node.end_mark.line + 1, node.end_mark.column + 1)
            if node is not None
            else Span(1, 1, 1, 1)
        )
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


def load_scenario(path: str | Path, statute_file: str | Path | None = None) -> Scenario:
    """A validated scenario with its checked statute, or `StatuteError` naming the problem.

    The scenario's `statute:` is a `.law` file in the scenario's folder or below it: a
    scenario someone sent cannot make lawdsl read (and quote in an error) any other file.
    `statute_file`, given on the command line by the person running it, replaces it and
    may be anywhere.
    """
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StatuteError([Diagnostic(str(path), Span(0, 0, 0, 0), f"cannot read scenario: {error}")]) from None
    reader = _Reader(path, text)
    deep = too_deep(text)
    if deep is not None:
        line, column = deep
        raise StatuteError(
            [
                Diagnostic(
                    str(path),
                    Span(line, column, line, column),
                    f"nested more than {MAX_DEPTH} levels deep; a scenario needs a few",
                )
            ]
        )
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
    known = ["statute", "amendments", "balances", "events", "expect", "buyers", "issuer"]
    for unknown in set(top) - set(known):
        raise reader.fail(top[unknown][0], f"unknown top-level field '{unknown}'" + suggestion(unknown, known))
    if "statute" not in top:
        raise reader.fail(root, "the scenario must name its statute, like 'statute: overtime.law'")
    statute = load_statute(statute_file if statute_file is not None else _statute_path(reader, path, top["statute"][1]))
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

    parties: dict[str, Any] = {}
    for name, domain, kind in (("buyers", Domain.PROCUREMENT, "names"), ("issuer", Domain.VOUCHERS, "name")):
        if name in top:
            if statute.header.domain is not domain:
                raise reader.fail(top[name][0], f"'{name}:' applies only to a {domain.value} statute")
            parties[name] = _field(reader, statute, top[name][1], f"'{name}:'", kind, money)

    if "amendments" in top:
        parties["amendments"] = _amendments(reader, path, statute, top["amendments"][1])

    expect = None
    if "expect" in top:
        constructor = _Loader("")
        expect = constructor.construct_document(top["expect"][1])
        if not isinstance(expect, dict):
            raise reader.fail(top["expect"][1], "'expect:' must be a mapping")
    return Scenario(path, statute, balances, tuple(parsed), expect, **parties)


def _amendments(reader: _Reader, scenario: Path, statute: Statute, node: yaml.Node) -> tuple[Statute, ...]:
    """`amendments:`, a list of `.law` files beside the scenario: later versions of its statute, each
    taking effect on its own effective date (docs/semantics.md, "Amendments")."""
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, "'amendments:' must list the later versions' .law files, like '- overtime-v2.law'")
    if statute.header.domain is not Domain.WORKING_TIME:
        raise reader.fail(node, "'amendments:' applies only to a working-time statute")
    versions = [statute]
    for item in node.value:
        amended = load_statute(_statute_path(reader, scenario, item))
        before, header = versions[-1].header, amended.header
        named = reader.scalar(item, "amendment")
        if header.title != before.title:
            raise reader.fail(item, f"amendment '{named}' is {header.title!r}, not a version of {before.title!r}")
        if header.currency != before.currency:
            raise reader.fail(item, f"amendment '{named}' pays in {header.currency}, the statute in {before.currency}")
        if header.version <= before.version:
            raise reader.fail(item, f"amendment '{named}' is version {header.version}, not above {before.version}")
        if effective_start(amended) <= effective_start(versions[-1]):
            raise reader.fail(
                item,
                f"amendment '{named}' takes effect on {header.effective}, not after version {before.version}'s "
                f"{before.effective}",
            )
        versions.append(amended)
    return tuple(versions[1:])


def _statute_path(reader: _Reader, scenario: Path, node: yaml.Node) -> Path:
    """The scenario's `statute:`, relative to the scenario's folder, checked before it is read."""
    named = reader.scalar(node, "statute")
    folder = scenario.parent.resolve()
    statute_path = scenario.parent / named
    if not statute_path.resolve().is_relative_to(folder):
        raise reader.fail(
            node, f"statute '{named}' is outside the scenario's folder; give it on the command line with --statute FILE"
        )
    if statute_path.suffix != ".law":
        raise reader.fail(node, f"statute '{named}' is not a .law file")
    if not statute_path.is_file():
        raise reader.fail(node, f"statute file '{statute_path}' does not exist")
    return statute_path


def _event(
    reader: _Reader,
    statute: Statute,
    index: int,
    node: yaml.Node,
    previous: dt.datetime,
    first: bool,
    money: Callable[[yaml.Node, str], Money],
) -> E.Event:
    """One event; `previous` is the time it inherits (for the first: the effective date)."""
    outer = reader.mapping(node, f"event {index}")
    if len(outer) != 1:
        raise reader.fail(node, f"event {index} must have exactly one kind, like '- punch: {{…}}'")
    ((kind, (kind_node, body)),) = outer.items()
    if kind not in _EVENT_KINDS:
        raise reader.fail(kind_node, f"event {index}: unknown event kind '{kind}'" + suggestion(kind, _EVENT_KINDS))
    cls, spec, domains = _EVENT_KINDS[kind]
    domain = statute.header.domain
    if domain not in domains:
        raise reader.fail(kind_node, f"event {index}: '{kind}' events do not apply to a {domain.value} statute")
    what = f"event {index} ({kind})"
    fields = reader.mapping(body, what) if not (isinstance(body, yaml.ScalarNode) and body.value == "") else {}
    allowed = {**spec, "at": ("at", "time")}
    for name, (key, _) in fields.items():
        if name not in allowed:
            raise reader.fail(key, f"{what}: unknown field '{name}'" + suggestion(name, allowed))
    values: dict[str, Any] = {}
    for name, (attr, field_kind) in spec.items():
        if name not in fields:
            if name in _OPTIONAL_ANYWHERE or (kind, name) in _OPTIONAL:
                continue
            raise reader.fail(body, f"{what}: missing field '{name}'")
        values[attr] = _field(reader, statute, fields[name][1], f"{what}: field '{name}'", field_kind, money)
    if "at" in fields:
        at = _time(reader, statute, fields["at"][1], f"{what}: field 'at'")
        if at < previous and not first:
            raise reader.fail(
                fields["at"][1],
                f"{what}: {at.isoformat()} is before the previous event's "
                f"time {previous.isoformat()}; a scenario must not go back in time",
            )
    elif kind in _TIME_REQUIRED:
        raise reader.fail(body, f"{what}: missing field 'at'")
    else:
        at = previous
    return cls(index=index, at=at, **values)


def _field(
    reader: _Reader, statute: Statute, node: yaml.Node, what: str, kind: str, money: Callable[[yaml.Node, str], Money]
) -> Any:
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
    if kind == "index":
        if not text.isdigit():
            raise reader.fail(node, f"{what} must be a whole number counted from 0, found '{text}'")
        return int(text)
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise reader.fail(node, f"{what} must be a date like 2026-03-07, found '{text}'") from None
    if kind == "yes/no":
        if text not in ("yes", "no"):
            raise reader.fail(node, f"{what} must be 'yes' or 'no', found '{text}'")
        return text == "yes"
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
        if statute.header.time_zone.name:
            moment = _zoned(reader, statute, node, what, moment)
    table = zone_table(statute.header) if statute.header.domain is Domain.WORKING_TIME else None
    if table is not None and moment.timestamp() >= table.end:
        raise reader.fail(
            node,
            f"{what} {text} is after the contract's table of {statute.header.time_zone}'s clock changes, which "
            f"ends on {table_end(table, statute.header.time_zone)}: the contract refuses every shift from then on "
            "(a new version of the statute must be in force by then)",
        )
    return moment


def _zoned(reader: _Reader, statute: Statute, node: yaml.Node, what: str, moment: dt.datetime) -> dt.datetime:
    """A local time in a named zone, as the instant in UTC: Python compares and subtracts two times of
    one zone by their clocks, so a shift across the autumn change would lose its repeated hour. A time
    the clocks skip is an error; one they repeat is its first occurrence (docs/semantics.md)."""
    utc = moment.astimezone(dt.timezone.utc)
    if utc.astimezone(moment.tzinfo).replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise reader.fail(
            node,
            f"{what} {moment.replace(tzinfo=None).isoformat()} does not exist in {statute.header.time_zone}: "
            "the clocks skip it when they change; write the time with its offset from UTC",
        )
    return utc
