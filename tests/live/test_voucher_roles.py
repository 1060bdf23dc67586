"""The voucher roles of docs/operate.md ("A voucher program") on a live node started at the current time,
anvil and Hardhat.

Real keystores, only the `lawdsl` command: the authority deploys a voucher statute in force today whose
second instalment falls due two days from now, appoints the issuer, registers merchants and accepts an
attesting agency; the issuer funds and issues; a holder spends and sees its vouchers. The wrong steps —
a key that is not the authority's or the issuer's, a de-listed merchant, an instalment spent before its
date — each end in one sentence and a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator

import pytest

from chain.anvil import LocalAnvil, LocalHardhat

from .conftest import NODES, Operator, make_operator

TODAY = dt.datetime.now(dt.UTC).date()
YESTERDAY, DUE = TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=2)

LAW = f"""statute "Live Voucher Pilot"
  governs vouchers
  version 1
  effective {YESTERDAY.isoformat()}
  currency HKD
  time zone +00:00.

parties:
  "secretariat" is an agency.
  "immigration" is an agency.
  "resident" is a citizen.
  "merchant" is a firm.

terms:
  "local shops" are "retail".
  "spending period" is from {YESTERDAY.isoformat()} to {(TODAY + dt.timedelta(days=30)).isoformat()}.

article 1 "Issue":
  the secretariat issues a voucher of HKD 300.00 to each resident holding the
    attribute "resident" attested by the immigration.
  vouchers are issued in instalments: HKD 200.00 on {YESTERDAY.isoformat()}, then
    HKD 100.00 on {DUE.isoformat()}.

article 2 "Use":
  vouchers may be spent only at a merchant in the local shops.
  vouchers may be spent only during the spending period.
  vouchers may be split across purchases.
