"""The security review's attacks on the working-time contract, each now refused with its named error.

An outsider, a dishonest employer and a careless authority try what the
review showed possible (issue 13): employing someone without consent or
oneself, cutting a wage during an open shift, a wage that blocks a queue,
binding a device behind the employer's back, using a revoked device, and a
punch far in the future. Each test asserts the custom error and that
nothing was paid or changed by the attempt.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chain.accounts import AUTHORITY, GATEWAY, account_key
from chain.client import Reverted
from chain.domains.working_time import WorkingTimeDriver
from chain.runner import deploy
from chain.signing import SignedPunch, sign_batch, sign_employment
from lawdsl.events import Deposit, Employ, RegisterDevice
from lawdsl.money import Money
from lawdsl.scenario import Scenario

pytestmark = pytest.mark.chain
BEIJING = dt.timezone(dt.timedelta(hours=8))
TITLE = "Working Hours and Overtime Pay Act"


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def firm(chain, statutes, artifacts) -> WorkingTimeDriver:
    """acme employs alice at CNY 40.00 with her consent; gate-1 is acme's accepted device; acme deposited."""
    start = _at(1, 0)
    events = (
        Employ(0, start, "acme", "alice", Money("CNY", 4000)),
        RegisterDevice(1, start, "gate-1", "acme"),
        Deposit(2, start, "acme", Money("CNY", 500_000)),
    )
    scenario = Scenario(Path("attacks.yaml"), statutes[TITLE], {"acme": Money("CNY", 1_000_000)}, events)
    driver = deploy(scenario, chain, artifacts).driver
    assert isinstance(driver, WorkingTimeDriver)
    for event in events:
        chain.set_next_time(event.at)
        driver.apply(event)
    return driver


def _refused(driver: WorkingTimeDriver, label: str, call) -> Reverted:
    with pytest.raises(Reverted) as refused:
        driver.chain.transact(label, call)
    return refused.value


def _consent(
    driver: WorkingTimeDriver, employee: str, employer: str, wage: int, signer: str | None = None, deadline: int = 2**40
) -> tuple:
    """`employ` arguments with a consent signed by `signer` (default: the employee itself)."""
    chain, fn = driver.chain, driver.contract.functions
    nonce = fn.employmentNonce(chain.address(employee)).call()
    signature = sign_employment(
        account_key(signer or employee),
        driver.domain,
        chain.address(employer),
        chain.address(employee),
        wage,
        nonce,
        deadline,
    )
    return chain.address(employee), wage, deadline, signature


def _batch(driver: WorkingTimeDriver, device: str, punches: list[tuple[str, dt.datetime | int, bool]]) -> tuple:
    chain = driver.chain
    sequence = driver.contract.functions.nextSequence(chain.address(device)).call()
    signed = [
        SignedPunch(chain.address(who), at if isinstance(at, int) else int(at.timestamp()), clock_in, ref)
        for ref, (who, at, clock_in) in enumerate(punches, start=100)
    ]
    signature = sign_batch(account_key(device), driver.domain, chain.address(device), sequence, signed)
    return (chain.address(device), sequence, [p.as_tuple() for p in signed]), signature


def _balance(driver: WorkingTimeDriver, label: str) -> int:
    return driver.currency.functions.balanceOf(driver.chain.address(label)).call()


def _logs(driver: WorkingTimeDriver, name: str) -> list[dict]:
    return [args for event, args in driver.logs() if event == name]


# ---------------------------------------------------------------- employment


def test_a_stranger_cannot_employ_without_the_workers_consent(firm):
    """The review's `employ(alice, 0)` by a stranger: without alice's signature, or with a consent
    she gave acme, or with one she already used, the stranger's `employ` is refused."""
    fn = firm.contract.functions
    bob = "bob"  # never employed: the stranger tries to take him first
    forged = _consent(firm, bob, "mallory", 0, signer="mallory")
    assert _refused(firm, "mallory", fn.employ(*forged)).error == "InvalidEmploymentSignature"
    for_acme = _consent(firm, bob, "acme", 3000)
    assert _refused(firm, "mallory", fn.employ(*for_acme)).error == "InvalidEmploymentSignature"
    firm.chain.transact("acme", fn.employ(*for_acme))  # the consent works for the employer it names
    assert _refused(firm, "acme", fn.employ(*for_acme)).error == "InvalidEmploymentSignature"  # used once
    assert fn.employerOf(firm.chain.address(bob)).call() == firm.chain.address("acme")
    expired = _consent(firm, "carol", "acme", 3000, deadline=int(_at(1, 0).timestamp()) - 1)
    assert _refused(firm, "acme", fn.employ(*expired)).error == "EmploymentConsentExpired"


