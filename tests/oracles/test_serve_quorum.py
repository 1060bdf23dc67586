"""`lawdsl oracle serve --quorum`: a terminal's batches signed by a 2-of-2 reporter quorum, as processes.

Two gateways receive the same terminal's records. Gateway A runs `oracle
serve --quorum gate-1=Q --reporter-key A --cosigner URL_B`; gateway B runs
`oracle cosign --config`, which receives the same ATTLOG uploads over HTTP
into its own outbox (the terminal's uploads mirrored to both). The punches must be
paid on chain as the reference interpreter pays them. A shift that only A
received is never signed by B, so it stays in A's outbox, unpaid, and
`oracle status` says why.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account

from chain.accounts import AUTHORITY, GATEWAY, account_key, label_address
from chain.anvil import LocalAnvil
from chain.client import Chain
from chain.contract import ContractClient
from chain.rpc import Rpc
from lawdsl.load import load_statute
from oracles.devices.records import CanonicalPunch
from oracles.devices.simulator import simulated_config
from oracles.gateway import DEFAULT_LAW, Site, audit, provision
from oracles.journal import signing_errors
from oracles.outbox import Outbox
from oracles.quorum import KeyCosigner, QuorumSigner, Witness, deploy_quorum, statute_domain
from oracles.submitter import Submitter
from oracles.uploads import HttpTerminals, config_yaml
from tests.oracles.test_gateway_e2e import ROOT, Served, lawdsl, wait_settled
from tests.oracles.test_serve_duties import wait_for

pytestmark = pytest.mark.chain

REPORTER_A, REPORTER_B = account_key("reporter-a"), account_key("reporter-b")
CONFIG = simulated_config(employees=6, devices=1)  # terminal SIM0001, labelled gate-1
START = dt.date.today() - dt.timedelta(days=12)
DAYS = 4


@pytest.fixture(scope="module")
def node() -> Iterator[LocalAnvil]:
    with LocalAnvil(timestamp=int(time.time())) as anvil:
        yield anvil


def deploy_site(url: str) -> tuple[Site, str]:
    """The site's statute and a 2-of-2 quorum of A and B registered as a device of its employer."""
    chain = Chain(url)
    site = provision(chain, load_statute(DEFAULT_LAW), CONFIG)
    quorum = deploy_quorum(chain, [Account.from_key(k).address for k in (REPORTER_A, REPORTER_B)], threshold=2)
    statute = chain.w3.eth.contract(address=site.address, abi=site.abi)
    chain.transact(AUTHORITY, statute.functions.registerDevice(quorum.address, chain.address(site.employer)))
    chain.transact(site.employer, statute.functions.acceptDevice(quorum.address))
    return site, quorum.address


@pytest.fixture(scope="module")
def deployed(node: LocalAnvil, tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, str, Path]:
    """`deploy_site` on the module's chain, and the site's gateway.yaml."""
    config_file = tmp_path_factory.mktemp("site") / "gateway.yaml"
    config_file.write_text(config_yaml(CONFIG))
    return (*deploy_site(node.url), config_file)


