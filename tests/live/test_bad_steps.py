"""Every wrong step of docs/operate.md ends in one sentence and a non-zero exit, on anvil and Hardhat.

One site per node (module scope): keys, a deployed pilot statute, a funded and minted firm with
one employee. Each test then takes one wrong step through the CLI as a user would.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from web3 import Web3

from chain.anvil import LocalAnvil, LocalHardhat

from .conftest import NODES, PASSWORD, ROOT, Operator, make_operator

GUIDE_LAW = re.search(r"cat > minute.law <<'EOF'\n(.*?)\nEOF", (ROOT / "docs" / "operate.md").read_text(), re.DOTALL)


@pytest.fixture(scope="module", params=NODES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Operator]:
    """A deployed statute with firm `acme` (funded, CNY 100.00 in its wallet) employing `alice`."""
    assert GUIDE_LAW is not None
    with LocalHardhat() if request.param == "hardhat" else LocalAnvil(None) as node:
        run = make_operator(tmp_path_factory.mktemp(request.param))
        run.rpc = node.url
        law = GUIDE_LAW.group(1)
        (run.cwd / "minute.law").write_text(law + "\n")
        (run.cwd / "future.law").write_text(
            law.replace("effective 2026-01-01", "effective 2099-01-01").replace(
                "Minute Overtime Pilot Act", "Future Pilot Act"
            )
            + "\n"
        )
        for name in ("authority", "acme", "alice", "bob", "broke"):
            run.ok("keys", "new", name, "--light-kdf")
        run.ok("fund", "authority", "acme", "bob", "--eth", "10", "--dev-keys", "--rpc", node.url)
        run.ok("deploy", "minute.law", "--rpc", node.url, "--key", "authority")
        run.ok("deploy", "future.law", "--rpc", node.url, "--key", "authority", "--save", "future.json")
        run.ok("authority", "mint", "acme", "100.00", "--key", "authority")
        run.ok("worker", "consent", "acme", "--wage", "40.00", "--key", "alice", "--out", "alice.json")
        run.ok("firm", "employ", "alice.json", "--key", "acme")
        run.ok("authority", "register-device", "gate-1", "--firm", "acme", "--key", "authority")
        yield run


def refused(done: subprocess.CompletedProcess, *words: str) -> str:
    """The one-sentence error of a failed command, checked for `words`."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0, done.stdout
    assert len(lines) == 1 and "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_wrong_password(site: Operator) -> None:
    refused(
        site("firm", "deposit", "1.00", "--key", "acme", password="not " + PASSWORD), "wrong password for key 'acme'"
    )


def test_unfunded_key(site: Operator) -> None:
    line = refused(site("firm", "deposit", "0.00", "--key", "broke"), "has 0.000000 ETH", "lawdsl fund")
    assert site.ok("keys", "address", "broke").strip() in line


def test_statute_not_yet_in_force(site: Operator) -> None:
    refused(
        site("firm", "accept-device", "gate-1", "--key", "acme", "--deployment", "future.json"),
        "not yet in force",
        "Future Pilot Act takes effect on 2099-01-01",
    )


def test_deposit_larger_than_the_wallet(site: Operator) -> None:
    refused(
        site("firm", "deposit", "100.01", "--key", "acme"),
        "the deposit of CNY 100.01 is more than the CNY 100.00 in the firm's wallet",
    )


def test_a_key_that_is_not_the_firms(site: Operator) -> None:
    refused(
        site("firm", "grant-time-off", "alice", "2026-12-24", "--key", "bob"), "only the employer of alice", "acme (0x"
    )


def test_a_key_that_is_neither_the_employers_nor_the_workers(site: Operator) -> None:
    refused(site("firm", "dismiss", "alice", "--key", "bob"), "only alice (0x", "or its employer", "not bob (0x")


def test_a_consent_for_another_firm(site: Operator) -> None:
    site.ok("worker", "consent", "acme", "--wage", "30.00", "--key", "bob", "--out", "bob.json")
    refused(site("firm", "employ", "bob.json", "--key", "broke"), "consents to be employed by acme", "--key broke")


def test_a_withdrawal_while_nothing_is_deposited(site: Operator) -> None:
    refused(
        site("firm", "withdraw", "1.00", "--key", "bob"),
        "a withdrawal of CNY 1.00 is more than the deposit of CNY 0.00",
    )


def test_revoking_another_firms_device(site: Operator) -> None:
    refused(site("firm", "revoke-device", "gate-1", "--key", "bob"), "only the authority or the firm of device gate-1")


def test_a_key_that_is_not_the_authoritys(site: Operator) -> None:
    refused(site("authority", "mint", "acme", "5.00", "--key", "acme"), "does not hold PROPOSER_ROLE")


def test_dev_keys_are_refused_on_a_chain_the_command_did_not_start(site: Operator) -> None:
    refused(site("firm", "deposit", "1.00"), "label-derived keys are public", "--key")


