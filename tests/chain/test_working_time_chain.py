"""Working-time statutes compiled to Solidity and run on anvil, against the interpreter.

The chain outcome is read from logs and balances only, so `==` with the
interpreter's outcome checks the compiled contract, not the oracle.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chain.accounts import AUTHORITY, GATEWAY, account_key
from chain.client import ChainError, Reverted
from chain.domains.working_time import WorkingTimeDriver, compact_signature
from chain.runner import deploy, run_on_chain
from chain.signing import SignedPunch, batch_digest, batch_digest_of_words, sign_batch, sign_digest, submit_calldata
from compiler.artifacts import compile_statutes, matches_deployed
from compiler.dates import day_number
from lawdsl.events import Deposit, Employ, Punch, RegisterDevice, Settle
from lawdsl.expect import compare
from lawdsl.interpret import interpret
from lawdsl.money import Money
from lawdsl.scenario import Scenario, load_scenario

from .statutes import DATA, assert_chain_meets_law, project_scenarios

pytestmark = pytest.mark.chain
BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_overtime_example_matches_interpreter_and_expect(chain, artifacts):
    assert_chain_meets_law(DATA / "overtime-march.yaml", chain, artifacts)


@pytest.mark.parametrize("scenario", project_scenarios(), ids=lambda scenario: scenario.path.name)
def test_project_scenario_matches_interpreter_and_expect(scenario, chain, artifacts):
    outcome = run_on_chain(scenario, chain, artifacts)
    assert outcome == interpret(scenario)
    if scenario.expect is not None:
        assert compare(scenario.expect, outcome) == []


def test_statute_is_enacted_in_the_registry(chain, artifacts):
    scenario = load_scenario(DATA / "overtime-march.yaml")
    deployment = deploy(scenario, chain, artifacts)
    title = scenario.statute.header.title
    statute, law_hash, version, effective = deployment.registry.functions.current(title).call()
    assert (statute, law_hash, version) == (deployment.driver.contract.address, artifacts[title].law_source_hash, 2)
    assert effective == int(dt.datetime(2026, 1, 1, tzinfo=BEIJING).timestamp())


def test_deployed_code_verifies_against_a_recompile(chain, artifacts):
    scenario = load_scenario(DATA / "overtime-march.yaml")
    contract = deploy(scenario, chain, artifacts).driver.contract
    artifact = artifacts[scenario.statute.header.title]
    deployed = bytes(chain.w3.eth.get_code(contract.address))
    assert matches_deployed(artifact, deployed)
    tampered = bytearray(deployed)
    tampered[-60] ^= 1  # inside the metadata hash, outside any immutable
    assert not matches_deployed(artifact, bytes(tampered))


def test_warm_compile_runs_no_solc(statutes, artifacts, monkeypatch):
    def no_solc(_input: dict) -> dict:
        raise AssertionError("solc ran on a warm compile")

    monkeypatch.setattr("compiler.artifacts.compile_standard_json", no_solc)
    assert compile_statutes(statutes.values()) == artifacts


def test_time_never_goes_back(chain):
    chain.set_next_time(dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc))
    chain.send(AUTHORITY, chain.address(GATEWAY), "0x")
    chain.set_next_time(dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc))  # equal: allowed
    with pytest.raises(ChainError, match="lower than previous block"):
        chain.set_next_time(dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc))


# ---------------------------------------------------------------- security


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=BEIJING)


@pytest.fixture
def firm(chain, statutes, artifacts) -> WorkingTimeDriver:
    """acme employs alice, globex employs carol; gate-1 is acme's device, gate-2 globex's."""
    statute = statutes["Working Hours and Overtime Pay Act"]
    start = _at(1, 0)
    events = (
        Employ(0, start, "acme", "alice", Money("CNY", 4000)),
        Employ(1, start, "globex", "carol", Money("CNY", 3000)),
        RegisterDevice(2, start, "gate-1", "acme"),
        RegisterDevice(3, start, "gate-2", "globex"),
        Deposit(4, start, "acme", Money("CNY", 500_000)),
    )
    scenario = Scenario(Path("security.yaml"), statute, {"acme": Money("CNY", 1_000_000)}, events)
    driver = deploy(scenario, chain, artifacts).driver
    for event in events:
        chain.set_next_time(event.at)
        driver.apply(event)
    return driver


def _batch(
    driver: WorkingTimeDriver, device: str, sequence: int, punches: list[SignedPunch], key: bytes | None = None
) -> tuple[tuple, bytes]:
    chain = driver.chain
    signature = sign_batch(key or account_key(device), driver.domain, chain.address(device), sequence, punches)
    return (chain.address(device), sequence, [p.as_tuple() for p in punches]), signature


def _punch(driver: WorkingTimeDriver, employee: str, at: dt.datetime, clock_in: bool, ref: int) -> SignedPunch:
    return SignedPunch(driver.chain.address(employee), int(at.timestamp()), clock_in, ref)


def _submit(driver: WorkingTimeDriver, batch: tuple, signature: bytes):
    return driver.chain.transact(GATEWAY, driver.contract.functions.submitPunches(batch, signature))


def _events(driver: WorkingTimeDriver, name: str) -> list[dict]:
    return [args for event, args in driver.logs() if event == name]


def test_signed_digest_matches_contract(firm):
    punches = [_punch(firm, "alice", _at(2, 9), True, 7), _punch(firm, "alice", _at(2, 18), False, 8)]
    batch, _ = _batch(firm, "gate-1", 0, punches)
    expected = batch_digest(firm.domain, firm.chain.address("gate-1"), 0, punches)
    assert firm.contract.functions.batchDigest(batch).call() == expected


def test_unregistered_device_reverts(firm):
    batch, signature = _batch(firm, "gate-9", 0, [_punch(firm, "alice", _at(2, 9), True, 5)])
    with pytest.raises(Reverted) as refused:
        _submit(firm, batch, signature)
    assert refused.value.error == "UnregisteredDevice"


def test_device_bound_to_another_employer_cannot_be_rebound(firm):
    with pytest.raises(Reverted) as refused:
        firm.chain.transact(
            AUTHORITY,
            firm.contract.functions.registerDevice(firm.chain.address("gate-1"), firm.chain.address("globex")),
        )
    assert refused.value.error == "DeviceBoundToAnotherEmployer"


def test_device_of_another_employer_cannot_punch_for_acme(firm):
    firm.chain.set_next_time(_at(2, 9))
    batch, signature = _batch(firm, "gate-2", 0, [_punch(firm, "alice", _at(2, 9), True, 5)])
    _submit(firm, batch, signature)
    assert [(e["ref"], e["reason"]) for e in _events(firm, "PunchRejected")] == [(5, 3)]  # DeviceOfAnotherEmployer
    assert _events(firm, "Punched") == []


def test_forged_signature_reverts(firm):
    punches = [_punch(firm, "alice", _at(2, 9), True, 5)]
    batch, signature = _batch(firm, "gate-1", 0, punches, key=account_key("acme"))
    with pytest.raises(Reverted) as refused:
        _submit(firm, batch, signature)
    assert refused.value.error == "InvalidDeviceSignature"


def test_tampered_batch_reverts(firm):
    batch, signature = _batch(firm, "gate-1", 0, [_punch(firm, "alice", _at(2, 9), True, 5)])
    device, sequence, [(employee, at, clock_in, ref)] = batch
    with pytest.raises(Reverted) as refused:
        _submit(firm, (device, sequence, [(employee, at - 3600, clock_in, ref)]), signature)
    assert refused.value.error == "InvalidDeviceSignature"


def test_replayed_batch_reverts(firm):
    firm.chain.set_next_time(_at(2, 9))
    batch, signature = _batch(firm, "gate-1", 0, [_punch(firm, "alice", _at(2, 9), True, 5)])
    _submit(firm, batch, signature)
    with pytest.raises(Reverted) as refused:
        _submit(firm, batch, signature)
    assert refused.value.error == "BatchOutOfSequence"


def test_employer_cannot_register_its_own_device(firm):
    with pytest.raises(Reverted) as refused:
        firm.chain.transact(
            "acme", firm.contract.functions.registerDevice(firm.chain.address("rogue-gate"), firm.chain.address("acme"))
        )
    assert refused.value.error == "AccessControlUnauthorizedAccount"


def test_a_shift_is_paid_once(firm):
    chain = firm.chain
    chain.set_next_time(_at(2, 21))
    clock_in, clock_out = _punch(firm, "alice", _at(2, 9), True, 5), _punch(firm, "alice", _at(2, 20), False, 6)
    _submit(firm, *_batch(firm, "gate-1", 0, [clock_in, clock_out]))
    # The clock-in logs `Punched`; the clock-out and its payment at once, one `PaidAtClockOut`.
    assert [(e["ref"], e["clockIn"]) for e in _events(firm, "Punched")] == [(5, True)]
    paid = [
        (e["ref"], e["at"], e["employer"], e["employee"], e["article"].rstrip(b"\0"), e["amount"])
        for e in _events(firm, "PaidAtClockOut")
    ]
    assert paid == [(6, clock_out.at, chain.address("acme"), chain.address("alice"), b"44.1", 18000)]  # 3 h × 150%
    assert _events(firm, "WagePaid") == []
    replay = _batch(firm, "gate-1", 0, [clock_out])
    with pytest.raises(Reverted) as refused:
        _submit(firm, *replay)
    assert refused.value.error == "BatchOutOfSequence"
    _submit(firm, *_batch(firm, "gate-1", 1, [clock_out]))  # re-signed copy: a duplicate punch
    assert [(e["ref"], e["reason"]) for e in _events(firm, "PunchRejected")] == [(6, 4)]  # DuplicatePunch
    assert [e["amount"] for e in _events(firm, "PaidAtClockOut")] == [18000]
    assert _events(firm, "WagePaid") == []
    assert firm.currency.functions.balanceOf(chain.address("alice")).call() == 18000


def test_settlement_pays_employer_by_employer_in_spec_order(chain, statutes, artifacts):
    """Within one event, dues queue in (article, period, employee) order, then each employer's queue
    is paid: alice's two articles come before carol's, though carol's 44.2 sorts before alice's 44.3."""
    statute = statutes["Overtime Act (weekly pay)"]
    tz = statute.header.time_zone.tzinfo

    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime(2026, 2, day, hour, tzinfo=tz)

    cny = lambda minor: Money("CNY", minor)  # noqa: E731
    events = [
        Employ(0, at(14, 0), "acme", "alice", cny(4000)),
        Employ(1, at(14, 0), "globex", "carol", cny(3000)),
        RegisterDevice(2, at(14, 0), "gate-1", "acme"),
        RegisterDevice(3, at(14, 0), "gate-2", "globex"),
        Deposit(4, at(14, 0), "acme", cny(100_000)),
        Deposit(5, at(14, 0), "globex", cny(100_000)),
        Punch(6, at(15, 9), "gate-1", "alice", "in"),  # Sunday: a rest day
        Punch(7, at(15, 13), "gate-1", "alice", "out"),
        Punch(8, at(15, 13), "gate-2", "carol", "in"),
        Punch(9, at(15, 15), "gate-2", "carol", "out"),
        Punch(10, at(17, 9), "gate-1", "alice", "in"),  # 2026-02-17: a public holiday
        Punch(11, at(17, 10), "gate-1", "alice", "out"),
        Settle(12, at(22, 0)),  # the week from Sunday 15th is over
    ]
    scenario = Scenario(
        Path("settle-order.yaml"), statute, {"acme": cny(500_000), "globex": cny(500_000)}, tuple(events)
    )
    outcome = run_on_chain(scenario, chain, artifacts)
    assert outcome == interpret(scenario)
    assert [(p.recipient, p.article, p.amount.minor) for p in outcome.payments] == [
        ("alice", "44.2", 32000),
        ("alice", "44.3", 12000),
        ("carol", "44.2", 12000),
    ]


def test_unregistered_device_punching_for_someone_not_employed_reads_as_the_interpreter(chain, statutes, artifacts):
    """The batch reverts as a whole (`UnregisteredDevice`); the driver then reads employment from the
    chain, so each punch gets the first reason in docs/semantics.md's order, as in the interpreter."""
    statute = statutes["Working Hours and Overtime Pay Act"]
    start = _at(1, 0)
    events = (
        Employ(0, start, "acme", "alice", Money("CNY", 4000)),
        RegisterDevice(1, start, "gate-1", "acme"),
        Punch(2, _at(2, 9), "gate-9", "dave", "in"),  # unregistered device, dave not employed
        Punch(3, _at(2, 10), "gate-9", "alice", "in"),
    )  # unregistered device
    scenario = Scenario(Path("unregistered.yaml"), statute, {"acme": Money("CNY", 100_000)}, events)
    outcome = run_on_chain(scenario, chain, artifacts)
    assert outcome == interpret(scenario)
    assert [(r.event, r.reason) for r in outcome.rejected] == [(2, "not employed"), (3, "unregistered device")]


