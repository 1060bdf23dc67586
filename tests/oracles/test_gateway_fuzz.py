"""The ADMS receiver under attack, on loopback only, each run bounded in time and size.

Hypothesis writes requests a terminal never would (headers, framing, bodies,
encodings); a flood holds half-open connections; a reset, a stalled head, a
lying chunk size. Throughout: the server answers or closes within its
deadlines, its memory stays bounded, nothing from an unknown serial or a
source outside its terminal's `allow` list reaches the outbox, and the real
terminal is served. Issue 15's findings are each one test here or in
test_zkteco_push.py.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracles.devices.config import GatewayConfig, parse_config
from oracles.devices.intake import Intake
from oracles.devices.zkteco_push import AdmsProtocol, PushServer
from oracles.http_service import Limits, tls_context
from oracles.outbox import Outbox
from oracles.uploads import HttpTerminals

from .conftest import SITE_YAML, Clock

SN = "CQZ7224460246"
RECORD = "1001\t2026-03-09 08:00:00\t0\t1\n"
FAST = Limits(head=1.0, body=2.0, per_source=8, total=64)


@pytest.fixture
def server(intake: Intake) -> Iterator[PushServer]:
    with PushServer(AdmsProtocol(intake), "127.0.0.1", 0, limits=FAST) as running:
        yield running


def terminal_is_served(port: int, timeout: float = 2.0) -> bool:
    """The real terminal, from 127.0.0.1, polls for commands and gets `OK` in time."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", f"/iclock/getrequest?SN={SN}")
        response = conn.getresponse()
        return (response.status, response.read()) == (200, b"OK")
    finally:
        conn.close()


def exchange(port: int, request: bytes, source: str = "127.0.0.1", timeout: float = 5.0) -> bytes:
    """Send `request`, half-close, read until the server closes (or reset): what came back."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0)) as sock:
        chunks = []
        try:
            sock.sendall(request)
            sock.shutdown(socket.SHUT_WR)
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, BrokenPipeError, OSError):
            pass
    return b"".join(chunks)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


# ---------------------------------------------------------------- framing


def test_a_negative_chunk_size_is_400_without_reading_the_stream(server: PushServer) -> None:
    """Issue 15: chunk size -1 read 64 MiB to the end of the stream (79 → 271 MiB), answered 400."""
    before = rss_mib()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            f"POST /iclock/cdata?SN={SN}&table=ATTLOG HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n".encode()
        )
        sent = 0
        block = b"x" * 65536
        sock.settimeout(0.5)
        reply = b""
        while sent < 64 * 2**20 and not reply:  # keep pushing until the server answers
            try:
                sent += sock.send(block)
                reply = sock.recv(4096, socket.MSG_DONTWAIT)
            except (BlockingIOError, TimeoutError):
                pass
            except (ConnectionResetError, BrokenPipeError):
                break
        if not reply:
            sock.settimeout(5)
            reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert sent < 16 * 2**20 and rss_mib() - before < 32


@pytest.mark.parametrize(
    ("size", "status"),
    [(b"ffffffffffff", 413), (b"1000001", 413), (b"0x10", 400), (b"+10", 400), (b"1 0", 400), (b"", 400)],
)
def test_chunk_sizes_are_parsed_strictly(server: PushServer, size: bytes, status: int) -> None:
    head = f"POST /iclock/cdata?SN={SN}&table=ATTLOG HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
    assert exchange(server.port, head + size + b"\r\n" + RECORD.encode()).startswith(b"HTTP/1.1 %d " % status)
    assert terminal_is_served(server.port)


@pytest.mark.parametrize(
    "headers",
    [
        "Content-Length: 5\r\nContent-Length: 500\r\n",
        "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        "Content-Length: -5\r\n",
        "Content-Length: ٣\r\n",
    ],
)
def test_ambiguous_framing_is_400(server: PushServer, outbox: Outbox, headers: str) -> None:
    request = f"POST /iclock/cdata?SN={SN}&table=ATTLOG HTTP/1.1\r\n{headers}\r\n{RECORD}".encode()
    assert exchange(server.port, request).startswith(b"HTTP/1.1 400 ")
    assert outbox.counts()["pending"] == 0


# ---------------------------------------------------------------- connections


def test_a_reset_is_one_log_line(server: PushServer, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 15: each reset connection wrote an unformatted traceback to the log."""
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(f"POST /iclock/cdata?SN={SN}&table=ATTLOG HTTP/1.1\r\nContent-Length: 9000\r\n\r\n1001".encode())
        time.sleep(0.2)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # close = RST
    time.sleep(0.5)
    assert terminal_is_served(server.port)
    assert all(record.exc_info is None and "\n" not in record.getMessage() for record in caplog.records)


