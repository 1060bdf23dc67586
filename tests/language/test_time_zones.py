"""Named time zones (`time zone Asia/Tokyo`): read from the pinned tz database on both surfaces,
a misspelt one suggests the nearest, a working-time statute refuses a zone with daylight saving,
and a zone that keeps one offset compiles exactly as that offset does. The voucher scenario
`statutes/daylight-saving-vouchers.yaml` shows the daylight-saving reading on chain and in the
interpreter (the every-scenario tests run it)."""

from __future__ import annotations

import datetime as dt

import pytest

from compiler.generate import generate
from lawdsl.ast import TimeZone
from lawdsl.load import load_text
from lawdsl.zones import fixed_offset_minutes
from tests.conftest import statute_text

from .test_legislator_errors import first_error

OVERTIME = statute_text("overtime.law")
OVERTIME_ZH = statute_text("overtime.zh.law")
VOUCHERS = statute_text("vouchers.law")


def in_zone(text: str, zone: str, fixed: str = "time zone +08:00.") -> str:
    assert fixed in text
    return text.replace(fixed, fixed.replace("+08:00", zone))


def test_a_named_zone_is_read_on_both_surfaces() -> None:
    english = load_text(in_zone(OVERTIME, "Asia/Shanghai"), "a.law").header.time_zone
    chinese = load_text(in_zone(OVERTIME_ZH, "Asia/Shanghai", "时区 +08:00。"), "a.zh.law").header.time_zone
    assert english == chinese == TimeZone(name="Asia/Shanghai")
    assert str(english) == "Asia/Shanghai"


def test_a_named_zone_follows_daylight_saving() -> None:
    pacific = TimeZone(name="America/Los_Angeles").tzinfo
    assert dt.datetime(2026, 1, 15, tzinfo=pacific).utcoffset() == dt.timedelta(hours=-8)
    assert dt.datetime(2026, 7, 15, tzinfo=pacific).utcoffset() == dt.timedelta(hours=-7)
    assert fixed_offset_minutes(pacific, dt.date(2026, 1, 1)) is None
    assert fixed_offset_minutes(TimeZone(name="Asia/Tokyo").tzinfo, dt.date(2026, 1, 1)) == 9 * 60


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "Asia/Tokio",
            "bad.law:7:13: error: the tz database has no time zone Asia/Tokio; did you mean Asia/Tokyo? "
            "(a zone is Area/City, or an offset like +08:00)",
        ),
        (
            "America/Los_angeles",
            "bad.law:7:13: error: the tz database has no time zone America/Los_angeles; did you mean "
            "America/Los_Angeles? (a zone is Area/City, or an offset like +08:00)",
        ),
    ],
)
def test_a_misspelt_zone_suggests_the_nearest(written: str, expected: str) -> None:
    assert first_error(in_zone(OVERTIME, written)) == expected


def test_working_time_refuses_a_zone_with_daylight_saving() -> None:
    assert first_error(in_zone(OVERTIME, "America/Los_Angeles")) == (
        "bad.law:1:1: error: America/Los_Angeles changes its offset from UTC (daylight saving time, or a new "
        "standard time) within 50 years of the effective date, and a working-time contract counts days and "
        "hours at one fixed offset; write the offset instead (e.g. 'time zone -08:00'), or a zone that keeps "
        "one (docs/language.md, 'What the language cannot say yet')"
    )


def test_vouchers_accept_a_zone_with_daylight_saving() -> None:
    assert load_text(in_zone(VOUCHERS, "America/Los_Angeles"), "v.law").header.time_zone.name == "America/Los_Angeles"


def test_a_zone_that_keeps_one_offset_compiles_as_that_offset() -> None:
    """Asia/Shanghai and +08:00 differ only in the comment that names the zone."""
    named = generate(load_text(in_zone(OVERTIME, "Asia/Shanghai"), "overtime.law")).source
    fixed = generate(load_text(OVERTIME, "overtime.law")).source
    assert "int32 public constant TIME_ZONE_OFFSET = 28800;" in named
    differing = [(a, b) for a, b in zip(named.splitlines(), fixed.splitlines()) if a != b]
    assert differing and all("Asia/Shanghai" in a and "+08:00" in b for a, b in differing)
