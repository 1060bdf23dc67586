"""A scenario's `amendments:`: later versions of its statute, each governing from its effective date."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lawdsl.diagnostics import StatuteError
from lawdsl.interpret import interpret
from lawdsl.scenario import load_scenario

STATUTES = Path(__file__).resolve().parents[2] / "statutes"
SCENARIO = (STATUTES / "overtime-amendment.yaml").read_text("utf-8")


def scenario_with(tmp_path: Path, v3: str, text: str = SCENARIO) -> Path:
    for name in ("overtime.law", "vouchers.law"):
        shutil.copy(STATUTES / name, tmp_path / name)
    (tmp_path / "overtime-v3.law").write_text(v3, "utf-8")
    (tmp_path / "s.yaml").write_text(text, "utf-8")
    return tmp_path / "s.yaml"


V3 = (STATUTES / "overtime-v3.law").read_text("utf-8")


@pytest.mark.parametrize(
    ("v3", "text", "message"),
    [
        (V3.replace("version 3", "version 2"), SCENARIO, "amendment 'overtime-v3.law' is version 2, not above 2"),
        (
            V3.replace("effective 2026-03-05", "effective 2026-01-01"),
            SCENARIO,
            "takes effect on 2026-01-01, not after version 2's 2026-01-01",
        ),
        (V3.replace("Working Hours and Overtime Pay Act", "Another Act"), SCENARIO, "is 'Another Act', not a version"),
        (V3, SCENARIO.replace("  - overtime-v3.law", "  - ../overtime-v3.law"), "outside the scenario's folder"),
        (V3, SCENARIO.replace("amendments:\n  - overtime-v3.law", "amendments: overtime-v3.law"), "must list"),
    ],
)
def test_a_wrong_amendment_is_one_clear_error(tmp_path: Path, v3: str, text: str, message: str) -> None:
    with pytest.raises(StatuteError) as error:
        load_scenario(scenario_with(tmp_path, v3, text))
    assert message in error.value.render()


def test_amendments_apply_to_working_time_only(tmp_path: Path) -> None:
    text = "statute: vouchers.law\namendments:\n  - overtime-v3.law\nevents: []\n"
    with pytest.raises(StatuteError) as error:
        load_scenario(scenario_with(tmp_path, V3, text))
    assert "'amendments:' applies only to a working-time statute" in error.value.render()


def test_a_shift_spanning_the_switch_is_paid_under_the_version_of_its_clock_in(tmp_path: Path) -> None:
    outcome = interpret(load_scenario(scenario_with(tmp_path, V3)))
    assert outcome.version == 3
    assert [(p.event, p.amount.amount_text()) for p in outcome.payments] == [(4, "150.00"), (7, "160.00")]
    # Without the amendment, version 2 pays the second shift at 150% too.
    unamended = SCENARIO.replace("amendments:\n  - overtime-v3.law\n", "")
    plain = interpret(load_scenario(scenario_with(tmp_path, V3, unamended)))
    assert [(p.event, p.amount.amount_text()) for p in plain.payments] == [(4, "150.00"), (7, "120.00")]


def test_an_employment_the_new_version_refuses_stays_behind(tmp_path: Path) -> None:
    """Version 3 with a minimum wage above alice's: she is not carried over, so her punches under
    it are refused as not employed, as `lawdsl authority migrate` leaves her behind on chain."""
    v3 = V3.replace(
        '  "standard day" is 8 hours.', '  "standard day" is 8 hours.\n  "minimum hourly wage" is CNY 50.00.'
    ).replace(
        'article 50 "Payment of wages":',
        'article 48 "Minimum wage":\n  the hourly wage is at least the minimum hourly wage.\n\narticle 50 "Payment of wages":',
    )
    outcome = interpret(load_scenario(scenario_with(tmp_path, v3)))
    assert [(p.event, p.amount.amount_text()) for p in outcome.payments] == [(4, "150.00")]
    assert [(r.event, r.reason) for r in outcome.rejected][:2] == [(6, "not employed"), (7, "not employed")]
