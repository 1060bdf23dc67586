"""The ADMS receiver, spoken to as a terminal speaks: HTTP/1.1 on a real loopback socket."""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import socket
import sqlite3
from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

import pytest

from oracles.devices.config import parse_config
from oracles.devices.intake import Intake
from oracles.devices.records import Reason
from oracles.devices.simulator import simulate, simulated_config
from oracles.devices.zkteco_push import (
    AdmsProtocol,
    BadRecord,
    PushServer,
    Reply,
    parse_attlog_line,
)
from oracles.http_service import Peer
from oracles.outbox import Outbox

from .conftest import SITE_YAML, Clock, at

SN = "CQZ7224460246"
TERMINAL_HEADERS = {"User-Agent": "iClock Proxy/1.09", "Accept": "*/*", "Content-Type": "text/plain"}

HANDSHAKE = (
    "GET OPTION FROM: CQZ7224460246\n"
    "ATTLOGStamp=0\n"
    "OPERLOGStamp=9999\n"
    "ATTPHOTOStamp=9999\n"
    "ErrorDelay=30\n"
    "Delay=10\n"
    "TransTimes=00:00;14:05\n"
    "TransInterval=1\n"
    "TransFlag=TransData AttLog\tOpLog\n"
    "TimeZone=8\n"
    "Realtime=1\n"
    "Encrypt=None\n"
).encode()

# One upload with everything a terminal (or a person at one) gets wrong, line by line.
UPLOAD = b"".join(
    [
        b"1001\t2026-03-09 08:00:00\t0\t1\t0\t0\t0\r\n",  # alice in                     -> pending
        b"1002\t2026-03-09 08:01:13\t0\t15\t0\t0\t0\n",  # bob in (face, verify 15)     -> pending
        b"garbage\n",  # not a record                 -> malformed
        b"\n",  # blank: skipped, not counted
        b"7777\t2026-03-09 08:02:00\t0\t1\t0\n",  # PIN nobody has               -> unknown-employee
        b"1002\t2026-03-11 08:00:00\t1\t1\t0\n",  # tomorrow                     -> future
        b"1001\t2026-03-09 08:00:09\t0\t1\t0\n",  # alice taps again             -> duplicate
        b"1001\t2026-03-09 08:00:00\t0\t1\t0\t0\t0\n",  # the first line again         -> redelivered
        b"1002\t2026-03-09 07:00:00\t1\t1\t0\n",  # before bob's 08:01           -> out-of-order
        b"1001\t2026-02-30 08:00:00\t1\t1\t0\n",  # no such day                  -> malformed
        b"1001\t2026-03-09 18:00:00\tx\t1\n",  # status not a number          -> malformed
        b"1001\t2026-03-09 12:00:00\t9\t1\n",  # status 9 not mapped          -> unknown-status
        b"10\xff1\t2026-03-09 12:00:00\t0\t1\n",  # not UTF-8                    -> malformed
        b"1001\t2026-03-09 18:00:00\t1\t1\t0\t0\t0",  # alice out, no final newline  -> pending
    ]
)


@pytest.fixture
def server(intake: Intake) -> Iterator[PushServer]:
    with PushServer(AdmsProtocol(intake), "127.0.0.1", 0) as running:
        yield running


