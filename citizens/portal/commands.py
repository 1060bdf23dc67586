"""`lawdsl portal` and `lawdsl ocds`, contributed to the command line through `register`."""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from eth_utils.address import is_address, to_checksum_address

from lawdsl import cli

if TYPE_CHECKING:
    from chain.client import Chain

#: What `lawdsl deploy` prints for the registry (`registry  0x…`); a deploy log can be handed over as is.
REGISTRY_LINE = re.compile(r"^\s*registry\s+(0x[0-9a-fA-F]{40})\s*$", re.MULTILINE)


def registries(values: list[str]) -> list[str]:
    """`--registry` values: addresses, or files holding `lawdsl deploy` output."""
    found = []
    for value in values:
        if is_address(value):
            found.append(to_checksum_address(value))
        elif Path(value).is_file():
            addresses = REGISTRY_LINE.findall(Path(value).read_text("utf-8"))
            if not addresses:
                raise cli.UsageError(f"{value}: no `registry 0x…` line (the output of `lawdsl deploy`)")
            found += [to_checksum_address(a) for a in addresses]
        else:
            raise cli.UsageError(f"--registry {value}: neither an address nor a file")
    return list(dict.fromkeys(found))


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    portal = commands.add_parser("portal", help="the citizens' web page: statutes, payments, workers, tenders")
    portal.add_argument(
        "--rpc", metavar="URL", help="JSON-RPC endpoint (default: a private anvil with the --scenarios replayed)"
    )
    portal.add_argument("--port", type=int, default=8080, help="loopback port (default 8080; 0 = any free)")
    portal.add_argument(
        "--registry",
        action="append",
        default=[],
        metavar="ADDR|FILE",
        help="statute registry address, or a file with `lawdsl deploy` output; repeatable "
        "(default: every registry found on the chain)",
    )
    portal.add_argument(
        "--statutes",
        type=Path,
        metavar="DIR",
        default=None,
        help=".law sources (and scenarios naming the parties), matched to registry entries by "
        "keccak256 (default: ./statutes if present)",
    )
    portal.add_argument(
        "--index",
        type=Path,
        default=Path("build/portal.sqlite"),
        metavar="FILE",
        help="the SQLite index, a cache of the chain (default build/portal.sqlite)",
    )
    portal.add_argument("--rebuild", action="store_true", help="rebuild the index from the chain first")
    portal.add_argument(
        "--scenarios",
        nargs="*",
        metavar="SCENARIO",
        help="without --rpc: scenarios to replay on the private chain (default: those in --statutes)",
    )
    portal.add_argument("--interval", type=float, default=2.0, help="seconds between index updates")
    portal.add_argument(
        "--labels",
        metavar="FILE",
        help="your local file of `0xADDRESS NAME` lines: this portal shows those names "
        "(default: addresses only; names are personal data and stay off the public pages)",
    )
    portal.set_defaults(func=cmd_portal)

    ocds = commands.add_parser("ocds", help="a procurement statute's tenders as OCDS 1.1 releases (JSON)")
    ocds.add_argument("--address", required=True, metavar="ADDR", help="the procurement statute's contract")
    ocds.add_argument("--rpc", required=True, metavar="URL", help="JSON-RPC endpoint of the chain")
    ocds.add_argument(
        "--statutes",
        type=Path,
        metavar="DIR",
        default=None,
        help=".law sources and scenarios: item names and party names (optional)",
    )
    ocds.add_argument("--prefix", default=None, help="OCDS ocid prefix (default ocds-lawdsl)")
    ocds.set_defaults(func=cmd_ocds)


def reachable(rpc: str) -> None:
    """Fail with a sentence, not a traceback, when nothing answers at `rpc`."""
    from web3 import Web3

    try:
        Web3(Web3.HTTPProvider(rpc, request_kwargs={"timeout": 10})).eth.block_number
    except Exception as error:  # connection refused, DNS, not JSON-RPC: all mean the same to the user
        raise cli.UsageError(f"no JSON-RPC node answers at {rpc} ({type(error).__name__})") from None