def test_several_punches_at_one_instant_are_all_remembered_for_duplicates(chain, statutes, artifacts):
    """The worker's slot keeps the last accepted punch; a second one accepted at the same instant
    moves the marks into a side table, so a copy of any of them is still a duplicate."""
    statute = statutes["Working Hours and Overtime Pay Act"]
    start, at = _at(1, 0), _at(2, 9)
    events = (
        Employ(0, start, "acme", "alice", Money("CNY", 4000)),
        RegisterDevice(1, start, "gate-1", "acme"),
        RegisterDevice(2, start, "gate-3", "acme"),
        Punch(3, at, "gate-1", "alice", "in"),
        Punch(4, at, "gate-1", "alice", "out"),  # a 0-minute shift
        Punch(5, at, "gate-1", "alice", "in"),  # a copy of 3
        Punch(6, at, "gate-3", "alice", "in"),
        Punch(7, at, "gate-3", "alice", "out"),
        Punch(8, at, "gate-1", "alice", "out"),  # a copy of 4
        Punch(9, at, "gate-3", "alice", "in"),  # a copy of 6
        Punch(10, _at(2, 18), "gate-1", "alice", "in"),
        Punch(11, _at(2, 18), "gate-1", "alice", "in"),
    )  # a copy of 10: the slot's own mark
    scenario = Scenario(Path("same-instant.yaml"), statute, {"acme": Money("CNY", 100_000)}, events)
    outcome = run_on_chain(scenario, chain, artifacts)
    assert outcome == interpret(scenario)
    assert [(r.event, r.reason) for r in outcome.rejected] == [
        (5, "duplicate punch"),
        (8, "duplicate punch"),
        (9, "duplicate punch"),
        (11, "duplicate punch"),
    ]