@pytest.fixture
def terminal(server: PushServer) -> Iterator[http.client.HTTPConnection]:
    """One keep-alive connection, as a terminal holds it."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    yield conn
    conn.close()


def ask(conn: http.client.HTTPConnection, method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    conn.request(method, url, body=body, headers=TERMINAL_HEADERS)
    response = conn.getresponse()
    return response.status, response.read()


def test_handshake_getrequest_and_upload(terminal: http.client.HTTPConnection, outbox: Outbox) -> None:
    terminal.request("GET", f"/iclock/cdata?SN={SN}&options=all&pushver=2.4.1&language=69", headers=TERMINAL_HEADERS)
    response = terminal.getresponse()
    assert (response.status, response.read()) == (200, HANDSHAKE)
    assert response.getheader("Content-Type") == "text/plain" and response.getheader(
        "Date"
    )  # terminals set clocks by it

    assert ask(terminal, "GET", f"/iclock/getrequest?SN={SN}&INFO=Ver%206.60,2,0,3,192.168.1.201") == (200, b"OK")

    status, reply = ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG&Stamp=9999", UPLOAD)
    assert (status, reply) == (200, b"OK: 13")  # every non-blank line is taken care of
    assert [(p.employee, p.kind, p.at) for p in outbox.pending(10)] == [
        ("alice", "in", at("2026-03-09 08:00")),
        ("bob", "in", at("2026-03-09 08:01:13")),
        ("alice", "out", at("2026-03-09 18:00")),
    ]
    assert {p.source for p in outbox.pending(10)} == {f"zkteco-push:{SN}"}
    assert Counter(e.reason for e in outbox.last_errors()) == {
        Reason.MALFORMED: 4,
        Reason.UNKNOWN_EMPLOYEE: 1,
        Reason.FUTURE: 1,
        Reason.DUPLICATE: 1,
        Reason.OUT_OF_ORDER: 1,
        Reason.UNKNOWN_STATUS: 1,
    }
    assert {e.record for e in outbox.last_errors() if e.reason == Reason.MALFORMED} == {
        "garbage",
        "1001\t2026-02-30 08:00:00\t1\t1\t0",
        "1001\t2026-03-09 18:00:00\tx\t1",
        "10\ufffd1\t2026-03-09 12:00:00\t0\t1",
    }

    # the terminal lost our OK and sends the batch again: nothing new to send, the bad lines counted again
    # (alice's double tap, judged again after her 18:00 punch, is now out of order as well: one more row)
    assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG&Stamp=9999", UPLOAD) == (200, b"OK: 13")
    assert outbox.counts()["pending"] == 3 and outbox.counts()["quarantined"] == 10
    # and the stamp it reported comes back in the next handshake, so it will not start from 0 again
    status, body = ask(terminal, "GET", f"/iclock/cdata?SN={SN}&options=all")
    assert body.splitlines()[1] == b"ATTLOGStamp=9999"


def test_other_tables_and_endpoints_are_answered_ok_and_ignored(
    terminal: http.client.HTTPConnection, outbox: Outbox
) -> None:
    oplog = b"OPLOG 4\t0\t2026-03-09 08:00:00\t0\t0\t0\t0\n"
    assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=OPERLOG&Stamp=77", oplog) == (200, b"OK")
    assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTPHOTO", b"\x89PNG...") == (200, b"OK")
    assert ask(terminal, "POST", f"/iclock/devicecmd?SN={SN}", b"ID=1&Return=0&CMD=INFO") == (200, b"OK")
    assert ask(terminal, "GET", f"/iclock/ping?SN={SN}") == (200, b"OK")
    assert ask(terminal, "GET", f"/iclock/fdata?sn={SN}") == (200, b"OK")  # unknown, lower-case sn: still OK
    assert outbox.counts() == {"pending": 0, "sent": 0, "confirmed": 0, "rejected": 0, "quarantined": 0}
    assert outbox.stamp(SN, "OPERLOG") is None  # the stamps of tables we ignore stay ours: no history wanted


def test_requests_that_are_not_for_a_terminal(terminal: http.client.HTTPConnection) -> None:
    assert ask(terminal, "GET", "/iclock/getrequest") == (400, b"ERROR: missing SN")
    assert ask(terminal, "GET", "/index.html") == (404, b"Not Found")
    assert ask(terminal, "GET", f"/iclock/getrequest?SN={SN}") == (200, b"OK")


def test_an_unknown_serial_is_refused_and_nothing_is_read(
    terminal: http.client.HTTPConnection, outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 15: a POST as any serial from any host was answered `OK: 2` and paid a shift."""
    assert ask(terminal, "GET", "/iclock/cdata?SN=ROGUE0001&options=all") == (403, b"ERROR: not allowed")
    terminal.close()
    line = b"1001\t2026-03-09 08:00:00\t0\t1\t0\n"
    assert ask(terminal, "POST", "/iclock/cdata?SN=ROGUE0001&table=ATTLOG", line) == (403, b"ERROR: not allowed")
    assert outbox.counts()["pending"] == outbox.counts()["quarantined"] == 0
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refusals == [
        "refused GET /iclock/cdata from 127.0.0.1: unknown serial 'ROGUE0001'",
        "refused POST /iclock/cdata from 127.0.0.1: unknown serial 'ROGUE0001'",
    ]