def test_no_one_employs_itself(firm):
    """The review's employer "employing" itself at 2^48 − 1: refused by signature and by record."""
    fn, chain = firm.contract.functions, firm.chain
    refusal = _refused(firm, "acme", fn.employ(*_consent(firm, "acme", "acme", 4000)))
    assert (refusal.error, refusal.arguments) == ("SelfEmployment", (chain.address("acme"),))
    refusal = _refused(firm, AUTHORITY, fn.registerEmployment(chain.address("acme"), chain.address("acme"), 4000))
    assert refusal.error == "SelfEmployment"
    nobody = "0x" + "0" * 40
    refusal = _refused(firm, AUTHORITY, fn.registerEmployment(nobody, chain.address("bob"), 4000))
    assert refusal.error == "ZeroAddressEmployer"
    assert fn.dueCount().call() == 0


def test_a_wage_cut_during_an_open_shift_pays_the_old_wage_for_that_shift(firm):
    """alice works 09:00–20:00; at 19:59 acme cuts her wage to 0 (by `changeWage`, and by re-employing
    her with a consent at 0): the shift still pays 3 h × 150% × CNY 40.00 = 180.00; the next one 0."""
    chain, fn = firm.chain, firm.contract.functions
    chain.set_next_time(_at(2, 9))
    chain.transact(GATEWAY, fn.submitPunches(*_batch(firm, "gate-1", [("alice", _at(2, 9), True)])))
    chain.set_next_time(_at(2, 19, 59))
    chain.transact("acme", fn.changeWage(chain.address("alice"), 0))
    chain.transact("acme", fn.employ(*_consent(firm, "alice", "acme", 0)))
    assert [(e["hourlyWage"], e["deferred"]) for e in _logs(firm, "WageChanged")] == [(0, True), (0, True)]
    chain.set_next_time(_at(2, 20))
    chain.transact(GATEWAY, fn.submitPunches(*_batch(firm, "gate-1", [("alice", _at(2, 20), False)])))
    assert _balance(firm, "alice") == 18000
    chain.set_next_time(_at(3, 20))
    chain.transact(
        GATEWAY, fn.submitPunches(*_batch(firm, "gate-1", [("alice", _at(3, 9), True), ("alice", _at(3, 20), False)]))
    )
    assert _balance(firm, "alice") == 18000  # the next shift, clocked in after the change, pays 0.00
    assert fn.workers(chain.address("alice")).call()[2] == 0


def test_a_wage_of_2_48_minus_1_is_refused_by_the_sanity_bound(firm):
    chain, fn = firm.chain, firm.contract.functions
    huge = 2**48 - 1
    bound = fn.MAX_HOURLY_WAGE().call()
    for label, call in (
        ("acme", fn.changeWage(chain.address("alice"), huge)),
        ("acme", fn.employ(*_consent(firm, "bob", "acme", huge))),
        (AUTHORITY, fn.registerEmployment(chain.address("acme"), chain.address("carol"), huge)),
    ):
        refusal = _refused(firm, label, call)
        assert (refusal.error, refusal.arguments) == ("HourlyWageAboveBound", (huge, bound))
    assert fn.workers(chain.address("alice")).call()[2] == 4000


def test_only_the_parties_end_an_employment_and_not_during_a_shift(firm):
    chain, fn = firm.chain, firm.contract.functions
    alice = chain.address("alice")
    chain.set_next_time(_at(2, 9))
    chain.transact(GATEWAY, fn.submitPunches(*_batch(firm, "gate-1", [("alice", _at(2, 9), True)])))
    assert _refused(firm, "mallory", fn.endEmployment(alice, 1)).error == "NotEmployerOrEmployee"
    assert _refused(firm, AUTHORITY, fn.endEmployment(alice, 1)).error == "NotEmployerOrEmployee"
    refusal = _refused(firm, "acme", fn.endEmployment(alice, 1))
    assert (refusal.error, refusal.arguments) == ("ShiftInProgress", (alice, int(_at(2, 9).timestamp())))
    chain.set_next_time(_at(2, 18))
    chain.transact(GATEWAY, fn.submitPunches(*_batch(firm, "gate-1", [("alice", _at(2, 18), False)])))
    chain.transact("alice", fn.endEmployment(alice, 2))  # the employee may leave
    assert fn.employerOf(alice).call() == "0x" + "0" * 40
    assert _refused(firm, "acme", fn.changeWage(alice, 5000)).error == "NotEmployed"
    chain.transact("globex", fn.employ(*_consent(firm, "alice", "globex", 5000)))  # free to work elsewhere
    assert fn.employerOf(alice).call() == chain.address("globex")


# ---------------------------------------------------------------- devices