def test_unknown_key(site: Operator) -> None:
    refused(site("firm", "deposit", "1.00", "--key", "acne"), "no key named 'acne'", "acme")


def test_money_with_too_many_digits(site: Operator) -> None:
    refused(site("firm", "deposit", "1.005", "--key", "acme"), "CNY has 2 minor digits")


def test_a_terminal_without_a_key(site: Operator, tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text('devices:\n  CKJ0002:\n    label: gate-2\n    zone: "+00:00"\nemployees:\n  "1": alice\n')
    refused(
        site(
            "oracle",
            "serve",
            "--config",
            str(config),
            "--outbox",
            str(tmp_path / "o.db"),
            "--key",
            "bob",
            "--listen",
            "127.0.0.1:0",
        ),
        "no keystore for gate-2",
    )


def test_a_refusal_costs_no_gas(site: Operator) -> None:
    """A refused command is refused by the node's estimate, before anything is sent."""
    w3 = Web3(Web3.HTTPProvider(site.rpc))
    acme = site.ok("keys", "address", "acme").strip()
    sent, balance = w3.eth.get_transaction_count(acme), w3.eth.get_balance(acme)
    refused(site("authority", "mint", "acme", "5.00", "--key", "acme"))
    refused(site("firm", "grant-time-off", "bob", "2026-12-24", "--key", "acme"), "not employed")
    assert (w3.eth.get_transaction_count(acme), w3.eth.get_balance(acme)) == (sent, balance)


def test_enacting_a_new_version_then_an_older_one(site: Operator) -> None:
    law = (site.cwd / "minute.law").read_text()
    (site.cwd / "minute-v2.law").write_text(law.replace("version 1", "version 2"))
    enacted = site.ok("authority", "enact", "minute-v2.law", "--key", "authority", "--save", "v2.json")
    assert "enacted Minute Overtime Pilot Act version 2" in enacted
    v1, v2 = (site.ok("deployment", "statute", "--deployment", name).strip() for name in ("deployment.json", "v2.json"))
    assert v1 != v2 and site.ok("deployment", "currency", "--deployment", "v2.json") == site.ok(
        "deployment", "currency"
    )
    refused(
        site("authority", "enact", "minute.law", "--key", "authority", "--save", "again.json"),
        "'Minute Overtime Pilot Act' is at version 2 already",
    )


def test_migrating_to_version_2_carries_the_employment_once(site: Operator) -> None:
    """After `enact` above: alice's employment is registered on version 2, and only once; gate-1,
    offered but never accepted under version 1, stays behind."""
    first = site.ok("authority", "migrate", "--from", "deployment.json", "--to", "v2.json", "--key", "authority")
    assert "1 to register, 0 carried already" in first and "registered the employment of alice" in first, first
    assert "gate-1" not in first and "each firm moves its own" in first, first
    again = site.ok("authority", "migrate", "--from", "deployment.json", "--to", "v2.json", "--key", "authority")
    assert "0 to register, 1 carried already" in again and "registered the" not in again, again


def test_migrating_to_another_statute_or_before_the_new_version_is_in_force(site: Operator) -> None:
    refused(
        site("authority", "migrate", "--from", "deployment.json", "--to", "future.json", "--key", "authority"),
        "is not a later version of deployment.json",
    )
    law = (site.cwd / "minute.law").read_text()
    (site.cwd / "minute-v3.law").write_text(
        law.replace("version 1", "version 3").replace("effective 2026-01-01", "effective 2099-01-01")
    )
    site.ok("authority", "enact", "minute-v3.law", "--key", "authority", "--save", "v3.json")
    refused(
        site("authority", "migrate", "--from", "v2.json", "--to", "v3.json", "--key", "authority"),
        "version 3 is not in force yet",
        "takes effect on 2099-01-01",
    )


def test_an_employment_the_new_version_refuses_is_named_and_the_rest_carried(site: Operator) -> None:
    """Version 4 (in force, enacted after version 3) sets a minimum wage above alice's CNY 40.00."""
    law = (site.cwd / "minute.law").read_text()
    (site.cwd / "minute-v4.law").write_text(
        law.replace("version 1", "version 4")
        .replace('"standard day" is 1 minute.', '"standard day" is 1 minute.\n  "minimum hourly wage" is CNY 50.00.')
        .replace(
            'article 2 "Payment":',
            'article 3 "Minimum":\n  the hourly wage is at least the minimum hourly wage.\n\narticle 2 "Payment":',
        )
    )
    site.ok("authority", "enact", "minute-v4.law", "--key", "authority", "--save", "v4.json")
    done = site("authority", "migrate", "--from", "v2.json", "--to", "v4.json", "--key", "authority")
    assert "not carried: registered the employment of alice" in done.stdout, done.stdout
    assert "below the statute's minimum of CNY 50.00" in done.stdout, done.stdout
    refused(done, "version 4 refused 1 of 1 registrations")
