"""Arrears explained: which shifts a payment covers, why it waited, and what is still owed.

`part-time-wages` pays weekly: ann's week (four shifts) falls due at the
settlement of event 30, when the shop's deposit holds CNY 344.00 of the
CNY 960.00 due; it waits as arrears until the deposit of event 32. Cut
before that deposit, the scenario ends with the arrear still owed. Both
are explained the same from the chain (`lawdsl explain`, the worker page)
and from the interpreter (`lawdsl simulate --explain`).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from citizens.portal.server import PortalApp
from compiler.artifacts import compile_statutes
from lawdsl.cli import main
from lawdsl.interpret import interpret_explained

from .conftest import STATUTES, scenario

pytestmark = pytest.mark.chain

WAITED = "waited: as arrears from event 30: the employer's deposit held CNY 344.00, less than the CNY 960.00 due"


def test_a_weekly_payment_says_which_shifts_it_covers_and_why_it_waited(capsys) -> None:
    assert main(["simulate", str(STATUTES / "part-time-wages.yaml"), "--explain"]) == 0
    text = capsys.readouterr().out
    ann = text[text.index("payment at event 32") :]
    assert [line.split(" (")[0] for line in ann.splitlines() if line.startswith("  shift:")] == [
        "  shift: 2026-03-02 09:00 → 2026-03-02 13:00",
        "  shift: 2026-03-04 09:00 → 2026-03-04 14:00",
        "  shift: 2026-03-06 08:00 → 2026-03-06 22:00",
        "  shift: 2026-03-07 10:00 → 2026-03-07 12:00",
    ]
    assert "due: the week 2026-03-02/P1W ended at 2026-03-09 00:00" in ann
    assert WAITED in ann
    assert "paid: at event 32, after a deposit: the employer's deposit then held CNY 1044.00" in ann


def test_an_arrear_still_owed_is_explained_the_same_from_the_chain(
    run, session_chain, anvil, capsys, tmp_path: Path
) -> None:
    played = scenario("part-time-wages")
    cut = dataclasses.replace(played, events=played.events[:32])  # the shop never deposits again
    deployment = run(cut, compile_statutes([cut.statute])[cut.statute.header.title])
    address = deployment.driver.contract.address
    outcome, explanations = interpret_explained(cut)
    assert [a.amount.minor for a in outcome.arrears] == [96000]
    owed = [e for e in explanations if e.owed]
    assert len(owed) == 1 and WAITED in "\n".join(owed[0].lines(cut.statute))

    code = main(["explain", str(STATUTES / "part-time-wages.law"), "--address", address, "--rpc", anvil.url, "--json"])
    from_chain = json.loads(capsys.readouterr().out)
    assert from_chain == [
        {
            **e.to_json(),
            "from": session_chain.address(e.payment.sender),
            "to": session_chain.address(e.payment.recipient),
            "chain_paid_the_same": True,
        }
        for e in explanations
    ]
    assert code == 0

    ann = session_chain.address("ann")
    assert main(["explain", str(STATUTES / "part-time-wages.law"), "--address", address, "--rpc", anvil.url,
                 "--worker", ann]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "owed as arrears since event 30:" in text and "CNY 960.00 under article 68" in text
    assert WAITED in text and "on chain: owes exactly this as arrears" in text

    app = PortalApp(anvil.url, tmp_path / "portal.sqlite", [deployment.registry.address], STATUTES)
    ben = session_chain.address("ben")
    # a page never waits for a replay: until the explaining thread has published, it says so
    assert "being derived from the chain" in app.route(f"/worker/{ben}", {})[2]
    app.explain_known()
    status, _, page = app.route(f"/worker/{ann}", {})
    assert status == 200
    owed_part = page[page.index("<h2>Owed as arrears</h2>") :]
    assert "CNY 960.00" in owed_part and "less than the CNY 960.00 due" in owed_part
    shifts = page[
        page.index('<table class="shifts reflow">') : page.index(
            "</table>", page.index('<table class="shifts reflow">')
        )
    ]
    assert shifts.count("in CNY 960.00 owed as arrears since event 30 (article 68)") == 4  # her week's shifts
    status, _, page = app.route(f"/worker/{session_chain.address('ben')}", {})
    assert "Nothing owed." in page  # ben's pay was paid when his employment ended
    assert "in CNY 156.00 paid at event 23 (article 68)" in page  # his one shift, paid when it ended


def test_a_payment_queued_behind_other_arrears_says_so(tmp_path: Path, capsys) -> None:
    """At a clock-out (overtime.law pays there) the deposit of CNY 100.00 cannot pay alice's
    CNY 180.00; bob's CNY 240.00 then waits behind hers; one deposit pays both, in that order."""
    (tmp_path / "overtime.law").write_text((STATUTES / "overtime.law").read_text("utf-8"), "utf-8")
    (tmp_path / "queue.yaml").write_text(
        """statute: overtime.law
balances: {acme: CNY 1000.00}
events:
  - employ: {employer: acme, employee: alice, hourly wage: CNY 40.00}
  - employ: {employer: acme, employee: bob, hourly wage: CNY 30.00}
  - register device: {device: gate-1, employer: acme}
  - deposit: {from: acme, amount: CNY 100.00}
  - punch: {device: gate-1, employee: alice, at: 2026-03-02T09:00:00+08:00, kind: in}
  - punch: {device: gate-1, employee: alice, at: 2026-03-02T20:00:00+08:00, kind: out}
  - punch: {device: gate-1, employee: bob, at: 2026-03-07T10:00:00+08:00, kind: in}
  - punch: {device: gate-1, employee: bob, at: 2026-03-07T14:00:00+08:00, kind: out}
  - deposit: {from: acme, amount: CNY 500.00}
""",
        "utf-8",
    )
    assert main(["simulate", str(tmp_path / "queue.yaml"), "--explain", "--json"]) == 0
    explained = {
        e["to"]: {s["what"]: s["value"] for s in e["steps"]}
        for e in json.loads(capsys.readouterr().out)["explanations"]
    }
    assert explained["alice"]["waited"] == (
        "as arrears from event 5: the employer's deposit held CNY 100.00, less than the CNY 180.00 due"
    )
    assert explained["bob"]["waited"] == (
        "as arrears from event 7: 1 earlier payment of the employer still waited as arrears (the employer's "
        "deposit held CNY 100.00), and arrears are paid first in, first out"
    )
    assert explained["alice"]["paid"].startswith(
        "at event 8, after a deposit: the employer's deposit then held CNY 600.00"
    )
    assert explained["bob"]["paid"].startswith(
        "at event 8, after a deposit: the employer's deposit then held CNY 420.00"
    )