def test_day_kinds_on_chain_are_the_statutes(firm):
    """The generated holiday lookup (bit words from the first holiday on) and the rest days: every
    day from before the first holiday to past the last one reads as the statute defines it."""
    statute = firm.scenario.statute
    holidays = sorted(statute.public_holidays)
    day = holidays[0] - dt.timedelta(days=3)
    while day <= holidays[-1] + dt.timedelta(days=300):  # past the second 256-day word
        expected = 3 if day in statute.public_holidays else 2 if day.weekday() in statute.rest_days else 1
        assert firm.contract.functions.dayKind(day_number(day)).call() == expected, day
        day += dt.timedelta(days=1)


def test_a_clock_out_not_paid_at_once_logs_punched(firm):
    """`PaidAtClockOut` only for a payment made at once: a shift without overtime, and one whose pay
    waits in the queue (globex deposited nothing), log the clock-out as `Punched`."""
    chain = firm.chain
    chain.set_next_time(_at(2, 21))
    _submit(
        firm,
        *_batch(
            firm, "gate-1", 0, [_punch(firm, "alice", _at(2, 9), True, 5), _punch(firm, "alice", _at(2, 15), False, 6)]
        ),
    )
    _submit(
        firm,
        *_batch(
            firm, "gate-2", 0, [_punch(firm, "carol", _at(2, 9), True, 7), _punch(firm, "carol", _at(2, 20), False, 8)]
        ),
    )
    assert [(e["ref"], e["clockIn"]) for e in _events(firm, "Punched")] == [
        (5, True),
        (6, False),
        (7, True),
        (8, False),
    ]
    assert [(e["ref"], e["amount"]) for e in _events(firm, "WageDue")] == [(8, 13500)]  # 3 h × 150% × CNY 30.00
    assert _events(firm, "PaidAtClockOut") == [] and _events(firm, "WagePaid") == []


