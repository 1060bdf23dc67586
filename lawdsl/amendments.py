"""Which version of an amended statute an event goes to (docs/semantics.md, "Amendments").

Version N+1 governs from its effective date; version N keeps what was open
under it. A clock-out goes to the version that holds the employee's open
shift: the one in force at its clock-in, so a shift that spans the switch
is paid whole under the law in force when it began, as a shift already
belongs to its clock-in's day. Every other event goes to the version in
force at its own time. The interpreter, the chain runner and the gateway
all route by this one rule, so the three agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .ast import Statute
from .events import Event, Punch, Settle


def effective_start(statute: Statute) -> dt.datetime:
    """The instant a version takes effect: 00:00 of its effective date in its time zone."""
    header = statute.header
    return dt.datetime.combine(header.effective, dt.time(), header.time_zone.tzinfo)


class Versions:
    """The effective instants of a statute's versions, in the order they were enacted."""

    def __init__(self, starts: Sequence[dt.datetime | int]) -> None:
        if not starts:
            raise ValueError("a statute has at least one version")
        self.starts = [_seconds(start) for start in starts]

    def __len__(self) -> int:
        return len(self.starts)

    def in_force(self, at: dt.datetime | int) -> int:
        """The position of the version in force at `at`: the latest enacted of those whose effective
        date has come (a registry may list one no later than the one before it: it supersedes it
        from its own date). Before any is in force, the first: it refuses the event as dated before
        its effective date."""
        moment = _seconds(at)
        return max((position for position, start in enumerate(self.starts) if start <= moment), default=0)

    def for_punch(self, kind: str, at: dt.datetime | int, clock_in: dt.datetime | int | None) -> int:
        """A clock-in: the version in force at its time. A clock-out: the version in force at
        `clock_in`, the employee's latest punch before it when that was a clock-in (its open
        shift), else at its own time."""
        if kind == "out" and clock_in is not None:
            return self.in_force(clock_in)
        return self.in_force(at)


def _seconds(moment: dt.datetime | int) -> int:
    return moment if isinstance(moment, int) else int(moment.timestamp())


class Routing:
    """Each event's versions, in a replay of events in order: `targets(event)` remembers punches."""

    def __init__(self, versions: Versions) -> None:
        self.versions = versions
        self._last_punch: dict[str, Punch] = {}  # employee -> their latest punch, accepted or not

    def targets(self, event: Event) -> range:
        """The positions of the versions `event` goes to: a `settle` to every version in force
        (each settles what accrued under it), a punch by `for_punch`, anything else to the version
        in force at its time."""
        current = self.versions.in_force(event.at)
        if isinstance(event, Settle):
            return range(current + 1)
        if isinstance(event, Punch):
            before = self._last_punch.get(event.employee)
            self._last_punch[event.employee] = event
            clock_in = before.at if before is not None and before.kind == "in" else None
            current = self.versions.for_punch(event.kind, event.at, clock_in)
        return range(current, current + 1)
