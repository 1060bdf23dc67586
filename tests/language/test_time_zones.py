"""Named time zones (`time zone Asia/Tokyo`): read from the pinned tz database on both surfaces,
a misspelt one suggests the nearest, a working-time statute in a zone with daylight saving carries
a table of its clock changes (and is refused where the table cannot serve it), and a zone that keeps
one offset compiles exactly as that offset does. The voucher scenario
`statutes/daylight-saving-vouchers.yaml` shows the daylight-saving reading on chain and in the
interpreter (the every-scenario tests run it)."""

from __future__ import annotations

import datetime as dt

import pytest

from compiler.generate import generate
from lawdsl.ast import TimeZone
from lawdsl.check.lint import lint
from lawdsl.load import load_text
from lawdsl.zones import OffsetTable, fixed_offset_minutes, offset_table, table_problem
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


def test_working_time_accepts_a_zone_with_daylight_saving_without_a_warning() -> None:
    statute = load_text(in_zone(OVERTIME, "America/Los_Angeles"), "ca.law")
    assert statute.header.time_zone.name == "America/Los_Angeles" and lint(statute) == []


def test_a_public_holiday_after_the_table_is_an_error() -> None:
    text = in_zone(OVERTIME, "Europe/Berlin").replace("2026-10-03.", "2026-10-03, 2056-10-03.")
    assert first_error(text) == (
        "bad.law:25:3: error: public holiday 2056-10-03 falls after the contract's table of Europe/Berlin's "
        "clock changes, which ends on 2056-01-01 (30 years after the effective year) and with it the "
        "contract; name later holidays in a new version"
    )


def test_a_zone_whose_clocks_change_across_midnight_is_an_error() -> None:
    """Newfoundland's clocks went back at 00:01 until 2011: the repeated minute-and-hour holds a midnight."""
    text = in_zone(OVERTIME, "America/St_Johns").replace("effective 2026-01-01", "effective 1990-01-01")
    text = text.replace("2026-", "1990-")
    assert first_error(text) == (
        "bad.law:1:1: error: America/St_Johns changes its clocks across midnight (at 1990-10-28 02:31 UTC), "
        "so that a day would not begin at 00:00, and a working-time contract counts days from their "
        "midnight; write a fixed offset (e.g. 'time zone -08:00') or another zone"
    )


def test_the_table_holds_every_change_and_refuses_two_within_two_days() -> None:
    pacific = TimeZone(name="America/Los_Angeles").tzinfo
    table = offset_table(pacific, dt.date(2026, 1, 1))
    assert len(table.changes) == 60 and table.initial == -8 * 3600
    assert table.changes[:2] == (
        (int(dt.datetime(2026, 3, 8, 10, tzinfo=dt.timezone.utc).timestamp()), -7 * 3600),
        (int(dt.datetime(2026, 11, 1, 9, tzinfo=dt.timezone.utc).timestamp()), -8 * 3600),
    )
    for instant, offset in table.changes:  # each change is where the database's offset changes
        assert dt.datetime.fromtimestamp(instant, pacific).utcoffset() == dt.timedelta(seconds=offset)
        assert dt.datetime.fromtimestamp(instant - 1, pacific).utcoffset() != dt.timedelta(seconds=offset)
    close = OffsetTable(0, 0, 10**9, ((10 * 86_400 + 7200, 3600), (11 * 86_400, 0)))
    assert table_problem(close) == ("twice", 11 * 86_400)
    assert table_problem(table) is None


def test_vouchers_accept_a_zone_with_daylight_saving() -> None:
    assert load_text(in_zone(VOUCHERS, "America/Los_Angeles"), "v.law").header.time_zone.name == "America/Los_Angeles"


def test_a_zone_that_keeps_one_offset_compiles_as_that_offset() -> None:
    """Asia/Shanghai and +08:00 differ only in the comment that names the zone."""
    named = generate(load_text(in_zone(OVERTIME, "Asia/Shanghai"), "overtime.law")).source
    fixed = generate(load_text(OVERTIME, "overtime.law")).source
    assert "int32 public constant TIME_ZONE_OFFSET = 28800;" in named
    differing = [(a, b) for a, b in zip(named.splitlines(), fixed.splitlines()) if a != b]
    assert differing and all("Asia/Shanghai" in a and "+08:00" in b for a, b in differing)


def test_a_zone_whose_clocks_change_takes_no_count_of_a_year_yet() -> None:
    text = in_zone(OVERTIME, "Europe/Berlin").replace(
        "overtime beyond the monthly overtime limit in a month is a violation.",
        "overtime beyond 360 hours in a year is a violation.",
    )
    assert first_error(text).endswith(
        "error: a working time statute in a zone whose clocks change cannot yet count overtime or limit hours in "
        "a year (Europe/Berlin): write a fixed offset (e.g. 'time zone -08:00'), or leave the count out"
    )
