"""Realistic attendance for N employees, deterministic per seed.

Demos, benchmarks and tests need months of clock-ins that look like a real
site's, including what real sites get wrong, without a terminal. Output is
what terminals produce (`DeviceRecord`: serial, PIN, wall-clock time, punch
state), so it goes through the same adapters and checks as real data: as
ATTLOG lines into the ADMS receiver, or straight into `Intake.device_record`.

What is simulated, per employee and day:
- a shift pattern: day (Mon–Fri 09–18), early (Mon–Fri 06–14), night
  (Sun–Thu 22–06, across midnight) or weekend (Sat–Sun 08–20); arrival and
  departure jitter; no work on holidays except a few on call; absences;
- overtime: a late departure, sometimes punched separately as
  overtime-in/out (states 4/5) after the regular clock-out;
- terminals: each employee has a home terminal and sometimes uses another;
  every terminal's clock is off by a fixed skew plus a daily drift;
- mistakes: missed punches, double taps (the same punch again seconds
  later, which intake quarantines as a duplicate) and re-sent records (a
  terminal repeating a record whose `OK` it lost: a redelivery).

Each record comes with its truth (`SimulatedPunch`), so tests can check the
adapters against what really happened.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from types import MappingProxyType

from .config import DEFAULT_STATUS, DeviceConfig, GatewayConfig

IN, OUT, OVERTIME_IN, OVERTIME_OUT = 0, 1, 4, 5


@dataclass(frozen=True)
class Pattern:
    name: str
    weekdays: frozenset[int]  # days a shift starts on, Monday = 0
    start: dt.time
    hours: float


PATTERNS = (
    Pattern("day", frozenset(range(5)), dt.time(9), 9),
    Pattern("early", frozenset(range(5)), dt.time(6), 8),
    Pattern("night", frozenset({6, 0, 1, 2, 3}), dt.time(22), 8),
    Pattern("weekend", frozenset({5, 6}), dt.time(8), 12),
)
PATTERN_WEIGHTS = (50, 15, 20, 15)


@dataclass(frozen=True)
class Profile:
    """How often things happen; the defaults are a plausible factory floor."""

    absence_rate: float = 0.03
    holiday_work_rate: float = 0.1
    overtime_rate: float = 0.15
    separate_overtime_rate: float = 0.3  # of overtime shifts
    other_device_rate: float = 0.1
    missed_punch_rate: float = 0.02
    double_tap_rate: float = 0.02
    resend_rate: float = 0.01
    jitter_minutes: float = 8.0  # standard deviation of arrival and departure
    max_skew: dt.timedelta = dt.timedelta(minutes=2)
    drift_per_day: dt.timedelta = dt.timedelta(seconds=2)


CLEAN = Profile(
    absence_rate=0,
    missed_punch_rate=0,
    double_tap_rate=0,
    resend_rate=0,
    max_skew=dt.timedelta(0),
    drift_per_day=dt.timedelta(0),
)


@dataclass(frozen=True)
class DeviceRecord:
    """A record as a terminal stores it."""

    serial: str
    pin: str
    time: dt.datetime  # naive: the terminal's wall clock, whole seconds
    status: int  # punch state
    verify: int = 1  # fingerprint

    def attlog(self) -> str:
        """The ATTLOG upload line a terminal sends for this record."""
        return f"{self.pin}\t{self.time:%Y-%m-%d %H:%M:%S}\t{self.status}\t{self.verify}\t0\t0\t0"


@dataclass(frozen=True)
class Shift:
    employee: str
    pattern: str
    start: dt.datetime  # aware, true time
    end: dt.datetime
    overtime: dt.timedelta


@dataclass(frozen=True)
class SimulatedPunch:
    record: DeviceRecord
    employee: str
    true_at: dt.datetime  # aware: when it really happened
    anomaly: str | None  # "double_tap" or "resend" for the injected extra records


@dataclass(frozen=True)
class Simulation:
    punches: tuple[SimulatedPunch, ...]  # in the order terminals deliver them
    shifts: tuple[Shift, ...]
    injected: MappingProxyType[str, int]  # anomaly → how many

    @property
    def records(self) -> list[DeviceRecord]:
        return [p.record for p in self.punches]

    def attlog(self, serial: str) -> str:
        """One terminal's records as an ATTLOG upload body."""
        return "".join(f"{p.record.attlog()}\n" for p in self.punches if p.record.serial == serial)


def simulated_config(
    employees: int, devices: int = 2, zone: dt.tzinfo = dt.timezone(dt.timedelta(hours=8)), **settings: object
) -> GatewayConfig:
    """A configuration for a simulated site: PINs 1001… for employees emp-0001…, terminals SIM0001…"""
    terminals = {
        f"SIM{n:04d}": DeviceConfig(f"SIM{n:04d}", f"gate-{n}", zone, DEFAULT_STATUS, {}, None)
        for n in range(1, devices + 1)
    }
    people = {str(1000 + n): f"emp-{n:04d}" for n in range(1, employees + 1)}
    return GatewayConfig(devices=terminals, employees=people, **settings)  # type: ignore[arg-type]


