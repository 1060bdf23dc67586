"""`lawdsl explain` (the derivation rebuilt from the chain alone) equals `lawdsl simulate --explain`
(the same derivation from the scenario) for every project scenario, once names become addresses."""

from __future__ import annotations

import json

import pytest

from compiler.artifacts import compile_statutes
from lawdsl.cli import main

from .conftest import STATUTES, scenario

pytestmark = pytest.mark.chain

SCENARIOS = sorted(path.stem for path in STATUTES.glob("*.yaml"))


def printed_json(capsys: pytest.CaptureFixture, argv: list[str]) -> object:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", SCENARIOS)
def test_explain_from_the_chain_equals_the_interpreters(name, run, session_chain, anvil, capsys):
    played = scenario(name)
    title = played.statute.header.title
    address = run(played, compile_statutes([played.statute])[title]).driver.contract.address
    _, simulated = printed_json(capsys, ["simulate", str(played.path), "--explain", "--json"])
    code, explained = printed_json(
        capsys, ["explain", played.statute.source_name, "--address", address, "--rpc", anvil.url, "--json"]
    )
    expected = [
        {
            **e,
            "from": session_chain.address(e["from"]),
            "to": session_chain.address(e["to"]),
            "chain_paid_the_same": True,
        }
        for e in simulated["explanations"]
    ]
    assert explained == expected
    assert len(expected) == len(simulated["payments"]) + len(simulated["arrears"])  # every one explained
    assert code == (0 if expected else 1)


def test_a_workers_payments_read_as_text(run, session_chain, anvil, capsys, tmp_path):
    played = scenario("overtime-march")
    address = run(played).driver.contract.address
    labels = tmp_path / "labels"
    labels.write_text(f"{session_chain.address('alice')} alice\n{session_chain.address('acme')} acme\n", "utf-8")
    assert (
        main(
            [
                "explain",
                played.statute.source_name,
                "--address",
                address,
                "--rpc",
                anvil.url,
                "--worker",
                session_chain.address("alice"),
                "--labels",
                str(labels),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert 'payment at event 5: acme → alice, CNY 180.00 under article 44.1 "Extended working hours"' in text
    assert "minutes under article 44.1: 180 of 660 min" in text
    assert "earned: 180 min × 150% × CNY 40.00 / 60 min = CNY 180.00" in text
    assert "bob" not in text and text.count("payment at event") == 2
    assert "on chain: paid exactly this" in text


def test_explain_refuses_a_ref_that_is_not_a_number(capsys):
    assert (
        main(
            [
                "explain",
                str(STATUTES / "overtime.law"),
                "--address",
                "0x" + "11" * 20,
                "--rpc",
                "http://127.0.0.1:9",
                "--payment",
                "five",
            ]
        )
        == 2
    )
    assert "--payment five: expected the payment's ref" in capsys.readouterr().err
