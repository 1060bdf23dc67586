"""The one gate every adapter's records pass: resolve, check, record.

Each adapter only parses its own wire format; the rules for what counts as a
punch live here once, so a record is judged the same whether a terminal
pushed it, pyzk pulled it or a CSV carried it. Checks, in order:

1. the device serial is configured                        → unknown-device
2. the device's status code maps to in/out                 → unknown-status
3. the PIN (or employee label) is configured               → unknown-employee
4. the time is not beyond now + `future_tolerance`         → future
5. the punch is already in the outbox                      → Redelivered (not an error)
6. the employee's latest punch on the same terminal is
   not later than this one                                 → out-of-order
7. it is not the same kind as the employee's latest punch
   at or before it, on any terminal, within
   `duplicate_window` (a double tap, or the same punch on
   a second terminal)                                      → duplicate

Each record is judged on its own, and never against a later record of
another terminal: a terminal's records arrive in its own order, so check 6
looks only at that terminal, and check 7 only at punches before this one.
A wrong or forged record from one terminal (a clock-in minutes ahead) can
then quarantine nothing but later-dated records of that same terminal; the
other terminals' real records pass, and the statute judges the order of
what reaches it (docs/oracles.md, "Quarantine").

Checks 5–7 and the write that follows them run in one outbox transaction,
so two terminals uploading the same employee at once cannot both pass.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

from oracles.outbox import Outbox, utc_now

from .config import GatewayConfig
from .records import Admission, CanonicalPunch, Kind, Quarantined, Reason, Redelivered

log = logging.getLogger("oracles.devices")


class Intake:
    """Judges records against one configuration and records the verdicts in one outbox."""

    def __init__(self, config: GatewayConfig, outbox: Outbox, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.config = config
        self.outbox = outbox
        self._clock = clock

    def batch(self) -> AbstractContextManager[object]:
        """Admit many records as one transaction: all are recorded, or (on a crash) none."""
        return self.outbox.transaction()

    def reject(self, record: str, source: str, reason: Reason, detail: str) -> Quarantined:
        item = Quarantined(record, source, reason, detail)
        self.outbox.quarantine(item)
        log.warning("quarantined %s", item)
        return item

    def device_record(
        self, record: str, source: str, serial: str, pin: str, local_time: dt.datetime, status: int
    ) -> Admission:
        """A terminal's record: PIN and punch-state code, time on the terminal's wall clock."""
        device = self.config.devices.get(serial)
        if device is None:
            return self.reject(record, source, Reason.UNKNOWN_DEVICE, f"no device with serial {serial!r} is configured")
        kind = device.status.get(status)
        if kind is None:
            known = ", ".join(str(code) for code in sorted(device.status))
            return self.reject(
                record,
                source,
                Reason.UNKNOWN_STATUS,
                f"status {status} is not mapped to in/out on {device.label} (mapped: {known})",
            )
        employee = self.config.employee(device, pin)
        if employee is None:
            return self.reject(
                record, source, Reason.UNKNOWN_EMPLOYEE, f"PIN {pin!r} is not enrolled on {device.label}"
            )
        at = local_time if local_time.tzinfo else local_time.replace(tzinfo=device.zone)
        return self.admit(record, CanonicalPunch(serial, device.label, employee, at, kind, source))

    def labelled_record(
        self, record: str, source: str, device_name: str, employee: str, at: dt.datetime, kind: Kind
    ) -> Admission:
        """A record that already names the employee (CSV): a naive time is the device's wall clock."""
        device = self.config.find_device(device_name)
        if device is None:
            return self.reject(record, source, Reason.UNKNOWN_DEVICE, f"no device with serial or label {device_name!r}")
        if employee not in self.config.employee_labels:
            return self.reject(record, source, Reason.UNKNOWN_EMPLOYEE, f"employee {employee!r} is not configured")
        at = at if at.tzinfo else at.replace(tzinfo=device.zone)
        return self.admit(record, CanonicalPunch(device.serial, device.label, employee, at, kind, source))

    def admit(self, record: str, punch: CanonicalPunch) -> Admission:
        """Checks 4–7 against the clock and the outbox, then records the punch as pending."""
        limit = self._clock() + self.config.future_tolerance
        if punch.at > limit:
            return self.reject(
                record,
                punch.source,
                Reason.FUTURE,
                f"{punch.at.isoformat()} is more than {self.config.future_tolerance} ahead of the gateway",
            )
        # Check 5 (already here?) costs a query of its own only when 6 or 7 fail; otherwise the
        # insert answers it: two statements a record instead of three on the common path.
        with self.outbox.transaction():
            on_terminal = self.outbox.latest(punch.employee, serial=punch.serial)
            if on_terminal is not None and punch.at < on_terminal[0]:
                if self.outbox.has(punch.key):
                    return self._redelivered(record, punch)
                return self.reject(
                    record,
                    punch.source,
                    Reason.OUT_OF_ORDER,
                    f"{punch.employee}'s punch at {punch.at.isoformat()} is earlier than "
                    f"their latest on {punch.device}, {on_terminal[0].isoformat()}",
                )
            latest = self.outbox.latest(punch.employee, until=punch.at)
            if latest is not None:
                latest_at, latest_kind = latest
                if punch.kind == latest_kind and punch.at - latest_at <= self.config.duplicate_window:
                    if self.outbox.has(punch.key):
                        return self._redelivered(record, punch)
                    return self.reject(
                        record,
                        punch.source,
                        Reason.DUPLICATE,
                        f"{punch.employee} already punched {punch.kind} at {latest_at.isoformat()}, "
                        f"within {self.config.duplicate_window}",
                    )
            if self.outbox.add(punch):
                return punch
        return self._redelivered(record, punch)  # the insert found its key

    @staticmethod
    def _redelivered(record: str, punch: CanonicalPunch) -> Redelivered:
        log.info("redelivered %s: %r", punch.source, record)
        return Redelivered(punch)