def test_slowloris_cannot_starve_the_terminal(server: PushServer, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 15: 254 half-open connections held every handler thread; a real terminal timed out."""
    caplog.set_level(logging.WARNING)
    flood = []
    try:
        for i in range(254):  # from one attacking host: its quota fills, the rest are closed at once
            sock = socket.socket()
            sock.settimeout(2)
            sock.bind(("127.0.0.9", 0))
            sock.connect(("127.0.0.1", server.port))
            sock.sendall(b"POST /iclock/cdata?SN=" + SN.encode()[: i % 5])  # a head that never ends
            flood.append(sock)
        for sock in flood[FAST.per_source : FAST.per_source + 5]:
            assert sock.recv(1) == b""  # refused: closed by the server
        began = time.monotonic()
        assert terminal_is_served(server.port)
        assert time.monotonic() - began < 1.0
        spread = []
        for i in range(40):  # from many hosts, one slow head each: closed when their head deadline passes
            sock = socket.create_connection(
                ("127.0.0.1", server.port), timeout=5, source_address=(f"127.0.2.{i + 1}", 0)
            )
            sock.sendall(b"GET /iclock/getrequest?SN=")
            spread.append(sock)
        assert terminal_is_served(server.port)
        time.sleep(FAST.head + 0.6)
        for sock in spread:
            assert sock.recv(1) == b""
            sock.close()
        assert terminal_is_served(server.port)
    finally:
        for sock in flood:
            sock.close()
    refused = [r for r in caplog.records if "refused a connection from 127.0.0.9" in r.getMessage()]
    assert len(refused) >= 254 - 2 * FAST.per_source  # (a slow machine may let some heads expire meanwhile)


# ---------------------------------------------------------------- generated requests

_header_name = st.sampled_from(
    [
        "Content-Length",
        "Transfer-Encoding",
        "Content-Type",
        "Host",
        "Connection",
        "Expect",
        "X-\x00",
        "Content-Encoding",
    ]
)
_header_value = st.one_of(
    st.sampled_from(["chunked", "0", "5", "100000000000", "-1", "close", "gzip", "100-continue"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=40),
)
_serial = st.sampled_from([SN, "BWXP203960011", "ROGUE0001", "", SN + "\x00", "sn%00", "A" * 300])
_record_text = st.one_of(
    st.just(RECORD),
    st.text(max_size=200),
    st.builds(
        lambda pin, time, status: f"{pin}\t{time}\t{status}\n",
        st.sampled_from(["1001", "1002", "0042", "9", "-1"]),
        st.sampled_from(
            [
                "2026-03-09 08:00:00",
                "2026-3-9 8:0:0",
                "2100-01-01 00:00:00",
                "9999-12-31 23:59:59",
                "0000-00-00 00:00:00",
                "",
            ]
        ),
        st.sampled_from(["0", "1", "5", "٣", "99999999999999999999"]),
    ),
)
_body = st.one_of(
    st.binary(max_size=2000),
    st.builds(
        lambda text, encoding: text.encode(encoding, errors="replace"),
        _record_text,
        st.sampled_from(["utf-8", "gbk", "latin-1", "utf-16", "utf-8-sig"]),
    ),
)


@st.composite
def adms_requests(draw: st.DrawFn) -> tuple[bytes, str]:
    method = draw(st.sampled_from(["GET", "POST", "PUT", "POST", "G\x00T", "POST"]))
    path = draw(
        st.sampled_from(
            [
                "/iclock/cdata",
                "/iclock/getrequest",
                "/iclock/devicecmd",
                "/",
                "/iclock/../x",
                "//iclock/cdata",
                "/iclock/cdata/",
            ]
        )
    )
    serial = draw(_serial)
    query = f"SN={serial}&table={draw(st.sampled_from(['ATTLOG', 'OPERLOG', 'attlog', '']))}"
    query += f"&Stamp={draw(st.sampled_from(['4102444800', '9999', '-1', '1e9', '', '99999999999999999999999']))}"
    body = draw(_body)
    headers = draw(st.lists(st.tuples(_header_name, _header_value), max_size=4))
    framing = draw(st.sampled_from(["length", "chunked", "none", "lying"]))
    head = [f"{method} {path}?{query} HTTP/1.1", "Host: 127.0.0.1"]
    head += [f"{name}: {value}" for name, value in headers]
    if framing == "length":
        head.append(f"Content-Length: {len(body)}")
    elif framing == "lying":
        head.append(f"Content-Length: {len(body) + draw(st.integers(1, 10**6))}")
    elif framing == "chunked":
        head.append("Transfer-Encoding: chunked")
        cut = draw(st.integers(0, len(body)))
        body = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:cut], body[cut:]) if part) + b"0\r\n\r\n"
    raw = ("\r\n".join(head) + "\r\n\r\n").encode("utf-8", errors="replace") + body
    return raw, serial


def test_generated_requests_never_crash_and_unknown_serials_store_nothing(
    config: GatewayConfig, tmp_path: Path, clock: Clock
) -> None:
    with (
        Outbox(tmp_path / "fuzz.db", clock=clock) as outbox,
        PushServer(AdmsProtocol(Intake(config, outbox, clock=clock)), "127.0.0.1", 0, limits=FAST) as server,
    ):
        before = rss_mib()

        @settings(
            max_examples=150,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        )
        @given(adms_requests())
        def one(request: tuple[bytes, str]) -> None:
            raw, _ = request
            began = time.monotonic()
            reply = exchange(server.port, raw, timeout=FAST.body + 3)
            assert time.monotonic() - began < FAST.body + 2
            assert reply == b"" or reply.startswith((b"HTTP/1.1 ", b"HTTP/1.0 ", b"<!DOCTYPE"))

        one()
        assert terminal_is_served(server.port)
        assert rss_mib() - before < 64
        with outbox.reading() as db:
            serials = {row[0] for row in db.execute("SELECT serial FROM punches")}
            sources = {row[0] for row in db.execute("SELECT source FROM quarantine")}
    assert serials <= set(config.devices)
    assert {source.removeprefix("zkteco-push:") for source in sources} <= set(config.devices)


# ---------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site CA, the gateway's server certificate, and two terminal client certificates (openssl)."""
    folder = tmp_path_factory.mktemp("pki")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True, timeout=60)

    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=site CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    )
    for name, extra in (("server", ["-addext", "subjectAltName=IP:127.0.0.1"]), ("gate-1", []), ("intruder", [])):
        openssl(
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            f"/CN={name}",
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.csr",
            *extra,
        )
        openssl(
            "x509",
            "-req",
            "-in",
            f"{name}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            f"{name}.pem",
            "-copy_extensions",
            "copy",
        )
    return folder


