"""The ZKTeco ADMS ("PUSH") receiver: attendance terminals upload to us over HTTP.

What a terminal does (PUSH protocol 2.x/3.x, firmware of the last decade):

- On start and every few minutes, the handshake `GET /iclock/cdata?SN=<serial>&options=all&pushver=…`.
  The reply is plain text, one `Key=Value` per LF-terminated line, after a
  first line `GET OPTION FROM: <serial>`. `ATTLOGStamp` tells the terminal
  from which stamp to upload (it keeps the stamp of every upload we answered
  `OK`, and sends it back as `&Stamp=`); `Realtime=1` makes it upload each
  punch as it happens, `TransInterval`/`TransTimes` schedule batch uploads
  otherwise; `Delay` is the command-poll period, `ErrorDelay` the back-off
  after a failed request; `TimeZone` (hours) and the HTTP `Date` header are
  how it sets its clock, which keeps skew small.
- Every `Delay` seconds `GET /iclock/getrequest?SN=…` asks for commands; we
  have none and answer `OK`.
- Uploads `POST /iclock/cdata?SN=…&table=ATTLOG&Stamp=…` with one record per
  line: `PIN⇥YYYY-MM-DD HH:MM:SS⇥status⇥verify⇥workcode⇥reserved⇥reserved`,
  time on the terminal's wall clock, status the punch state (0 in, 1 out, 4/5
  overtime in/out …). The reply `OK: <n>` acknowledges n records; anything
  else (or no answer) and the terminal sends the batch again later.
- Other tables (OPERLOG, ATTPHOTO, USERINFO …), `POST /iclock/devicecmd`
  and `GET /iclock/ping` are answered `OK` and otherwise ignored.

Only configured terminals are served, each from its own `allow` networks
(and, over mutual TLS, with its `certificate`): any other request is refused
403 and logged in one line before anything in it is read as a record. The
protocol's state is never taken from an upload: a terminal's `ATTLOGStamp`
moves only forward, only when the upload stored a record, and never past the
latest stored record's time (docs/oracles.md, "Upload stamps").

The answer `OK` is a promise: the terminal will never send those records
again. So an upload is admitted as one outbox transaction and answered only
after its commit; if the outbox fails, the terminal gets a 503 and retries.
Bad records are quarantined inside that same transaction — they are answered
`OK` too, since re-sending them cannot make them good. Nothing a terminal
sends stops the server: every request gets an answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from ..http_service import (
    DEFAULT_LIMITS,
    BackgroundServer,
    IPAddress,
    KeepAliveHandler,
    Limits,
    Peer,
)
from .intake import Intake
from .records import Admission, CanonicalPunch, Quarantined, Reason

log = logging.getLogger("oracles.devices.zkteco_push")

ATTLOG_TIME = "%Y-%m-%d %H:%M:%S"
_PADDED_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_HEX = re.compile(rb"[0-9A-Fa-f]+")
_DIGITS = re.compile(r"[0-9]+")
MAX_BODY = 16 * 1024 * 1024  # a full terminal log of ~100,000 records is ~5 MB
# Stamps for a terminal we have never heard from: every attendance record it
# holds (redeliveries are harmless), but no history of the other tables.
INITIAL_STAMPS = {"ATTLOG": "0", "OPERLOG": "9999", "ATTPHOTO": "9999"}


@dataclass(frozen=True)
class Reply:
    status: int
    body: str


class BadRecord(ValueError):
    """An ATTLOG line that cannot be read; the message says why."""


def parse_attlog_line(line: str) -> tuple[str, dt.datetime, int]:
    """PIN, wall-clock time and status of one ATTLOG line (verify and work code are not needed)."""
    fields = line.split("\t")
    if len(fields) < 3:
        raise BadRecord(f"expected PIN, time and status separated by tabs, got {len(fields)} field(s)")
    pin, time_text, status_text = (field.strip() for field in fields[:3])
    if not pin:
        raise BadRecord("empty PIN")
    try:  # the zero-padded form terminals send, 10× faster than strptime, which takes the rest
        at = (
            dt.datetime.fromisoformat(time_text)
            if _PADDED_TIME.fullmatch(time_text)
            else dt.datetime.strptime(time_text, ATTLOG_TIME)
        )
    except ValueError:
        raise BadRecord(f"time {time_text!r} is not YYYY-MM-DD HH:MM:SS") from None
    if not status_text.isdigit():
        raise BadRecord(f"status {status_text!r} is not a number")
    return pin, at, int(status_text)


class AdmsProtocol:
    """The ADMS endpoints, apart from HTTP plumbing: (method, path, query, body) → reply."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake

    def handle(self, peer: Peer, method: str, path: str, query: Mapping[str, str], body: bytes) -> Reply:
        """Answer one request from `peer`; never raises.

        Query keys arrive lower-cased (firmware differs on `SN` vs `sn`).
        """
        try:
            refusal = self.refusal(peer, method, path, query)
            if refusal is not None:
                log.warning("refused %s %s from %s: %s", method, path[:64], peer.address, refusal)
                return Reply(403, "ERROR: not allowed")
            return self._route(method, path.rstrip("/"), query, body)
        except sqlite3.Error:
            log.exception("outbox unavailable; %s %s answered 503 so the terminal retries", method, path)
            return Reply(503, "ERROR")
        except Exception:  # a bug must cost one request, not the gateway: the terminal retries after ErrorDelay
            log.exception("failed on %s %s", method, path)
            return Reply(500, "ERROR")

    def refusal(self, peer: Peer, method: str, path: str, query: Mapping[str, str]) -> str | None:
        """Why `peer` may not make this request, or None: the serial must be configured, the
        address in its `allow` networks, and its `certificate` (if set) the one presented."""
        serial = query.get("sn", "").strip()
        if not path.startswith("/iclock/") or not serial:
            return None  # answered 404 / 400 by the route, touching nothing
        device = self.intake.config.devices.get(serial)
        if device is None:
            return f"unknown serial {serial[:64]!r}"
        if not device.allows(peer.address):
            return f"terminal {serial} may not upload from {peer.address}"
        if device.certificate is not None and peer.certificate != device.certificate:
            return f"terminal {serial} must present certificate {device.certificate!r}, not {peer.certificate!r}"
        return None

    def _route(self, method: str, path: str, query: Mapping[str, str], body: bytes) -> Reply:
        if not path.startswith("/iclock/"):
            return Reply(404, "Not Found")
        serial = query.get("sn", "").strip()
        if not serial:
            log.warning("%s %s without SN", method, path[:64])
            return Reply(400, "ERROR: missing SN")
        endpoint = path.removeprefix("/iclock/")
        if endpoint == "cdata" and method == "GET":
            return Reply(200, self.handshake(serial))
        if endpoint == "cdata" and method == "POST":
            return self.upload(serial, query.get("table", "").upper(), query.get("stamp"), body)
        if endpoint not in ("getrequest", "devicecmd", "ping"):
            log.info("%s from %s: unknown endpoint %s, answered OK", method, serial, path)
        return Reply(200, "OK")

    def handshake(self, serial: str) -> str:
        options = self.intake.config.push
        device = self.intake.config.devices[serial]
        lines = [f"GET OPTION FROM: {serial}"]
        for table, initial in INITIAL_STAMPS.items():
            lines.append(f"{table}Stamp={self.intake.outbox.stamp(serial, table) or initial}")
        lines += [
            f"ErrorDelay={options.error_delay}",
            f"Delay={options.delay}",
            f"TransTimes={options.trans_times}",
            f"TransInterval={options.trans_interval}",
            "TransFlag=TransData AttLog\tOpLog",
        ]
        offset = dt.datetime.now(device.zone).utcoffset() or dt.timedelta()
        lines.append(f"TimeZone={offset / dt.timedelta(hours=1):g}")
        lines += [f"Realtime={int(options.realtime)}", "Encrypt=None"]
        return "".join(f"{line}\n" for line in lines)

    def upload(self, serial: str, table: str, stamp: str | None, body: bytes) -> Reply:
        text = body.decode("utf-8", errors="replace")
        lines = [line.rstrip("\r") for line in text.split("\n") if line.strip()]
        with self.intake.batch():
            if table == "ATTLOG":
                admissions = [self.attlog_record(serial, line) for line in lines]
                log.info(
                    "ATTLOG from %s: %d record(s), %d quarantined",
                    serial,
                    len(admissions),
                    sum(isinstance(a, Quarantined) for a in admissions),
                )
                stored = [
                    a.at if isinstance(a, CanonicalPunch) else a.punch.at
                    for a in admissions
                    if not isinstance(a, Quarantined)
                ]
                self._advance_stamp(serial, stamp, stored)
            else:
                log.info("%s from %s: %d line(s) ignored", table or "upload without table", serial, len(lines))
        return Reply(200, f"OK: {len(lines)}" if table == "ATTLOG" else "OK")

    def _advance_stamp(self, serial: str, claimed: str | None, stored: list[dt.datetime]) -> None:
        """Take the terminal's `Stamp` only as far as this upload proves it: a whole number, past
        the one we hold, not beyond the latest record stored from it (as Unix seconds, which is
        above both the terminals' own time encoding and a record counter)."""
        if not stored or claimed is None or not _DIGITS.fullmatch(claimed.strip()) or len(claimed.strip()) > 19:
            return
        value = int(claimed)
        current = self.intake.outbox.stamp(serial, "ATTLOG")
        if current is not None and _DIGITS.fullmatch(current) and value <= int(current):
            return
        if value > max(stored).timestamp():
            log.warning(
                "ATTLOG from %s claims stamp %d, past its latest record %s: not taken",
                serial,
                value,
                max(stored).isoformat(),
            )
            return
        self.intake.outbox.set_stamp(serial, "ATTLOG", str(value))

    def attlog_record(self, serial: str, line: str) -> Admission:
        source = f"zkteco-push:{serial}"
        if "\ufffd" in line:
            return self.intake.reject(line, source, Reason.MALFORMED, "bytes that are not UTF-8")
        try:
            pin, at, status = parse_attlog_line(line)
        except BadRecord as exc:
            return self.intake.reject(line, source, Reason.MALFORMED, str(exc))
        return self.intake.device_record(line, source, serial, pin, at, status)


