"""Tenders of a procurement statute as Open Contracting Data Standard 1.1 releases.

OCDS is how procurement monitors, journalists and auditors already read
public contracting; publishing the chain's tenders in it lets their tools
work unchanged. Everything comes from the statute contract's logs and view
calls: one `tender` release when a tender opens, an `award` and a `contract`
release when it is awarded (the award binds the supplier at its revealed
price, so the contract starts there), and one `implementation` release per
confirmed delivery, carrying the payment transaction(s) made in it.

Amounts are decimals of the token's currency (OCDS `Value.amount` is a
number); identifiers are chain facts: the statute address, the tender
number, transaction hashes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from eth_utils.address import to_checksum_address

from chain.reader import ChainReader, RawEvent
from lawdsl.ast import Domain, PurchaseRule, Statute

OCDS_VERSION = "1.1"
#: A registered OCDS prefix is `ocds-` + 6 characters; a publisher sets its own with `--prefix`.
DEFAULT_PREFIX = "ocds-lawdsl"


def _date(unix: int) -> str:
    return dt.datetime.fromtimestamp(unix, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class TenderExport:
    """Reads one procurement statute's history once and builds its releases."""

    def __init__(
        self,
        reader: ChainReader,
        address: str,
        names: dict[str, str] | None = None,
        statute: Statute | None = None,
        prefix: str = DEFAULT_PREFIX,
    ) -> None:
        self.reader = reader
        self.address = to_checksum_address(address)
        self.names = names or {}
        self.statute = statute
        self.prefix = prefix
        self.currency, self.digits = reader.currency_of(self.address)
        views = {
            name: (reader.call(self.address, f"{name}()", "uint256") or (0,))[0]
            for name in ("ceilingPerUnit", "biddingPeriod", "revealPeriod", "deliveryPeriod")
        }
        self.views = views
        self.events = list(reader.statute_events({self.address: Domain.PROCUREMENT}, 0, reader.latest_block()))
        self.parties: dict[str, dict[str, Any]] = {}

    # ------------------------------------------------------------ pieces

    def value(self, minor: int) -> dict[str, Any]:
        return {"amount": float(Decimal(minor).scaleb(-self.digits)), "currency": self.currency}

    def party(self, address: Any, role: str) -> dict[str, Any]:
        """An OrganizationReference, registering the party (and its role) in the release's `parties`."""
        address = to_checksum_address(address)
        name = self.names.get(address, address)
        entry = self.parties.setdefault(
            address,
            {"id": address, "name": name, "roles": [], "identifier": {"scheme": "X-ETH-ADDRESS", "id": address}},
        )
        if role not in entry["roles"]:
            entry["roles"].append(role)
        return {"id": address, "name": name}

    def good(self) -> tuple[str, str]:
        """(good, unit) from the statute source when one is supplied, else neutral words."""
        if self.statute is not None:
            for _, rule in self.statute.rules(PurchaseRule):
                return rule.good, rule.unit
        return "goods", "unit"

    def time(self, event: RawEvent) -> int:
        return self.reader.block_time(event.block)

    # ------------------------------------------------------------ releases

    def releases(self) -> list[dict[str, Any]]:
        """Every release of every tender, in chain order."""
        by_tender: dict[int, list[RawEvent]] = defaultdict(list)
        payments_by_tx: dict[str, list[RawEvent]] = defaultdict(list)
        for event in self.events:
            if "tender" in event.args:
                by_tender[event.args["tender"]].append(event)
            elif event.name == "Payment":
                payments_by_tx[event.tx_hash].append(event)
        found = []
        for number in sorted(by_tender):
            found += self.tender_releases(number, by_tender[number], payments_by_tx)
        return found

    def tender_releases(
        self, number: int, events: list[RawEvent], payments_by_tx: dict[str, list[RawEvent]]
    ) -> list[dict[str, Any]]:
        self.parties = {}
        ocid = f"{self.prefix}-{self.address.lower()}-{number}"
        opened = next(e for e in events if e.name == "TenderOpened")
        start = self.time(opened)
        bids_close = start + self.views["biddingPeriod"]
        reveals_close = bids_close + self.views["revealPeriod"]
        quantity = opened.args["quantity"]
        good, unit = self.good()
        buyer = self.party(opened.args["buyer"], "buyer")
        bidders = [e.args["bidder"] for e in events if e.name == "BidCommitted"]
        tenderers = [self.party(b, "tenderer") for b in dict.fromkeys(bidders)]
        tender: dict[str, Any] = {
            "id": f"{self.address}-{number}",
            "title": f"{good} ({quantity} {unit})",
            "status": "active",
            "items": [
                {
                    "id": "1",
                    "description": good,
                    "quantity": quantity,
                    "unit": {"name": unit, "value": self.value(self.views["ceilingPerUnit"])},
                }
            ],
            "value": self.value(quantity * self.views["ceilingPerUnit"]),
            "procurementMethod": "open",
            "procurementMethodDetails": "sealed bids, revealed; the lowest revealed bid wins",
            "awardCriteria": "priceOnly",
            "submissionMethod": ["electronicSubmission"],
            "tenderPeriod": {"startDate": _date(start), "endDate": _date(bids_close)},
            "awardPeriod": {"startDate": _date(reveals_close)},
            "numberOfTenderers": len(tenderers),
            "tenderers": tenderers,
        }
        releases = [self.release(ocid, "tender", 1, start, opened, buyer, tender)]
        awarded = next((e for e in events if e.name == "TenderAwarded"), None)
        if awarded is None:
            return releases
        award_time = self.time(awarded)
        supplier = self.party(awarded.args["winner"], "supplier")
        price = awarded.args["price"]
        award = {
            "id": f"{number}-award",
            "status": "active",
            "date": _date(award_time),
            "value": self.value(price * quantity),
            "suppliers": [supplier],
            "items": [{**tender["items"][0], "unit": {"name": unit, "value": self.value(price)}}],
        }
        tender = {
            **tender,
            "status": "complete",
            "awardPeriod": {"startDate": _date(reveals_close), "endDate": _date(award_time)},
        }
        contract = {
            "id": f"{number}-contract",
            "awardID": award["id"],
            "status": "active",
            "value": award["value"],
            "dateSigned": _date(award_time),
            "period": {"startDate": _date(award_time), "endDate": _date(reveals_close + self.views["deliveryPeriod"])},
        }
        releases.append(self.release(ocid, "award", 2, award_time, awarded, buyer, tender, awards=[award]))
        releases.append(
            self.release(ocid, "contract", 3, award_time, awarded, buyer, tender, awards=[award], contracts=[contract])
        )
        transactions = []
        closed = any(e.name == "TenderClosed" for e in events)
        deliveries = [e for e in events if e.name == "DeliveryConfirmed"]
        for n, delivery in enumerate(deliveries, start=1):
            for payment in payments_by_tx.get(delivery.tx_hash, []):
                transactions.append(
                    {
                        "id": payment.tx_hash,
                        "source": f"urn:eth:tx:{payment.tx_hash}",
                        "date": _date(self.time(payment)),
                        "value": self.value(payment.args["amount"]),
                        "payer": self.party(payment.args["payer"], "payer"),
                        "payee": self.party(payment.args["payee"], "payee"),
                    }
                )
            done = {
                **contract,
                "status": "terminated" if closed and n == len(deliveries) else "active",
                "implementation": {"transactions": list(transactions)},
            }
            releases.append(
                self.release(
                    ocid,
                    "implementation",
                    3 + n,
                    self.time(delivery),
                    delivery,
                    buyer,
                    tender,
                    awards=[award],
                    contracts=[done],
                )
            )
        return releases

    def release(
        self,
        ocid: str,
        tag: str,
        serial: int,
        when: int,
        event: RawEvent,
        buyer: dict[str, Any],
        tender: dict[str, Any],
        **sections: Any,
    ) -> dict[str, Any]:
        return {
            "ocid": ocid,
            "id": f"{ocid}-{serial:02d}-{tag}",
            "date": _date(when),
            "tag": [tag],
            "initiationType": "tender",
            "language": "en",
            "parties": [dict(p, roles=list(p["roles"])) for p in self.parties.values()],
            "buyer": buyer,
            "tender": tender,
            **sections,
        }


def release_package(releases: list[dict[str, Any]], uri: str, publisher: str = "lawdsl portal") -> dict[str, Any]:
    """An OCDS release package around `releases`, dated by the newest release."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": max((r["date"] for r in releases), default=_date(0)),
        "publisher": {"name": publisher},
        "releases": releases,
    }
