"""`lawdsl audit`: the example scenarios pass on chain; a tampered rate fails, naming the payment."""

from __future__ import annotations

import dataclasses

import pytest

from citizens.audit import audit
from lawdsl.cli import main

from .conftest import SCENARIOS, STATUTES, scenario

pytestmark = pytest.mark.chain


def run_audit(file: object, address: str, url: str) -> int:
    return main(["audit", str(file), "--address", address, "--rpc", url])


@pytest.mark.parametrize("name", SCENARIOS)
def test_example_scenario_on_chain_passes_the_audit(name, run, session_chain, anvil, capsys):
    played = scenario(name)
    address = run(played).driver.contract.address
    report = audit(session_chain.w3, played.statute.source_name, address)
    assert report.ok, [d.message for d in report.discrepancies]
    assert len(report.law.payments) == len(played.expect["payments"])
    assert report.law.payments == report.chain.payments
    assert run_audit(played.statute.source_name, address, anvil.url) == 0
    assert "audit passed" in capsys.readouterr().out


def test_rebuilt_inputs_are_the_scenarios_events_with_addresses_for_names(run, session_chain):
    """Refused calls included (their calldata is on chain too); names become addresses."""
    played = scenario("overtime-march")
    address = run(played).driver.contract.address
    report = audit(session_chain.w3, played.statute.source_name, address)
    assert [(e.index, type(e), e.at) for e in report.events] == [(e.index, type(e), e.at) for e in played.events]
    named = session_chain.address
    assert report.events[0] == dataclasses.replace(played.events[0], employer=named("acme"), employee=named("alice"))
    assert report.events[14] == dataclasses.replace(played.events[14], device=named("gate-9"), employee=named("bob"))


def test_tampered_rate_fails_the_audit_naming_the_payment(run, tampered, session_chain, anvil, capsys):
    """Code built from 175% overtime, enacted under the official title and the official file's hash."""
    statute, artifact = tampered["overtime.law"]
    address = run(scenario("overtime-march"), artifact, statute).driver.contract.address
    assert run_audit(STATUTES / "overtime.law", address, anvil.url) == 1
    output = " ".join(capsys.readouterr().out.split())
    alice = session_chain.address("alice")
    # parties by short address (no labels given), the event by its kind and time, the article by its title
    assert output.endswith(
        f"audit failed: 2 discrepancies; first: payment of punch out 2026-03-02 20:00 to "
        f'{alice[:6]}…{alice[-4:]} under article 44.1 "Extended working hours": the law says '
        f"CNY 180.00, the chain logged CNY 210.00"
    ), output


def test_registry_hash_other_than_the_files_fails_the_audit(run, tampered, session_chain):
    """The same tampered code, honestly registered with its own file's hash, fails on the hash too."""
    statute, artifact = tampered["overtime.law"]
    honest = dataclasses.replace(artifact, law_source_hash=audit_hash(statute))
    address = run(scenario("overtime-march"), honest, statute).driver.contract.address
    report = audit(session_chain.w3, STATUTES / "overtime.law", address)
    assert {d.kind for d in report.discrepancies} == {"registry", "payment"}


def audit_hash(statute):
    from compiler.artifacts import law_source_hash

    return law_source_hash(statute)


def test_audit_needs_rpc(capsys):
    assert main(["audit", str(STATUTES / "overtime.law"), "--address", "0x" + "11" * 20]) == 2
    assert "needs --rpc" in capsys.readouterr().err


def test_audit_without_a_file_finds_the_source_the_registry_recorded(run, anvil, capsys):
    """README.md, "Commands" `lawdsl audit --address ADDR`: the registry's source hash names the .law file."""
    played = scenario("procurement-wheat")
    address = run(played).driver.contract.address
    assert main(["audit", "--address", address, "--rpc", anvil.url, "--statutes", str(STATUTES)]) == 0
    printed = capsys.readouterr().out
    assert "procurement.law (its keccak256 is the registry's)" in printed and "audit passed" in printed