def test_a_device_the_authority_binds_is_unusable_until_the_employer_accepts_it(firm):
    """The authority registers a device it controls for acme: its batches revert `DeviceNotAccepted`
    and acme's deposit is untouched; no one but acme can accept it; once acme accepts, it counts."""
    chain, fn = firm.chain, firm.contract.functions
    rogue = chain.address("rogue-gate")
    chain.transact(AUTHORITY, fn.registerDevice(rogue, chain.address("acme")))
    chain.set_next_time(_at(2, 20))
    shift = [("alice", _at(2, 9), True), ("alice", _at(2, 20), False)]
    refusal = _refused(firm, GATEWAY, fn.submitPunches(*_batch(firm, "rogue-gate", shift)))
    assert (refusal.error, refusal.arguments) == ("DeviceNotAccepted", (rogue,))
    assert fn.deposits(chain.address("acme")).call() == 500_000 and _balance(firm, "alice") == 0
    for label in (AUTHORITY, "mallory"):
        assert _refused(firm, label, fn.acceptDevice(rogue)).error == "DeviceNotOffered"
    assert fn.deviceStatus(rogue).call() == [chain.address("acme"), 1]  # offered
    chain.transact("acme", fn.acceptDevice(rogue))
    chain.transact(GATEWAY, fn.submitPunches(*_batch(firm, "rogue-gate", shift)))
    assert _balance(firm, "alice") == 18000


def test_a_revoked_devices_batches_are_refused_at_once(firm):
    """acme revokes gate-1: a batch it had signed before, not yet relayed, reverts `RevokedDevice`;
    the device can never be registered again; a stranger cannot revoke a device."""
    chain, fn = firm.chain, firm.contract.functions
    gate = chain.address("gate-1")
    chain.set_next_time(_at(2, 9))
    signed_earlier = _batch(firm, "gate-1", [("alice", _at(2, 9), True)])
    assert _refused(firm, "mallory", fn.revokeDevice(gate)).error == "NotDeviceRevoker"
    chain.transact("acme", fn.revokeDevice(gate))
    refusal = _refused(firm, GATEWAY, fn.submitPunches(*signed_earlier))
    assert (refusal.error, refusal.arguments) == ("RevokedDevice", (gate,))
    assert _refused(firm, AUTHORITY, fn.registerDevice(gate, chain.address("acme"))).error == "RevokedDevice"
    assert _refused(firm, AUTHORITY, fn.revokeDevice(gate)).error == "RevokedDevice"
    assert fn.deviceEmployer(gate).call() == "0x" + "0" * 40
    # The authority may revoke one too (here an offered one), and rotation is a new device.
    chain.transact(AUTHORITY, fn.registerDevice(chain.address("gate-2"), chain.address("acme")))
    chain.transact(AUTHORITY, fn.revokeDevice(chain.address("gate-2")))
    assert fn.deviceStatus(chain.address("gate-2")).call() == [chain.address("acme"), 3]  # revoked
    assert _logs(firm, "Punched") == []


# ---------------------------------------------------------------- time and money


def test_a_far_future_punch_is_refused(firm):
    """The review's year-36812 punch, and one just past the tolerance: `FutureTimestamp`; a punch
    within the tolerance goes through, and alice's later real punches are still accepted."""
    chain, fn = firm.chain, firm.contract.functions
    now = _at(2, 9)
    chain.set_next_time(now)
    tolerance = fn.PUNCH_CLOCK_TOLERANCE().call()
    year_36812 = 1_099_511_627_775  # the review's punch: 2^40 - 1 seconds, in the year 36812
    for far in (year_36812, int(now.timestamp()) + tolerance + 1):
        refusal = _refused(firm, GATEWAY, fn.submitPunches(*_batch(firm, "gate-1", [("alice", far, True)])))
        assert (refusal.error, refusal.arguments) == ("FutureTimestamp", (far, int(now.timestamp()) + tolerance))
    soon = now + dt.timedelta(seconds=tolerance)
    chain.set_next_time(now)
    chain.transact(GATEWAY, fn.submitPunches(*_batch(firm, "gate-1", [("alice", soon, True)])))
    chain.set_next_time(_at(2, 20))
    chain.transact(GATEWAY, fn.submitPunches(*_batch(firm, "gate-1", [("alice", _at(2, 20), False)])))
    assert [e["clockIn"] for e in _logs(firm, "Punched")] == [True]
    assert len(_logs(firm, "PaidAtClockOut")) == 1


def test_a_deposit_owed_to_arrears_cannot_be_withdrawn(firm):
    chain, fn = firm.chain, firm.contract.functions
    acme = chain.address("acme")
    chain.transact("acme", fn.withdraw(499_000))  # nothing owed yet: acme may take it back
    refusal = _refused(firm, "acme", fn.withdraw(2_000))
    assert (refusal.error, refusal.arguments) == ("WithdrawalExceedsDeposit", (2_000, 1_000))
    chain.set_next_time(_at(2, 20))
    chain.transact(
        GATEWAY, fn.submitPunches(*_batch(firm, "gate-1", [("alice", _at(2, 9), True), ("alice", _at(2, 20), False)]))
    )
    assert fn.arrearsCount(acme).call() == 1  # 180.00 does not fit in 10.00
    refusal = _refused(firm, "acme", fn.withdraw(1))
    assert (refusal.error, refusal.arguments) == ("ArrearsOutstanding", (acme, 1))
    assert _refused(firm, GATEWAY, fn.payArrears(1, acme, 0)).error == "EmptyPage"
    assert _refused(firm, GATEWAY, fn.settle(1, 0)).error == "EmptyPage"
