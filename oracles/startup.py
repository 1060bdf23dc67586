"""What the gateway's long-running commands (`oracle serve`, `oracle cosign`) share at start: the
options every gateway process is given, where the statute is deployed, TLS, the contract ABIs,
checked addresses and keys, and the signal that stops them.

Apart from `oracles.cli` because both commands use each piece, and each piece turns a user's
mistake into one sentence (`UsageError`) before anything listens or sends.
"""

from __future__ import annotations

import argparse
import signal
import ssl
import threading
from pathlib import Path
from typing import Any

from eth_utils.address import is_address, to_checksum_address

from chain.operator import DEPLOYMENT_FILE, DeploymentRecord
from compiler.artifacts import compile_statutes
from lawdsl import terminal
from lawdsl.ast import Domain
from lawdsl.cli import UsageError
from lawdsl.load import load_statute

from .gateway import DEFAULT_LAW
from .http_service import tls_context

console = terminal.console(stderr=True)


def gateway_arguments(parser: argparse.ArgumentParser, outbox: str, port: int, port_name: str) -> None:
    """What every gateway process is given: its outbox, the chain and statute it serves, where it listens."""
    parser.add_argument("--outbox", required=True, metavar="PATH", help=outbox)
    parser.add_argument("--rpc", metavar="URL", help="JSON-RPC endpoint of the chain (default: --deployment's)")
    parser.add_argument("--statute", metavar="ADDR", help="the working-time statute contract (default: --deployment's)")
    parser.add_argument(
        "--law",
        metavar="FILE",
        help="a working-time statute, for the contract's ABI (default: --deployment's, else statutes/overtime.law)",
    )
    parser.add_argument(
        "--deployment",
        default=DEPLOYMENT_FILE,
        metavar="FILE",
        help=f"the file `lawdsl deploy` wrote, read when --rpc or --statute is not given "
        f"(default: ./{DEPLOYMENT_FILE})",
    )
    parser.add_argument(
        "--listen",
        type=listen_address,
        default=("127.0.0.1", port),
        metavar="HOST:PORT",
        help=f"where {port_name} listens (default 127.0.0.1:{port}, this machine only; port 0: "
        "any free port, printed; 0.0.0.0 or [::] for every interface)",
    )


def tls_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tls-cert",
        metavar="PEM",
        help="serve the ADMS receiver over TLS with this certificate (chain); needs --tls-key",
    )
    parser.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")
    parser.add_argument(
        "--tls-client-ca",
        metavar="PEM",
        help="require a client certificate issued by this CA (a device's `certificate:` in "
        "--config names the common name it must present)",
    )


def listen_address(text: str) -> tuple[str, int]:
    """HOST:PORT (`[::1]:8081` for IPv6) for --listen."""
    host, colon, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not colon or not host or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT, e.g. 127.0.0.1:8081 or 0.0.0.0:8081")
    return host, int(port)


def receiver_tls(args: argparse.Namespace) -> ssl.SSLContext | None:
    """The ADMS receiver's TLS context from --tls-cert/--tls-key/--tls-client-ca; None without them."""
    if not (args.tls_cert or args.tls_key or args.tls_client_ca):
        return None
    if not (args.tls_cert and args.tls_key):
        raise UsageError("TLS needs both --tls-cert and --tls-key")
    try:
        return tls_context(args.tls_cert, args.tls_key, args.tls_client_ca)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(f"cannot load the TLS certificate, key or client CA: {exc}") from exc


def warn_if_exposed(host: str, what: str) -> None:
    """One warning when a receiver listens on every interface (docs/oracles.md, "Threat model")."""
    if host in ("0.0.0.0", "::", ""):
        console.print(
            f"warning: {what} listens on every interface; only terminals in the config's `allow` "
            "networks are served, but put it behind TLS (--tls-cert) or a firewall as well"
        )


def where_deployed(args: argparse.Namespace) -> None:
    """Fill --rpc, --statute and --law from the deployment file where they are not given."""
    args.registry = None
    if not (args.rpc and args.statute) or Path(args.deployment).is_file():
        record = DeploymentRecord.load(Path(args.deployment))
        args.rpc = args.rpc or record.rpc
        args.statute = args.statute or record.statute
        args.law = args.law or record.law
        if is_address(args.statute) and to_checksum_address(args.statute) == to_checksum_address(record.statute):
            args.registry = (record.registry, record.title)  # its later versions are followed too
    args.law = args.law or str(DEFAULT_LAW)


def stop_on_signal() -> threading.Event:
    """An event SIGTERM or Ctrl-C sets: how `serve` and `cosign` are stopped, cleanly even while
    they are still starting."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def domain_abis(laws: dict[Domain, str]) -> dict[Domain, list[dict[str, Any]]]:
    """The ABI for each kind of contract `serve` talks to, from one statute of its domain each,
    compiled in one solc call (a statute's generated part adds no external function)."""
    statutes = {}
    for domain, law in laws.items():
        statute = load_statute(law)
        if statute.header.domain is not domain:
            raise UsageError(f"{law} is a {statute.header.domain.value} statute; a {domain.value} one is needed")
        statutes[domain] = statute
    artifacts = compile_statutes(statutes.values())
    return {domain: artifacts[statute.header.title].abi for domain, statute in statutes.items()}


def addresses(values: list[str], option: str) -> list[str]:
    """Contract addresses given to `option`, checked: a typo is an error, not a silent no-op duty."""
    for value in values:
        if not is_address(value):
            raise UsageError(f"{option} {value!r} is not an address (0x and 40 hex digits)")
    return values


def hex_key(text: str, option: str) -> bytes:
    try:
        key = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        key = b""
    if len(key) != 32:
        raise UsageError(f"{option} must be a private key: 32 bytes as 64 hex digits")
    return key


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
