"""The checks every device record passes, whichever adapter read it."""

from __future__ import annotations

import datetime as dt

import pytest

from oracles.devices.intake import Intake
from oracles.devices.records import CanonicalPunch, Quarantined, Reason, Redelivered
from oracles.outbox import Outbox

from .conftest import NOW, at

GATE1, GATE2 = "CQZ7224460246", "BWXP203960011"


def punch(intake: Intake, when: str, pin: str = "1001", status: int = 0, serial: str = GATE1):
    """A terminal record: naive wall-clock time, as terminals send it."""
    return intake.device_record(
        f"{pin}\t{when}\t{status}", f"test:{serial}", serial, pin, dt.datetime.fromisoformat(when), status
    )


def reason(admission: object) -> Reason:
    assert isinstance(admission, Quarantined), admission
    return admission.reason


def test_a_good_record_becomes_a_pending_canonical_punch(intake: Intake, outbox: Outbox) -> None:
    admitted = punch(intake, "2026-03-09 08:00:00", status=4)  # overtime-in is an "in"
    assert isinstance(admitted, CanonicalPunch)
    assert (admitted.serial, admitted.device, admitted.employee, admitted.kind) == (GATE1, "gate-1", "alice", "in")
    assert admitted.at == at("2026-03-09 08:00") and admitted.at.utcoffset() == dt.timedelta(hours=8)
    assert outbox.pending(10) == [admitted]


def test_the_dedupe_key_names_the_instant_not_its_notation() -> None:
    local = CanonicalPunch(GATE1, "gate-1", "alice", at("2026-03-09 08:00"), "in", "push")
    utc = CanonicalPunch(GATE1, "gate-1", "alice", dt.datetime(2026, 3, 9, 0, 0, tzinfo=dt.timezone.utc), "in", "csv")
    assert local.key == utc.key
    assert local.key != CanonicalPunch(GATE1, "gate-1", "alice", at("2026-03-09 08:00"), "out", "push").key
    with pytest.raises(ValueError, match="no time zone"):
        CanonicalPunch(GATE1, "gate-1", "alice", dt.datetime(2026, 3, 9, 8), "in", "push")


@pytest.mark.parametrize(
    ("serial", "pin", "status", "expected"),
    [
        ("NOSUCHDEVICE", "1001", 0, Reason.UNKNOWN_DEVICE),
        (GATE1, "9999", 0, Reason.UNKNOWN_EMPLOYEE),
        (GATE1, "0042", 0, Reason.UNKNOWN_EMPLOYEE),  # carol is enrolled on gate-2 only
        (GATE1, "1001", 7, Reason.UNKNOWN_STATUS),
    ],
)
def test_unknown_devices_pins_and_states_are_quarantined(
    intake: Intake, outbox: Outbox, serial: str, pin: str, status: int, expected: Reason
) -> None:
    assert reason(punch(intake, "2026-03-09 08:00:00", pin, status, serial)) == expected
    assert outbox.counts()["pending"] == 0 and outbox.counts()["quarantined"] == 1


def test_a_pin_enrolled_on_one_terminal_works_there(intake: Intake) -> None:
    admitted = punch(intake, "2026-03-09 08:00:00", "0042", serial=GATE2)
    assert isinstance(admitted, CanonicalPunch) and admitted.employee == "carol" and admitted.device == "gate-2"


def test_future_beyond_the_tolerance(intake: Intake) -> None:
    assert isinstance(punch(intake, "2026-03-10 12:05:00"), CanonicalPunch)  # exactly now + 5 min: accepted
    assert reason(punch(intake, "2026-03-10 12:05:01", "1002")) == Reason.FUTURE


def test_the_same_record_again_is_a_redelivery_not_a_second_punch(intake: Intake, outbox: Outbox) -> None:
    first = punch(intake, "2026-03-09 08:00:00")
    again = punch(intake, "2026-03-09 08:00:00")
    assert again == Redelivered(first)
    assert outbox.counts() == {"pending": 1, "sent": 0, "confirmed": 0, "rejected": 0, "quarantined": 0}


def test_double_taps_and_the_same_punch_on_another_terminal_are_duplicates(intake: Intake) -> None:
    punch(intake, "2026-03-09 08:00:00")
    assert reason(punch(intake, "2026-03-09 08:00:05")) == Reason.DUPLICATE
    assert reason(punch(intake, "2026-03-09 08:00:00", serial=GATE2)) == Reason.DUPLICATE
    assert isinstance(punch(intake, "2026-03-09 08:00:30", status=1), CanonicalPunch)  # out right after in: fine
    assert isinstance(punch(intake, "2026-03-09 08:02:00", status=0), CanonicalPunch)  # beyond the window


def test_out_of_order_for_that_employee(intake: Intake) -> None:
    punch(intake, "2026-03-09 18:00:00", status=1)
    assert reason(punch(intake, "2026-03-09 08:00:00")) == Reason.OUT_OF_ORDER
    assert isinstance(punch(intake, "2026-03-09 08:00:00", "1002"), CanonicalPunch)  # bob's own order


def test_labelled_records_name_devices_by_serial_or_label(intake: Intake) -> None:
    by_label = intake.labelled_record("r1", "csv", "gate-2", "carol", dt.datetime(2026, 3, 9, 8), "in")
    assert isinstance(by_label, CanonicalPunch) and by_label.serial == GATE2 and by_label.at == at("2026-03-09 08:00")
    assert reason(intake.labelled_record("r2", "csv", "gate-9", "carol", NOW, "in")) == Reason.UNKNOWN_DEVICE
    assert reason(intake.labelled_record("r3", "csv", GATE1, "mallory", NOW, "in")) == Reason.UNKNOWN_EMPLOYEE


def test_a_failed_batch_records_nothing(intake: Intake, outbox: Outbox) -> None:
    with pytest.raises(RuntimeError), intake.batch():
        punch(intake, "2026-03-09 08:00:00")
        punch(intake, "2026-03-09 08:00:00", "9999")
        raise RuntimeError("the process dies here")
    assert outbox.counts() == {"pending": 0, "sent": 0, "confirmed": 0, "rejected": 0, "quarantined": 0}
