"""The attendance simulator: deterministic, realistic, and honest about what it injected."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from oracles.devices.intake import Intake
from oracles.devices.records import Quarantined, Reason
from oracles.devices.simulator import CLEAN, PATTERNS, Profile, simulate, simulated_config
from oracles.outbox import Outbox

PATTERN_DAYS = {pattern.name: pattern.weekdays for pattern in PATTERNS}


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    employees=st.integers(1, 20),
    devices=st.integers(1, 3),
    days=st.integers(1, 21),
    start=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    holiday_offsets=st.sets(st.integers(0, 20), max_size=4),
)
def test_every_simulation_keeps_its_promises(
    seed: int, employees: int, devices: int, days: int, start: dt.date, holiday_offsets: set[int]
) -> None:
    config = simulated_config(employees, devices)
    holidays = frozenset(start + dt.timedelta(days=n) for n in holiday_offsets)
    profile = Profile(holiday_work_rate=0)
    sim = simulate(config, start, days, seed, profile, holidays)
    assert sim == simulate(config, start, days, seed, profile, holidays)  # the seed decides everything

    for shift in sim.shifts:
        assert start <= shift.start.date() < start + dt.timedelta(days=days)
        assert shift.start.date() not in holidays
        assert shift.start.weekday() in PATTERN_DAYS[shift.pattern]
        assert shift.start < shift.end
        if shift.pattern == "night":
            assert shift.end.date() == shift.start.date() + dt.timedelta(days=1)  # across midnight

    slack = profile.max_skew + profile.drift_per_day * days + dt.timedelta(seconds=1)
    for punch in sim.punches:
        record, device = punch.record, config.devices[punch.record.serial]
        assert config.employees[record.pin] == punch.employee and record.status in (0, 1, 4, 5)
        assert record.time.microsecond == 0
        assert abs(record.time.replace(tzinfo=device.zone) - punch.true_at) <= slack  # clock skew stays bounded

    anomalies = Counter(p.anomaly for p in sim.punches if p.anomaly)
    assert anomalies == Counter({k: v for k, v in sim.injected.items() if k != "missed"})
    assert [p.true_at for p in sim.punches] == sorted(p.true_at for p in sim.punches)  # delivered as they happen


def test_a_month_at_a_factory_has_everything_a_real_one_has() -> None:
    config = simulated_config(200, 3)
    sim = simulate(config, dt.date(2026, 3, 1), 28, seed=11, holidays=frozenset({dt.date(2026, 3, 9)}))
    patterns = Counter(shift.pattern for shift in sim.shifts)
    assert set(patterns) == {"day", "early", "night", "weekend"}
    assert patterns["day"] > patterns["weekend"] > 0
    assert all(sim.injected[anomaly] > 0 for anomaly in ("missed", "double_tap", "resend"))
    statuses = Counter(record.status for record in sim.records)
    assert statuses[4] > 0 and statuses[5] > 0  # overtime punched separately
    overtime = [shift for shift in sim.shifts if shift.overtime]
    assert 0.1 < len(overtime) / len(sim.shifts) < 0.2
    on_holiday = [shift for shift in sim.shifts if shift.start.date() == dt.date(2026, 3, 9)]
    usual_monday = [shift for shift in sim.shifts if shift.start.date() == dt.date(2026, 3, 16)]
    assert 0 < len(on_holiday) < len(usual_monday) / 3  # a few on call
    by_employee = {}
    for punch in sim.punches:
        by_employee.setdefault(punch.employee, set()).add(punch.record.serial)
    assert any(len(serials) > 1 for serials in by_employee.values())  # some use another terminal
    assert simulate(config, dt.date(2026, 3, 1), 28, seed=12).records != sim.records


def test_a_clean_simulation_is_exactly_its_shifts() -> None:
    config = simulated_config(15, 2)
    sim = simulate(config, dt.date(2026, 3, 1), 14, seed=5, profile=CLEAN)
    assert not sim.injected
    starts = sorted((p.employee, p.true_at) for p in sim.punches if p.record.status == 0)
    assert starts == sorted((shift.employee, shift.start) for shift in sim.shifts)
    ends = {(p.employee, p.true_at) for p in sim.punches if p.record.status in (1, 5)}
    assert all((shift.employee, shift.end) in ends for shift in sim.shifts)
    statuses = Counter(p.record.status for p in sim.punches)
    assert statuses[1] == len(sim.shifts) and statuses[4] == statuses[5]  # overtime punched apart comes in pairs
    for punch in sim.punches:
        device = config.devices[punch.record.serial]
        assert punch.record.time.replace(tzinfo=device.zone) == punch.true_at.replace(microsecond=0)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), employees=st.integers(1, 40), devices=st.integers(1, 4), days=st.integers(1, 31))
def test_intake_sees_exactly_the_injected_mistakes(seed: int, employees: int, devices: int, days: int) -> None:
    """Clean punches pass, double taps are duplicates, re-sent records redeliveries; nothing else is flagged."""
    config = simulated_config(employees, devices)
    sim = simulate(config, dt.date(2026, 1, 1), days, seed)
    verdicts: Counter[tuple[str | None, str]] = Counter()
    with tempfile.TemporaryDirectory() as directory, Outbox(Path(directory) / "outbox.db") as box:
        intake = Intake(config, box, clock=lambda: dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc))
        with intake.batch():
            for punch in sim.punches:
                record = punch.record
                admission = intake.device_record(
                    record.attlog(), "simulator", record.serial, record.pin, record.time, record.status
                )
                verdict = admission.reason if isinstance(admission, Quarantined) else type(admission).__name__
                verdicts[punch.anomaly, verdict] += 1
    assert set(verdicts) <= {(None, "CanonicalPunch"), ("double_tap", Reason.DUPLICATE), ("resend", "Redelivered")}