def test_a_punch_word_out_of_its_range_refuses_the_batch(firm):
    """A device that signs a punch whose `clockIn` word is 2 (no bool) has the batch refused with
    `MalformedPunch`, not read as a clock-in; the same punch with 1 goes through."""
    chain = firm.chain
    device = chain.address("gate-1")
    chain.set_next_time(_at(2, 9))
    punch = _punch(firm, "alice", _at(2, 9), True, 5).words()
    for kind_word, outcome in ((2, "MalformedPunch"), (1, None)):
        words = [punch[:64] + kind_word.to_bytes(32, "big") + punch[96:]]
        signature = sign_digest(account_key("gate-1"), batch_digest_of_words(firm.domain.separator, device, 0, words))
        data = "0x" + submit_calldata(device, 0, words, signature).hex()
        if outcome is None:
            chain.send(GATEWAY, firm.contract.address, data)
        else:
            with pytest.raises(Reverted) as refused:
                chain.send(GATEWAY, firm.contract.address, data)
            assert refused.value.error == outcome
    assert [(e["ref"], e["clockIn"]) for e in _events(firm, "Punched")] == [(5, True)]


def test_short_and_long_device_signatures_are_both_accepted(firm):
    """EIP-2098's 64-byte signature (what the driver sends) and the 65-byte one, from the device key."""
    chain = firm.chain
    chain.set_next_time(_at(2, 21))
    batch, signature = _batch(firm, "gate-1", 0, [_punch(firm, "alice", _at(2, 9), True, 5)])
    _submit(firm, batch, compact_signature(signature))
    batch, signature = _batch(firm, "gate-1", 1, [_punch(firm, "alice", _at(2, 20), False, 6)])
    _submit(firm, batch, signature)
    forged = compact_signature(
        _batch(firm, "gate-1", 2, [_punch(firm, "alice", _at(2, 21), True, 7)], key=account_key("acme"))[1]
    )
    with pytest.raises(Reverted) as refused:
        _submit(firm, _batch(firm, "gate-1", 2, [_punch(firm, "alice", _at(2, 21), True, 7)])[0], forged)
    assert refused.value.error == "InvalidDeviceSignature"
    assert [e["ref"] for e in _events(firm, "PaidAtClockOut")] == [6]