def client_context(pki: Path, name: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    if name is not None:
        context.load_cert_chain(str(pki / f"{name}.pem"), str(pki / f"{name}.key"))
    return context


def test_uploads_over_mutual_tls_need_the_terminals_certificate(pki: Path, tmp_path: Path, clock: Clock) -> None:
    config = parse_config(SITE_YAML.replace('    zone: "+08:00"\n', '    zone: "+08:00"\n    certificate: gate-1\n'))
    tls = tls_context(str(pki / "server.pem"), str(pki / "server.key"), str(pki / "ca.pem"))
    with (
        Outbox(tmp_path / "tls.db", clock=clock) as outbox,
        PushServer(AdmsProtocol(Intake(config, outbox, clock=clock)), "127.0.0.1", 0, tls, FAST) as server,
    ):
        url = f"https://127.0.0.1:{server.port}"
        assert HttpTerminals(url, tls=client_context(pki, "gate-1")).upload(SN, RECORD) == "OK: 1"
        with pytest.raises(RuntimeError, match="unreachable"):  # no client certificate: no handshake
            HttpTerminals(url, retry_delay=0, attempts=1, tls=client_context(pki, None)).upload(SN, RECORD)
        with pytest.raises(RuntimeError, match="unreachable"):  # plain HTTP to the TLS port
            HttpTerminals(url.replace("https", "http"), retry_delay=0, attempts=1).upload(SN, RECORD)
        intruder = http.client.HTTPSConnection(
            "127.0.0.1", server.port, timeout=5, context=client_context(pki, "intruder")
        )
        intruder.request("POST", f"/iclock/cdata?SN={SN}&table=ATTLOG", RECORD.replace("1001", "1002").encode())
        assert intruder.getresponse().status == 403  # a certificate of the site's CA, but not gate-1's
        assert [p.employee for p in outbox.pending(5)] == ["alice"]
        stalled = socket.create_connection(("127.0.0.1", server.port))  # a handshake that never starts
        time.sleep(FAST.head + 0.5)
        assert stalled.recv(1) == b""
        stalled.close()