def _statutes_dir(value: Path | None) -> Path | None:
    if value is not None:
        if not value.is_dir():
            raise cli.UsageError(f"--statutes {value}: not a directory")
        return value
    default = Path("statutes")
    return default if default.is_dir() else None


def cmd_portal(args: argparse.Namespace) -> int:
    from chain.anvil import LocalAnvil
    from chain.client import Chain

    from ..labels import load_labels
    from .server import PortalApp, keep_synced, make_server

    statutes = _statutes_dir(args.statutes)
    wanted = registries(args.registry)
    with ExitStack() as stack:
        rpc = args.rpc
        if rpc is None:
            rpc = stack.enter_context(LocalAnvil()).url
            wanted = wanted or _replay(Chain(rpc), args.scenarios, statutes)
        else:
            reachable(rpc)
        args.index.parent.mkdir(parents=True, exist_ok=True)
        with sync_progress() as progress:
            app = PortalApp(
                rpc,
                args.index,
                wanted,
                statutes,
                rebuild=args.rebuild,
                progress=progress,
                labels=load_labels(args.labels),
            )
        try:
            server = make_server(app, args.port)
        except OSError as error:
            raise cli.UsageError(f"cannot serve on 127.0.0.1:{args.port}: {error.strerror} (try --port 0)") from None
        stop = threading.Event()
        keep_synced(
            app,
            args.interval,
            stop,
            lambda line: print(f"lawdsl portal: {line}", file=sys.stderr, flush=True),
            app.explain_known,
        )
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # leave through `with`: anvil stops
        host, port = server.server_address[:2]
        assert isinstance(host, str)  # an AF_INET server: (host, port)
        print(f"portal: http://{host}:{port}/  (chain {rpc}, index {args.index})", flush=True)
        try:
            server.serve_forever()
        finally:
            stop.set()
            server.server_close()
    return 0


@contextmanager
def sync_progress() -> Iterator[Callable[[int, int], None]]:
    """A progress bar (on stderr) for reading the chain into the index: blocks read of blocks to read."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import Progress as Bar

    from lawdsl.terminal import console

    with Bar(
        TextColumn("indexing blocks"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=False,
    ) as bar:
        task = bar.add_task("index", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield progress


def _replay(chain: Chain, scenarios: list[str] | None, statutes: Path | None) -> list[str]:
    """Replay scenarios on a fresh private chain; returns their registries' addresses."""
    from lawdsl.scenario import load_scenario

    from .demo import replay

    paths = scenarios if scenarios else sorted(str(p) for p in (statutes.glob("*.yaml") if statutes else ()))
    if not paths:
        raise cli.UsageError("without --rpc the portal needs scenarios to replay (--scenarios or --statutes DIR)")
    done = replay([load_scenario(path) for path in paths], chain)
    for item in done:
        print(f"replayed {item.scenario.path.name}: registry {item.deployment.registry.address}", flush=True)
    return [item.deployment.registry.address for item in done]


def cmd_ocds(args: argparse.Namespace) -> int:
    from chain.reader import ChainReader

    from ..ocds import DEFAULT_PREFIX, TenderExport, release_package
    from .sources import address_book, load_sources

    if not is_address(args.address):
        raise cli.UsageError(f"--address {args.address}: not an address")
    statutes = _statutes_dir(args.statutes)
    reachable(args.rpc)
    reader = ChainReader(args.rpc)
    address = to_checksum_address(args.address)
    if reader.call(address, "ceilingPerUnit()", "uint256") is None:
        raise cli.UsageError(f"{address}: not a procurement statute on {args.rpc}")
    head = reader.latest_block()
    enacted = [
        e for r in reader.discover_registries(head) for e in reader.enactments(r, 0, head) if e.statute == address
    ]
    sources = load_sources(statutes)
    source = next((sources[e.law_source_hash] for e in enacted if e.law_source_hash in sources), None)
    statute = source.statute if source else None
    export = TenderExport(reader, address, address_book(statutes), statute, args.prefix or DEFAULT_PREFIX)
    print(json.dumps(release_package(export.releases(), f"urn:lawdsl:ocds:{address}"), indent=2, ensure_ascii=False))
    return 0
