"""What the gateway's two HTTP endpoints share: the ADMS receiver terminals push to and the
co-signing endpoint peer gateways ask.

Both speak HTTP/1.1 with keep-alive and answer with one small body, and
both run inside a longer-lived process (the gateway, `oracle cosign`,
tests), so they serve from a background thread and stop cleanly.

Both face a network, so the server defends its threads (docs/oracles.md,
"Threat model"):
- a connection from a source the server does not admit (`admits`) is closed
  before a byte is read;
- at most `Limits.per_source` connections per source address and
  `Limits.total` in all: a flood of half-open connections from one host
  cannot take the threads a real terminal needs;
- a watchdog closes a connection that has not delivered a complete request
  head within `Limits.head` seconds of starting to wait for it (slowloris
  sends one header byte at a time, which a per-read timeout never catches),
  or a body within `Limits.body` seconds;
- TLS (`ssl_context`) is negotiated in the connection's own thread, under the
  same deadline, so a client that never finishes its handshake holds one
  slot of its own source's quota, not the accept loop;
- resets, timeouts and refused handshakes are logged in one line each.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

log = logging.getLogger("oracles.http")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Limits:
    """How long a connection may take and how many there may be."""

    head: float = 20.0  # seconds from waiting for a request to having its request line and headers
    body: float = 60.0  # seconds to receive a body (a full terminal log of ~5 MB on a slow link)
    per_source: int = 16  # open connections per source address
    total: int = 256  # open connections in all


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Peer:
    """Who is on the other end of a connection: its address and, over mutual TLS, the verified
    client certificate's common name."""

    address: IPAddress
    certificate: str | None = None

    @classmethod
    def local(cls) -> Peer:
        """This process itself (records admitted in-process, `oracle simulate --outbox`)."""
        return cls(ipaddress.ip_address("127.0.0.1"))


def source_address(text: str) -> IPAddress:
    """A socket's peer address as an IP address; an IPv4-mapped IPv6 address as the IPv4 one."""
    address = ipaddress.ip_address(text.split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _common_name(certificate: dict[str, Any] | None) -> str | None:
    for rdn in (certificate or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return None


class KeepAliveHandler(BaseHTTPRequestHandler):
    """A handler that replies with one body over a kept-alive connection."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK: ~40 ms a request over a keep-alive connection (measured), ~2.5 ms without.
    disable_nagle_algorithm = True
    server: BackgroundServer

    def setup(self) -> None:
        super().setup()
        certificate = None
        if isinstance(self.connection, ssl.SSLSocket):
            certificate = _common_name(self.connection.getpeercert())
        self.peer = Peer(source_address(self.client_address[0]), certificate)
        self.overdue = False  # set by the server's watchdog when it closes the connection

    def handle_one_request(self) -> None:
        self.server.watch(self, self.server.limits.head)
        try:
            super().handle_one_request()
        except OSError:
            if not self.overdue:
                raise
            self.close_connection = True  # the watchdog closed it and said so: nothing more to log
        finally:
            self.server.unwatch(self)

    def receiving_body(self) -> None:
        """The head is in; the body now has `Limits.body` seconds."""
        self.server.watch(self, self.server.limits.body)

    def reply(self, status: int, content_type: str, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.client_address[0], format % args)


class BackgroundServer(ThreadingHTTPServer):
    """A threading HTTP server on a TCP port (0: any free one; see `port`), served from a daemon
    thread by `start()` or a `with` block; TLS when given an `ssl_context`."""

    daemon_threads = True
    thread_name = "http"
    request_queue_size = 128  # the listen backlog: a burst of connections is accepted (and judged), not dropped

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        ssl_context: ssl.SSLContext | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, handler)
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.tls = ssl_context is not None
        self.limits = limits
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._open: dict[IPAddress, int] = {}
        self._deadlines: dict[KeepAliveHandler, float] = {}
        self._stopping = threading.Event()
        self._watchdog = threading.Thread(target=self._watch_loop, name=f"{self.thread_name}-watchdog", daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def admits(self, address: IPAddress) -> bool:
        """Whether a connection from `address` is served at all (here: any)."""
        return True

    # ------------------------------------------------------------ connections

    def process_request(self, request: Any, client_address: Any) -> None:
        source = source_address(client_address[0])
        with self._lock:
            refusal = None
            if not self.admits(source):
                refusal = "not an allowed source"
            elif self._open.get(source, 0) >= self.limits.per_source:
                refusal = f"already {self.limits.per_source} connections from it"
            elif sum(self._open.values()) >= self.limits.total:
                refusal = f"already {self.limits.total} connections in all"
            else:
                self._open[source] = self._open.get(source, 0) + 1
        if refusal is not None:
            log.warning("refused a connection from %s: %s", source, refusal)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            if isinstance(request, ssl.SSLSocket) and not self._handshake(request, client_address):
                self.shutdown_request(request)
                return
            super().process_request_thread(request, client_address)
        finally:
            source = source_address(client_address[0])
            with self._lock:
                self._open[source] -= 1
                if not self._open[source]:
                    del self._open[source]

    def _handshake(self, request: ssl.SSLSocket, client_address: Any) -> bool:
        request.settimeout(self.limits.head)
        try:
            request.do_handshake()
        except (OSError, ValueError) as exc:  # ssl.SSLError and timeouts are OSErrors
            log.warning("TLS handshake with %s failed: %s", client_address[0], _one_line(exc))
            return False
        request.settimeout(None)
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line for what a network does to a connection; a traceback only for a bug."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            log.warning("connection from %s ended: %s", client_address[0], _one_line(exc))
        else:
            log.exception("failed serving %s", client_address[0])

    # ------------------------------------------------------------ deadlines

    def watch(self, handler: KeepAliveHandler, seconds: float) -> None:
        with self._lock:
            self._deadlines[handler] = time.monotonic() + seconds

    def unwatch(self, handler: KeepAliveHandler) -> None:
        with self._lock:
            self._deadlines.pop(handler, None)

    def _watch_loop(self) -> None:
        while not self._stopping.wait(0.25):
            now = time.monotonic()
            with self._lock:
                overdue = [handler for handler, deadline in self._deadlines.items() if deadline <= now]
                for handler in overdue:
                    del self._deadlines[handler]
            for handler in overdue:
                handler.overdue = True
                log.warning("closed the connection from %s: no complete request in time", handler.client_address[0])
                try:
                    handler.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already gone

    # ------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        self._watchdog.start()
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, name=self.thread_name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def tls_context(certificate: str, key: str, client_ca: str | None = None) -> ssl.SSLContext:
    """A server context from a PEM certificate (chain) and key; with `client_ca`, every client must
    present a certificate that CA issued (mutual TLS)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certificate, key)
    if client_ca is not None:
        context.load_verify_locations(client_ca)
        context.verify_mode = ssl.CERT_REQUIRED
    return context