"""


@pytest.fixture(scope="module", params=NODES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Operator]:
    """The program deployed, its issuer appointed and funded, shop and cafe registered, alice attested."""
    with LocalHardhat() if request.param == "hardhat" else LocalAnvil(None) as node:
        run = make_operator(tmp_path_factory.mktemp(f"vouchers-{request.param}"))
        run.rpc = node.url
        (run.cwd / "pilot.law").write_text(LAW)
        for name in ("authority", "secretariat", "immigration", "alice", "shop", "cafe", "mallory"):
            run.ok("keys", "new", name, "--light-kdf")
        run.ok("fund", "authority", "secretariat", "immigration", "alice", "mallory", "--dev-keys", "--rpc", node.url)
        run.ok("deploy", "pilot.law", "--rpc", node.url, "--key", "authority")
        run.ok("authority", "mint", "secretariat", "1000.00", "--key", "authority")
        run.ok("vouchers", "appoint-issuer", "secretariat", "--key", "authority")
        run.ok("vouchers", "register-merchant", "shop", "retail", "--key", "authority")
        run.ok("vouchers", "register-merchant", "cafe", "retail", "--key", "authority")
        run.ok("vouchers", "authorize-attester", "immigration", "--key", "authority")
        run.ok("vouchers", "attest", "alice", "resident", "--key", "immigration")
        run.ok("vouchers", "deposit", "600.00", "--key", "secretariat")
        yield run


def refused(done: subprocess.CompletedProcess, *words: str) -> str:
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0, done.stdout
    assert len(lines) == 1 and "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_the_voucher_roles_in_order(site: Operator) -> None:
    issued = site.ok("vouchers", "issue", "alice", "mallory", "--key", "secretariat")
    assert "issued vouchers to 2 citizen(s): tx 0x" in issued and ", gas " in issued
    assert "VoucherIssued(" in issued and "refused mallory (0x" in issued
    assert "it does not hold the required attested attribute" in issued

    balance = site.ok("vouchers", "balance", "alice")
    assert "voucher 0: HKD 200.00 left of HKD 200.00, spendable now" in balance
    assert f"voucher 1: HKD 100.00 left of HKD 100.00, spendable from {DUE.isoformat()} 00:00 UTC" in balance
    assert "vouchers: HKD 300.00 left, HKD 200.00 of it due by now" in balance

    spent = site.ok("vouchers", "spend", "shop", "150.00", "--key", "alice")
    assert "voucher 0 paid HKD 150.00 of HKD 150.00 to shop (0x" in spent and "under article 2" in spent
    assert "HKD 150.00" in site.ok("vouchers", "balance", "shop")

    # The de-listed cafe is paid nothing; the shop takes the rest of the first instalment.
    site.ok("vouchers", "delist-merchant", "cafe", "--key", "authority")
    refused(
        site("vouchers", "spend", "cafe", "10.00", "--key", "alice"),
        "cafe (0x",
        "is not registered in an eligible category (or was de-listed): vouchers cannot pay it",
    )
    assert "voucher 0 paid HKD 50.00 of HKD 80.00" in site.ok("vouchers", "spend", "shop", "80.00", "--key", "alice")

    # The second instalment is due only in two days: no public money is paid out before then.
    line = refused(site("vouchers", "spend", "shop", "80.00", "--key", "alice"), "the holder's next instalment")
    assert re.search(rf"\(voucher 1\) may be spent only from {DUE.isoformat()} 00:00 UTC", line), line
    assert "no instalment pays before its date" in line
    payments = site.ok("vouchers", "payments", "shop")
    assert re.search(r"HKD 150\.00 of a HKD 150\.00 purchase  voucher 0  article 2  tx 0x", payments), payments
    assert re.search(r"HKD 50\.00 of a HKD 80\.00 purchase  voucher 0  article 2  tx 0x", payments), payments
    assert "total HKD 200.00" in payments
    program = site.ok("vouchers", "program")
    assert "reserved    HKD 100.00" in program and "unreserved  HKD 300.00" in program
    assert "2 per citizen" in program


def test_a_key_that_is_not_the_authoritys(site: Operator) -> None:
    refused(
        site("vouchers", "register-merchant", "mallory", "retail", "--key", "mallory"),
        "mallory (0x",
        "does not hold PROPOSER_ROLE: only a proposer of the authority's timelock (the authority's key) may do this",
    )
    refused(site("vouchers", "appoint-issuer", "mallory", "--key", "mallory"), "does not hold PROPOSER_ROLE")


def test_a_key_that_is_not_the_issuers(site: Operator) -> None:
    refused(
        site("vouchers", "issue", "mallory", "--key", "mallory"),
        "only the program's issuer, secretariat (0x",
        "sign with its --key",
    )


def test_delisting_a_merchant_that_is_not_listed(site: Operator) -> None:
    refused(
        site("vouchers", "delist-merchant", "mallory", "--key", "authority"),
        "mallory (0x",
        "is not a listed merchant, so it cannot be de-listed",
    )


def test_a_deposit_larger_than_the_issuers_wallet(site: Operator) -> None:
    refused(
        site("vouchers", "deposit", "5000.00", "--key", "secretariat"),
        "the issuer's wallet holds HKD 400.00, less than the HKD 5000.00 to deposit",
    )


def test_spending_without_vouchers(site: Operator) -> None:
    refused(site("vouchers", "spend", "shop", "10.00", "--key", "mallory"), "holds no voucher with value left")


def test_the_help_shows_an_example(site: Operator) -> None:
    for command in ("issue", "spend", "register-merchant", "delist-merchant", "balance", "payments"):
        assert "example:\n  lawdsl vouchers " in site.ok("vouchers", command, "--help")


def test_a_merchant_in_a_category_the_statute_does_not_list(site: Operator) -> None:
    out = site.ok("vouchers", "register-merchant", "cafe", "utilities", "--key", "authority")
    assert "registered cafe (0x" in out and "MerchantRegistered(" in out
    assert "'utilities' is not an eligible category of this statute: vouchers do not pay this merchant" in out