def simulate_into(config_file: Path, *target: str) -> None:
    """The site's simulated attendance, uploaded as its terminal would (same seed: same records)."""
    subprocess.run(
        lawdsl(
            "oracle",
            "simulate",
            "--config",
            str(config_file),
            "--employees",
            "6",
            "--days",
            str(DAYS),
            "--start",
            START.isoformat(),
            "--seed",
            "5",
            *target,
        ),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


class Cosigning:
    """`lawdsl oracle cosign` in a subprocess; `url` once it listens."""

    def __init__(self, outbox: Path, rpc: str, site: Site, quorum: str, config_file: Path) -> None:
        self.process = subprocess.Popen(
            lawdsl(
                "oracle",
                "cosign",
                "--outbox",
                str(outbox),
                "--rpc",
                rpc,
                "--statute",
                site.address,
                "--quorum",
                quorum,
                "--reporter-key",
                REPORTER_B.hex(),
                "--listen",
                "127.0.0.1:0",
                "--config",
                str(config_file),
                "--adms-listen",
                "127.0.0.1:0",
            ),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        receiving = self.process.stdout.readline()
        assert receiving.startswith("receiving terminal uploads on "), receiving
        self.adms_url = receiving.split(" on ")[1].strip()
        banner = self.process.stdout.readline()
        assert banner.startswith("co-signing as reporter "), banner
        self.url = banner.split(" on ")[1].strip().removesuffix("/cosign")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def status(outbox: Path) -> dict:
    done = subprocess.run(
        lawdsl("oracle", "status", "--outbox", str(outbox), "--json"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def test_a_quorum_of_two_gateways_pays_what_both_received_and_holds_back_what_only_one_did(
    tmp_path: Path, node: LocalAnvil, deployed: tuple[Site, str, Path]
) -> None:
    site, quorum, config_file = deployed
    peer_outbox, outbox = tmp_path / "b.db", tmp_path / "a.db"
    peer = Cosigning(peer_outbox, node.url, site, quorum, config_file)
    simulate_into(config_file, "--url", peer.adms_url)
    served = Served(config_file, outbox, node.url, site.address)
    served.args += [
        "--batch",
        "10",
        "--quorum",
        f"gate-1={quorum}",
        "--reporter-key",
        REPORTER_A.hex(),
        "--cosigner",
        peer.url,
    ]
    try:
        served.start()
        simulate_into(config_file, "--url", f"http://127.0.0.1:{served.port}")
        with Outbox(outbox) as box:
            accepted = sum(box.counts().values())
        with Outbox(peer_outbox) as box:
            assert sum(box.counts().values()) == accepted  # B holds the very same punches
        counts = wait_settled(outbox, accepted, timeout=90)

        # A shift of emp-0001 that reached A only (B's receiver was down, say).
        day = START + dt.timedelta(days=DAYS + 2)
        only_a = "".join(
            f"1001\t{day} {hour:02d}:00:00\t{status_code}\t1\t0\t0\t0\n" for hour, status_code in ((9, 0), (17, 1))
        )
        assert HttpTerminals(f"http://127.0.0.1:{served.port}").upload("SIM0001", only_a) == "OK: 2"
        wait_for(lambda: any(e["reason"] == "unsigned" for e in status(outbox)["errors"]), "B's refusal")
    finally:
        assert served.stop() == 0
        assert peer.stop() == 0

    assert counts["confirmed"] > 0
    statute = ContractClient(Rpc(node.url), site.address, site.abi)
    # Every batch went as the quorum's: none under the terminal's own device key (also registered).
    assert statute.view("nextSequence", quorum) > 0 and statute.view("nextSequence", label_address("gate-1")) == 0
    result = audit(site, node.url, outbox)
    assert result.matches and result.total_paid > 0  # every confirmed punch paid as the interpreter pays

    with Outbox(outbox) as box:
        held = box.pending(10)
    assert [(p.employee, p.kind) for p in held] == [("emp-0001", "in"), ("emp-0001", "out")]
    refs = {int(p.key[:16], 16) for p in held}
    assert not refs & set(result.applied) and not any(p.event in refs for p in result.chain_payments)
    refusal = next(e for e in status(outbox)["errors"] if e["reason"] == "unsigned")
    assert refusal["source"] == "gate-1"
    assert (
        "1 of 2 signatures for batch" in refusal["detail"]
        and f"{peer.url}/cosign: never received punch {held[0].key} (and 1 more)" in refusal["detail"]
    )
    table = subprocess.run(
        lawdsl("oracle", "status", "--outbox", str(outbox)), cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "unsigned" in table.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--quorum", "gate-1:0x1234"], "expected LABEL=ADDR"),
        (["--quorum", "gate-9={quorum}"], "no terminal labelled 'gate-9'"),
        (["--quorum", "gate-1={eoa}"], "no contract at"),
        (["--quorum", "gate-1={quorum}", "--reporter-key", REPORTER_A.hex()], "needs 2 of its 2 reporters, but only 1"),
        (
            [
                "--quorum",
                "gate-1={quorum}",
                "--reporter-key",
                account_key("reporter-x").hex(),
                "--cosigner",
                "http://b",
            ],
            "is not a reporter of",
        ),
        (["--cosigner", "http://b"], "give --quorum LABEL=ADDR too"),
    ],
)
def test_serve_refuses_a_quorum_it_could_not_sign_for(
    tmp_path: Path, node: LocalAnvil, deployed: tuple[Site, str, Path], options: list[str], message: str
) -> None:
    site, quorum, config_file = deployed
    options = [o.format(quorum=quorum, eoa=label_address("gate-1")) for o in options]
    done = subprocess.run(
        lawdsl(
            "oracle",
            "serve",
            "--config",
            str(config_file),
            "--outbox",
            str(tmp_path / "o.db"),
            "--rpc",
            node.url,
            "--statute",
            site.address,
            "--listen",
            "127.0.0.1:0",
            "--dev-keys",
            *options,
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_punches_a_peer_receives_late_wait_and_keep_each_employees_order(tmp_path: Path) -> None:
    """In process, the submitter `serve` runs: B lacks emp-0002's clock-in at first. That batch is
    held (no sequence number used), emp-0002's clock-out waits behind it although B has it, other
    employees go on; once B has the clock-in, both are signed and accepted, in order."""

    def punch(employee: str, hour: int, kind: str) -> CanonicalPunch:
        at = dt.datetime.combine(START, dt.time(hour), dt.timezone(dt.timedelta(hours=8)))
        return CanonicalPunch("SIM0001", "gate-1", employee, at, kind, "test")  # type: ignore[arg-type]

    late_in, out = punch("emp-0002", 8, "in"), punch("emp-0002", 20, "out")
    others = [punch("emp-0003", 8, "in"), punch("emp-0003", 20, "out")]
    with LocalAnvil(timestamp=int(time.time())) as node:
        site, quorum = deploy_site(node.url)
        rpc = Rpc(node.url)
        statute = ContractClient(rpc, site.address, site.abi)
        peer = tmp_path / "b.db"
        with Outbox(peer) as box:
            for p in (*others, out):
                box.add(p)
        witness = Witness(Outbox(peer), statute_domain(statute), quorum, REPORTER_B)
        signer = QuorumSigner(quorum, [KeyCosigner(REPORTER_A), witness], 2)
        with Outbox(tmp_path / "a.db") as outbox:
            for p in (late_in, others[0], out, others[1]):
                outbox.add(p)
            submitter = Submitter(
                outbox, rpc, statute, account_key(GATEWAY), signer=lambda _: signer, batch_size=1, hold_unsigned=0.2
            )
            submitter.connect()
            deadline = time.monotonic() + 1.5  # several holds and releases
            while time.monotonic() < deadline:
                submitter.step()
                time.sleep(0.02)
            assert [p.key for p in outbox.pending(10)] == [late_in.key, out.key]
            assert submitter.confirmed == 2 and statute.view("nextSequence", quorum) == 2

            with Outbox(peer) as box:  # B's copy of the clock-in arrives
                box.add(late_in)
            submitter.drain(timeout=30)
            counts = outbox.counts()
        assert (counts["pending"], counts["sent"], counts["confirmed"], counts["rejected"]) == (0, 0, 4, 0)
        assert statute.view("nextSequence", quorum) == 4
        errors = signing_errors(tmp_path / "a.db")
        assert {e.device for e in errors} == {"gate-1"} and sum(e.times for e in errors) >= 2
        assert all(f"never received punch {late_in.key}" in e.detail for e in errors)