def simulate(
    config: GatewayConfig,
    start: dt.date,
    days: int,
    seed: int,
    profile: Profile = Profile(),
    holidays: frozenset[dt.date] = frozenset(),
) -> Simulation:
    """Shifts starting on `start` … `start + days - 1` for every PIN in `config.employees`."""
    return _Simulator(config, start, seed, profile, holidays).run(days)


class _Simulator:
    def __init__(
        self, config: GatewayConfig, start: dt.date, seed: int, profile: Profile, holidays: frozenset[dt.date]
    ) -> None:
        self.rng = random.Random(seed)
        self.profile = profile
        self.holidays = holidays
        self.start = start
        self.devices = sorted(config.devices.values(), key=lambda d: d.serial)
        self.skew = {d.serial: self._uniform_delta(profile.max_skew) for d in self.devices}
        self.staff = [
            (pin, label, self.rng.choices(PATTERNS, PATTERN_WEIGHTS)[0], self.rng.choice(self.devices))
            for pin, label in sorted(config.employees.items())
        ]
        self.injected: Counter[str] = Counter()

    def _uniform_delta(self, bound: dt.timedelta) -> dt.timedelta:
        return bound * self.rng.uniform(-1, 1)

    def _jitter(self) -> dt.timedelta:
        minutes = max(-30.0, min(30.0, self.rng.gauss(0, self.profile.jitter_minutes)))
        return dt.timedelta(minutes=minutes)

    def run(self, days: int) -> Simulation:
        shifts: list[Shift] = []
        punches: list[SimulatedPunch] = []
        for offset in range(days):
            day = self.start + dt.timedelta(days=offset)
            for pin, label, pattern, home in self.staff:
                shift = self._shift(day, label, pattern, home.zone)
                if shift:
                    shifts.append(shift)
                    punches += self._punches(shift, pin, home)
        punches.sort(key=lambda p: p.true_at)  # stable: a re-sent record stays right after its original
        return Simulation(tuple(punches), tuple(shifts), MappingProxyType(dict(self.injected)))

    def _shift(self, day: dt.date, employee: str, pattern: Pattern, zone: dt.tzinfo) -> Shift | None:
        if day.weekday() not in pattern.weekdays:
            return None
        if day in self.holidays and self.rng.random() >= self.profile.holiday_work_rate:
            return None
        if self.rng.random() < self.profile.absence_rate:
            return None
        begin = dt.datetime.combine(day, pattern.start, zone)
        overtime = dt.timedelta(0)
        if self.rng.random() < self.profile.overtime_rate:
            overtime = dt.timedelta(minutes=self.rng.randrange(30, 181, 15))
        return Shift(
            employee,
            pattern.name,
            begin + self._jitter(),
            begin + dt.timedelta(hours=pattern.hours) + overtime + self._jitter(),
            overtime,
        )

    def _punches(self, shift: Shift, pin: str, home: DeviceConfig) -> list[SimulatedPunch]:
        moments = [(shift.start, IN), (shift.end, OUT)]
        if shift.overtime and self.rng.random() < self.profile.separate_overtime_rate:
            overtime_in = shift.end - shift.overtime
            pause = dt.timedelta(minutes=self.rng.randrange(10, 21))  # punches stay minutes apart, beyond any skew
            moments[1:] = [(overtime_in - pause, OUT), (overtime_in, OVERTIME_IN), (shift.end, OVERTIME_OUT)]
        out: list[SimulatedPunch] = []
        for at, status in moments:
            if self.rng.random() < self.profile.missed_punch_rate:
                self.injected["missed"] += 1
                continue
            device = home
            if len(self.devices) > 1 and self.rng.random() < self.profile.other_device_rate:
                device = self.rng.choice([d for d in self.devices if d is not home])
            punch = SimulatedPunch(self._record(device, pin, at, status), shift.employee, at, None)
            out.append(punch)
            roll = self.rng.random()
            if roll < self.profile.double_tap_rate:
                again = at + dt.timedelta(seconds=self.rng.randrange(2, 21))
                out.append(
                    SimulatedPunch(self._record(device, pin, again, status), shift.employee, again, "double_tap")
                )
                self.injected["double_tap"] += 1
            elif roll < self.profile.double_tap_rate + self.profile.resend_rate:
                out.append(SimulatedPunch(punch.record, shift.employee, at, "resend"))
                self.injected["resend"] += 1
        return out

    def _record(self, device: DeviceConfig, pin: str, at: dt.datetime, status: int) -> DeviceRecord:
        """What the terminal writes down: its own skewed clock, in its zone, to the second."""
        days = (at.date() - self.start).days
        clock = at + self.skew[device.serial] + self.profile.drift_per_day * days
        wall = clock.astimezone(device.zone).replace(tzinfo=None, microsecond=0)
        return DeviceRecord(device.serial, pin, wall, status)