class _BadFraming(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Handler(KeepAliveHandler):
    """HTTP/1.1 with keep-alive, as terminals use it; the protocol itself is `AdmsProtocol`."""

    server: PushServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        query = {key.lower(): value for key, value in parse_qsl(url.query, keep_blank_values=True)}
        protocol = self.server.protocol
        if protocol.refusal(self.peer, self.command, url.path, query) is not None:
            self.close_connection = True  # its body is never read
            self._send(protocol.handle(self.peer, self.command, url.path, query, b""))
            return
        try:
            self.receiving_body()
            body = self._read_body()
        except _BadFraming as exc:
            log.warning("%s %s from %s: %s", self.command, url.path[:64], self.client_address[0], exc)
            self.close_connection = True  # the rest of the stream cannot be trusted
            self._send(Reply(exc.status, f"ERROR: {exc}"))
            return
        self._send(protocol.handle(self.peer, self.command, url.path, query, body))

    def _read_body(self) -> bytes:
        encoding = self.headers.get("Transfer-Encoding")
        if encoding is not None:
            if encoding.strip().lower() != "chunked" or "Content-Length" in self.headers:
                raise _BadFraming(400, f"Transfer-Encoding {encoding[:32]!r} is not plain chunked")
            return self._read_chunked()
        lengths = self.headers.get_all("Content-Length") or ["0"]
        length_text = lengths[0].strip()
        if len(lengths) > 1 or not _DIGITS.fullmatch(length_text):
            raise _BadFraming(400, f"Content-Length {', '.join(lengths)[:32]!r} is not one number")
        if len(length_text) > 12:
            raise _BadFraming(413, f"body of {length_text[:32]} bytes is over {MAX_BODY}")
        length = int(length_text)
        if length > MAX_BODY:
            raise _BadFraming(413, f"body of {length} bytes is over {MAX_BODY}")
        body = self.rfile.read(length)
        if len(body) < length:
            raise _BadFraming(400, f"body ended after {len(body)} of {length} bytes")
        return body

    def _read_chunked(self) -> bytes:
        """RFC 9112 chunks, strictly: hex digits only (no sign, no `0x`, no spaces inside), each
        chunk followed by CRLF, at most 100 trailer lines: anything else is 400, a size that
        would pass `MAX_BODY` is 413 before a byte of it is read."""
        body = bytearray()
        while True:
            line = self.rfile.readline(1024)
            size_text = line.split(b";")[0].strip()
            if not line.endswith(b"\n") or not _HEX.fullmatch(size_text):
                raise _BadFraming(400, f"bad chunk size {size_text[:32]!r}")
            if len(size_text) > 8 or len(body) + int(size_text, 16) > MAX_BODY:
                raise _BadFraming(413, f"chunked body is over {MAX_BODY} bytes")
            size = int(size_text, 16)
            if size == 0:
                for _ in range(100):  # trailers, up to the blank line
                    trailer = self.rfile.readline(1024)
                    if not trailer.endswith(b"\n"):
                        raise _BadFraming(400, "chunked body ended inside its trailers")
                    if not trailer.strip():
                        return bytes(body)
                raise _BadFraming(400, "more than 100 trailer lines")
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                raise _BadFraming(400, f"chunk ended after {len(chunk)} of {size} bytes")
            body += chunk
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _BadFraming(400, "a chunk is not followed by CRLF")

    def _send(self, reply: Reply) -> None:
        self.reply(reply.status, "text/plain", reply.body.encode())


class PushServer(BackgroundServer):
    """The receiver on a TCP port (port 0 picks a free one; see `port`): loopback unless told
    otherwise, TLS with an `ssl_context`; connections only from some terminal's `allow` networks."""

    thread_name = "adms-receiver"

    def __init__(
        self,
        protocol: AdmsProtocol,
        host: str = "127.0.0.1",
        port: int = 8081,
        ssl_context: ssl.SSLContext | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.protocol = protocol
        super().__init__((host, port), _Handler, ssl_context, limits)

    def admits(self, address: IPAddress) -> bool:
        return self.protocol.intake.config.admits(address)
