"""Example tests a firm can extend: enactment, a paid shift, and a forged batch refused."""
import brownie
import pytest
from eth_account import Account

from scripts.lawdsl_support import manifest, reach_time, sign_batch, work_one_shift, working_time_titles


def test_registry_points_to_each_statute(deployment):
    for entry in manifest()["statutes"]:
        statute = deployment.statutes[entry["title"]]
        assert deployment.registry.current(entry["title"])[0] == statute.address


@pytest.mark.parametrize("title", working_time_titles())
def test_a_worked_shift_is_paid(deployment, accounts, chain, title):
    shift = work_one_shift(deployment, title, accounts[1], accounts[2], accounts[3])
    assert chain[-1].timestamp >= deployment.statutes[title].effectiveFrom()
    assert shift.paid > 0
    assert shift.wage_paid_events > 0
    assert deployment.token_of(title).balanceOf(accounts[2]) == shift.paid


@pytest.mark.parametrize("title", working_time_titles())
def test_each_test_starts_from_the_fresh_deployment(deployment, accounts, title):
    """`fn_isolation` reverted the previous test's shift: the employee's wallet is empty again."""
    assert deployment.token_of(title).balanceOf(accounts[2]) == 0


@pytest.mark.parametrize("title", working_time_titles())
def test_batch_signed_by_an_unregistered_key_is_refused(deployment, accounts, title):
    statute = deployment.statutes[title]
    reach_time(statute.effectiveFrom())
    device, forger = Account.create(), Account.create()
    statute.registerDevice(device.address, accounts[1], {"from": accounts[0]})
    punches = [(accounts[2].address, statute.effectiveFrom() + 86_400, True, 1)]
    with brownie.reverts():
        statute.submitPunches((device.address, 0, punches), sign_batch(forger, statute, 0, punches),
                              {"from": accounts[3]})
