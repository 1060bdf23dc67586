"""Pull attendance from a terminal on the LAN with pyzk (the optional `zkteco` extra).

For terminals that cannot push (old firmware, or no route from the terminal
to the gateway), the gateway connects to the terminal's own protocol on TCP
4370. `pull()` reads the whole attendance log; `follow()` reads it once to
catch up and then streams new punches with `live_capture()` until told to
stop. Re-reading old records is harmless: the outbox already holds them, so
they come back as `Redelivered`.

pyzk's `Attendance` has `user_id` (the PIN), `timestamp` (naive, the
terminal's wall clock), `punch` (the punch state: 0 in, 1 out, 4/5 overtime
…, the `status` column of an ADMS ATTLOG line) and `status` (how the person
was verified: fingerprint, card …). The naming is pyzk's; we map `punch`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from .config import DeviceConfig
from .intake import Intake
from .records import Admission, Reason

log = logging.getLogger("oracles.devices.pyzk")


class PullError(RuntimeError):
    """The terminal cannot be pulled from (pyzk missing, wrong terminal at the address)."""


def _zk_module() -> ModuleType:
    """pyzk, imported only when a pull is made, so the gateway runs without the extra."""
    try:
        import zk
    except ImportError as exc:
        raise PullError("pulling from a ZKTeco terminal needs pyzk: pip install 'lawdsl[zkteco]'") from exc
    module: ModuleType = zk  # pyzk ships no types
    return module


class PyzkPuller:
    """One configured terminal with an `address`, read through pyzk."""

    def __init__(self, intake: Intake, device: DeviceConfig, password: int = 0, timeout: int = 10) -> None:
        if device.address is None:
            raise PullError(f"device {device.label} ({device.serial}) has no 'address' to pull from")
        self.intake = intake
        self.device = device
        self.password = password
        self.timeout = timeout
        self.source = f"pyzk:{device.serial}"

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        host, port = self.device.address  # type: ignore[misc]  # checked in __init__
        # ommit_ping: pyzk would shell out to `ping` first, which many gateway hosts lack.
        terminal = _zk_module().ZK(host, port=port, timeout=self.timeout, password=self.password, ommit_ping=True)
        conn = terminal.connect()
        try:
            serial = str(conn.get_serialnumber()).strip()
            if serial != self.device.serial:
                raise PullError(
                    f"{host}:{port} is terminal {serial!r}, not {self.device.label} "
                    f"({self.device.serial}); refusing to attribute its records"
                )
            yield conn
        finally:
            conn.disconnect()

    def pull(self) -> list[Admission]:
        """Read the terminal's whole log and admit it as one outbox transaction."""
        with self._connection() as conn:
            records = self._read_log(conn)
        return self._admit_all(records)

    def follow(self, stop: threading.Event, poll: int = 10) -> Iterator[Admission]:
        """Catch up on the log, then yield each live punch until `stop` is set.

        `stop` is checked at least every `poll` seconds (pyzk's live capture
        yields None when nothing happened in that time). Setting
        `end_live_capture` and letting the generator finish lets pyzk
        unregister the event and restore the terminal's state.
        """
        with self._connection() as conn:
            yield from self._admit_all(self._read_log(conn))
            for record in conn.live_capture(new_timeout=poll):
                if stop.is_set():
                    conn.end_live_capture = True
                elif record is not None:
                    yield self._admit(record)

    @staticmethod
    def _read_log(conn: Any) -> list[Any]:
        conn.disable_device()  # the log must not change while it is read
        try:
            return list(conn.get_attendance())
        finally:
            conn.enable_device()

    def _admit_all(self, records: list[Any]) -> list[Admission]:
        with self.intake.batch():
            admissions = [self._admit(record) for record in records]
        log.info("%s: %d record(s) read", self.source, len(admissions))
        return admissions

    def _admit(self, record: Any) -> Admission:
        pin = str(getattr(record, "user_id", "")).strip()
        at = getattr(record, "timestamp", None)
        state = getattr(record, "punch", None)
        text = "\t".join(
            (
                pin,
                at.strftime("%Y-%m-%d %H:%M:%S") if isinstance(at, dt.datetime) else repr(at),
                str(state),
                str(getattr(record, "status", "")),
            )
        )
        if not pin or not isinstance(at, dt.datetime) or not isinstance(state, int):
            return self.intake.reject(
                text,
                self.source,
                Reason.MALFORMED,
                "a pyzk record needs a user_id, a datetime timestamp and an integer punch state",
            )
        return self.intake.device_record(text, self.source, self.device.serial, pin, at, state)