def test_a_terminal_is_served_only_from_its_allowed_networks(outbox: Outbox, clock: Clock) -> None:
    config = parse_config(
        SITE_YAML.replace("    address: 192.168.1.201\n", "    address: 192.168.1.201\n    allow: [192.168.1.201]\n"),
        "site.yaml",
    )
    assert config.devices["BWXP203960011"].allow == (ipaddress.ip_network("192.168.1.201/32"),)
    with PushServer(AdmsProtocol(Intake(config, outbox, clock=clock)), "127.0.0.1", 0) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        line = b"0042\t2026-03-09 08:00:00\t0\t1\t0\n"  # carol, enrolled on gate-2 only
        assert ask(conn, "POST", "/iclock/cdata?SN=BWXP203960011&table=ATTLOG", line) == (403, b"ERROR: not allowed")
        conn.close()
        assert ask(conn, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG", b"1001\t2026-03-09 08:00:00\t0\n") == (
            200,
            b"OK: 1",
        )  # gate-1 keeps the loopback default
    assert [p.employee for p in outbox.pending(5)] == ["alice"]


def test_a_source_no_terminal_may_use_is_closed_before_a_byte_is_read(outbox: Outbox, clock: Clock) -> None:
    only_lan = SITE_YAML.replace('    zone: "+08:00"\n', '    zone: "+08:00"\n    allow: 10.1.0.0/16\n').replace(
        "    address: 192.168.1.201\n", "    address: 192.168.1.201\n    allow: [192.168.1.0/24]\n"
    )
    with PushServer(AdmsProtocol(Intake(parse_config(only_lan), outbox, clock=clock)), "127.0.0.1", 0) as server:
        try:
            reply = raw_exchange(server.port, f"GET /iclock/getrequest?SN={SN} HTTP/1.1\r\n\r\n".encode())
        except OSError:  # reset or not connected, depending on when the close overtook the request
            reply = b""
    assert reply == b""


def test_the_upload_stamp_moves_only_forward_to_a_stored_record(
    terminal: http.client.HTTPConnection, outbox: Outbox
) -> None:
    """Issue 15: an empty POST with &Stamp=4102444800 made the real terminal skip every later record."""

    def handshake_stamp() -> bytes:
        return ask(terminal, "GET", f"/iclock/cdata?SN={SN}&options=all")[1].splitlines()[1]

    assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG&Stamp=4102444800", b"") == (200, b"OK: 0")
    assert handshake_stamp() == b"ATTLOGStamp=0"
    record = b"1001\t2026-03-09 08:00:00\t0\t1\n"  # 2026-03-09 00:00 UTC = 1773014400
    assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG&Stamp=4102444800", record) == (200, b"OK: 1")
    assert handshake_stamp() == b"ATTLOGStamp=0"  # past the record it came with: not taken
    assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG&Stamp=1773014400", record) == (200, b"OK: 1")
    assert handshake_stamp() == b"ATTLOGStamp=1773014400"  # the redelivered record proves it
    assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG&Stamp=500", record) == (200, b"OK: 1")
    assert handshake_stamp() == b"ATTLOGStamp=1773014400"  # never backwards
    garbage = b"garbage\n"
    assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG&Stamp=1773014401", garbage) == (200, b"OK: 1")
    assert handshake_stamp() == b"ATTLOGStamp=1773014400"  # a quarantined line stores nothing


def test_a_forged_early_punch_on_one_terminal_does_not_block_another(outbox: Outbox, intake: Intake) -> None:
    """Issue 15: a clock-in four minutes ahead put the worker's real clock-in into quarantine."""
    protocol = AdmsProtocol(intake)
    forged = "1001\t2026-03-10 12:04:00\t0\t1\n"
    assert protocol.handle(
        Peer.local(), "POST", "/iclock/cdata", {"sn": "BWXP203960011", "table": "ATTLOG"}, forged.encode()
    ) == Reply(200, "OK: 1")
    real = "1001\t2026-03-10 12:00:00\t0\t1\n"
    assert protocol.handle(
        Peer.local(), "POST", "/iclock/cdata", {"sn": SN, "table": "ATTLOG"}, real.encode()
    ) == Reply(200, "OK: 1")
    assert sorted((p.device, p.at) for p in outbox.pending(5)) == [
        ("gate-1", at("2026-03-10 12:00")),
        ("gate-2", at("2026-03-10 12:04")),
    ]
    assert outbox.counts()["quarantined"] == 0


def test_outbox_failure_is_a_503_and_the_gateway_keeps_serving(
    terminal: http.client.HTTPConnection, outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*_: object) -> bool:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "add", disk_full)
        assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG", UPLOAD) == (503, b"ERROR")
    assert outbox.counts()["quarantined"] == 0  # no OK, so nothing of that batch may stay: the terminal re-sends it
    assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG", UPLOAD) == (200, b"OK: 13")
    assert outbox.counts()["pending"] == 3


