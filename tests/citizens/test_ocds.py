"""Tenders as Open Contracting (OCDS 1.1) releases, validated against the official release schema.

`data/release-schema-1.1.4.json` is the OCDS 1.1.4 release schema (Apache
2.0, see `data/LICENSE-OCDS.txt`), vendored so the check runs offline.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Iterator

import jsonschema
import pytest

from chain.client import Chain
from chain.reader import ChainReader
from citizens.ocds import TenderExport, release_package
from citizens.portal.demo import Replayed
from citizens.portal.server import PortalApp
from citizens.portal.sources import address_book
from lawdsl import cli

from .test_portal import STATUTES, replay_examples

SCHEMA = json.loads((Path(__file__).parent / "data" / "release-schema-1.1.4.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)

pytestmark = pytest.mark.chain


@pytest.fixture(scope="module")
def tenders(session_chain: Chain) -> Iterator[dict[str, Replayed]]:
    """Both example tenders on the session anvil, by scenario name (the chain is put back after)."""
    for replayed in replay_examples(session_chain, ("laptop-tender", "procurement-wheat")):
        yield {r.scenario.path.stem: r for r in replayed}


def export(chain: Chain, replayed: Replayed) -> list[dict]:
    reader = ChainReader(chain.w3.provider.endpoint_uri)
    return TenderExport(
        reader, replayed.deployment.driver.contract.address, address_book(STATUTES), replayed.scenario.statute
    ).releases()


def assert_valid(releases: list[dict]) -> None:
    assert releases
    for release in releases:
        # the format checker needs optional packages for date-time; check that one format here
        assert dt.datetime.fromisoformat(release["date"]).tzinfo is not None
        errors = sorted(VALIDATOR.iter_errors(release), key=lambda error: list(error.path))
        assert not errors, "\n".join(f"{release['id']}: {list(e.path)}: {e.message}" for e in errors)


def test_every_release_is_valid_ocds(session_chain: Chain, tenders: dict[str, Replayed]) -> None:
    for replayed in tenders.values():
        assert_valid(export(session_chain, replayed))


def test_a_tender_from_opening_to_the_last_payment(session_chain: Chain, tenders: dict[str, Replayed]) -> None:
    wheat = tenders["procurement-wheat"]
    releases = export(session_chain, wheat)
    assert [r["tag"] for r in releases] == [["tender"], ["award"], ["contract"], ["implementation"], ["implementation"]]
    assert len({r["id"] for r in releases}) == len(releases) and len({r["ocid"] for r in releases}) == 1
    tender = releases[0]["tender"]
    assert tender["items"][0]["description"] == "wheat" and tender["items"][0]["quantity"] == 1_000_000
    assert tender["value"] == {"amount": 3_100_000.0, "currency": "CNY"}
    assert [t["name"] for t in tender["tenderers"]] == ["s1", "s2", "s3"]  # s4 bid too late: refused
    award = releases[1]["awards"][0]
    assert [s["name"] for s in award["suppliers"]] == ["s2"]
    assert award["value"]["amount"] == 2_900_000.0  # 2.90 × 1,000,000
    last = releases[-1]["contracts"][0]
    assert last["status"] == "terminated"  # fully delivered
    paid = [
        (t["payer"]["name"], t["payee"]["name"], t["value"]["amount"]) for t in last["implementation"]["transactions"]
    ]
    on_chain = [
        (p.sender, p.recipient, float(p.amount.amount_text())) for p in wheat.outcome.payments if p.article == "5"
    ]
    assert paid == on_chain
    roles = {p["name"]: p["roles"] for p in releases[-1]["parties"]}
    assert roles["reserve"][0] == "buyer" and "supplier" in roles["s2"]


def test_the_command_prints_a_valid_release_package(session_chain: Chain, tenders: dict[str, Replayed]) -> None:
    address = tenders["laptop-tender"].deployment.driver.contract.address
    printed = io.StringIO()
    with redirect_stdout(printed):
        status = cli.main(
            ["ocds", "--address", address, "--rpc", session_chain.w3.provider.endpoint_uri, "--statutes", str(STATUTES)]
        )
    assert status == 0
    package = json.loads(printed.getvalue())
    assert package["version"] == "1.1"
    assert_valid(package["releases"])
    assert package["releases"][0]["tender"]["items"][0]["description"] == "laptops"


def test_the_portal_serves_the_releases(session_chain: Chain, tenders: dict[str, Replayed], tmp_path: Path) -> None:
    registries = [r.deployment.registry.address for r in tenders.values()]
    app = PortalApp(session_chain.w3.provider.endpoint_uri, tmp_path / "index.sqlite", registries, STATUTES)
    address = tenders["laptop-tender"].deployment.driver.contract.address
    status, kind, body = app.route(f"/ocds/{address}", {})
    assert (status, kind) == (200, "application/json")
    package = json.loads(body)
    assert_valid(package["releases"])
    assert package == release_package(package["releases"], f"/ocds/{address}")
    status, _, body = app.route(f"/ocds/{address}/0", {})
    assert json.loads(body)["releases"] == package["releases"]  # the example has one tender