def test_a_bug_costs_one_request_not_the_server(
    server: PushServer, terminal: http.client.HTTPConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise KeyError("oops")

    monkeypatch.setattr(server.protocol, "attlog_record", broken)
    assert ask(terminal, "POST", f"/iclock/cdata?SN={SN}&table=ATTLOG", b"1001\t2026-03-09 08:00:00\t0\n") == (
        500,
        b"ERROR",
    )
    assert ask(terminal, "GET", f"/iclock/getrequest?SN={SN}") == (200, b"OK")


def raw_exchange(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_byte_level_chunked_upload_and_broken_framing(server: PushServer, outbox: Outbox) -> None:
    chunked = (
        f"POST /iclock/cdata?SN={SN}&table=ATTLOG&Stamp=1 HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    record = b"1001\t2026-03-09 08:00:00\t0\t1\n"
    chunked += b"%x\r\n%s\r\n0\r\n\r\n" % (len(record), record)
    reply = raw_exchange(server.port, chunked)
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n") and reply.endswith(b"\r\n\r\nOK: 1")
    assert [p.employee for p in outbox.pending(5)] == ["alice"]

    bad_length = f"POST /iclock/cdata?SN={SN}&table=ATTLOG HTTP/1.1\r\nContent-Length: lots\r\n\r\n".encode()
    assert raw_exchange(server.port, bad_length).startswith(b"HTTP/1.1 400 ")
    short = f"POST /iclock/cdata?SN={SN}&table=ATTLOG HTTP/1.1\r\nContent-Length: 500\r\n\r\n1001\t".encode()
    assert raw_exchange(server.port, short).startswith(b"HTTP/1.1 400 ")
    huge = f"POST /iclock/cdata?SN={SN}&table=ATTLOG HTTP/1.1\r\nContent-Length: {10**9}\r\n\r\n".encode()
    assert raw_exchange(server.port, huge).startswith(b"HTTP/1.1 413 ")
    assert b"400" in raw_exchange(server.port, b"\x16\x03\x01 not http at all\r\n\r\n")  # answered, in HTTP/0.9
    alive = f"GET /iclock/getrequest?SN={SN} HTTP/1.1\r\nConnection: close\r\n\r\n".encode()
    assert raw_exchange(server.port, alive).endswith(b"\r\n\r\nOK")


def test_a_simulated_month_through_the_receiver(tmp_path: Path, clock: Clock) -> None:
    """Terminals upload as punches happen (Realtime=1): each run of records from one terminal is one POST."""
    config = simulated_config(employees=30, devices=2)
    month = simulate(config, dt.date(2026, 2, 1), 28, seed=3)
    with (
        Outbox(tmp_path / "month.db", clock=clock) as box,
        PushServer(AdmsProtocol(Intake(config, box, clock=clock)), "127.0.0.1", 0) as server,
    ):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for serial, run in groupby(month.records, key=lambda record: record.serial):
            lines = [record.attlog() for record in run]
            body = "".join(f"{line}\n" for line in lines).encode()
            assert ask(conn, "POST", f"/iclock/cdata?SN={serial}&table=ATTLOG", body) == (200, b"OK: %d" % len(lines))
        conn.close()
        counts = box.counts()
    assert counts["pending"] == len(month.punches) - month.injected["double_tap"] - month.injected["resend"]
    assert counts["quarantined"] == month.injected["double_tap"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-09 08:00:00", dt.datetime(2026, 3, 9, 8)),  # what terminals send: the fast path
        ("2026-03-09 8:00:00", dt.datetime(2026, 3, 9, 8)),  # unpadded: strptime, as before
        ("2026-03-09 08:00+08", None),  # ISO with an offset: not the ATTLOG format
        ("2026-03-09T08:00:00", None),
        ("2026-02-30 08:00:00", None),
    ],
)
def test_attlog_times_are_exactly_the_terminal_format(text: str, expected: dt.datetime | None) -> None:
    if expected is None:
        with pytest.raises(BadRecord, match="is not YYYY-MM-DD HH:MM:SS"):
            parse_attlog_line(f"1001\t{text}\t0")
    else:
        assert parse_attlog_line(f"1001\t{text}\t0") == ("1001", expected, 0)
