"""`lawdsl oracle serve | import | simulate | status | cosign`: the gateway from the command line.

- `serve` runs the ADMS receiver, the submitter and the keeper over one outbox
  (see `oracles.gateway`), until SIGTERM or Ctrl-C. Besides the statute's own
  settlements the keeper can reclaim expired voucher programs (`--vouchers`)
  and award tenders, accept deliveries the inspector left unjudged past their
  window and close tenders whose winner defaulted (`--tender`). With `--quorum LABEL=ADDR` a terminal's
  batches are signed by a k-of-n reporter quorum: this gateway's
  `--reporter-key` and its peers' `oracle cosign` endpoints (`--cosigner`).
- `import` admits a CSV export into the outbox; a running `serve` sends it.
- `simulate` generates a site's attendance (`oracles.devices.simulator`) and
  uploads it as terminals would: ATTLOG over HTTP to a running `serve`
  (`--url`), or through the same ADMS protocol handler straight into an
  outbox (`--outbox`). `--write-config` writes the simulated site's
  configuration, for `serve --config`.
- `status` reads an outbox: punches per state, lag, quarantine reasons, the
  newest errors, the submitter's journal and the keeper's calls.
- `cosign` is a peer gateway's co-signing endpoint for a k-of-n reporter
  quorum (`oracles.quorum`): it signs a batch only if it received every punch
  in it itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from contextlib import ExitStack
from pathlib import Path

from eth_abi.exceptions import DecodingError

from chain.contract import ContractClient
from chain.keys import KeyProblem
from chain.rpc import Rpc, RpcError, RpcUnavailable
from compiler.solc import PROJECT_ROOT
from lawdsl.ast import Domain
from lawdsl.cli import UsageError

from .devices.config import load_config
from .devices.intake import Intake
from .devices.zkteco_push import AdmsProtocol, PushServer
from .gateway import Gateway
from .keeper import DeliveryAcceptance, Duty, TenderAward, UndeliveredClosing, VoucherReclaim
from .outbox import Outbox
from .preflight import Refused, preflight
from .quorum import CosignServer, Witness, statute_domain
from .signers import batch_signer, site_keys
from .startup import (
    addresses,
    console,
    domain_abis,
    gateway_arguments,
    hex_key,
    listen_address,
    receiver_tls,
    stop_on_signal,
    tls_arguments,
    url_host,
    warn_if_exposed,
    where_deployed,
)
from .status import cmd_status
from .uploads import cmd_import, cmd_simulate

#: Any statute of a domain has its domain's external interface: these supply the ABIs by default.
DEFAULT_VOUCHERS_LAW = PROJECT_ROOT / "statutes" / "vouchers.law"
DEFAULT_TENDER_LAW = PROJECT_ROOT / "statutes" / "procurement.law"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    oracle = commands.add_parser("oracle", help="the attendance gateway: receive, submit, keep time")
    sub = oracle.add_subparsers(dest="oracle_command", required=True, metavar="SUBCOMMAND")

    serve = sub.add_parser(
        "serve",
        help="receive terminal uploads and send punches to the chain",
        description="Receive ZKTeco ADMS uploads into the outbox, send the punches to the working-time statute, "
        "and keep time: a keeper sends what time alone makes due, judged by the latest block's "
        "timestamp — the statute's weekly or monthly settlements always, and, for each contract "
        "named with --vouchers or --tender, the voucher program's reclaim once its validity period "
        "has ended; each tender's award once its reveal period has closed, each delivery left unjudged "
        "once its inspection window has passed, and each undelivered tender once its deadline and grace "
        "have passed. With --quorum, "
        "a terminal registered as a k-of-n ReporterQuorum has its batches signed by this gateway's "
        "--reporter-key and its --cosigner peers; a batch the peers refuse (they never received a "
        "punch in it) waits and is offered again, and `oracle status` shows the refusal.",
    )
    serve.add_argument("--config", required=True, metavar="FILE", help="gateway.yaml (devices, PINs)")
    gateway_arguments(serve, "the outbox SQLite file", 8081, "the ADMS receiver")
    tls_arguments(serve)
    serve.add_argument("--batch", type=int, default=200, metavar="N", help="punches per transaction")
    serve.add_argument("--relayer-key", metavar="HEX", help="the relaying account's raw key (prefer --key)")
    serve.add_argument(
        "--key",
        metavar="NAME",
        help="the relaying account's keystore (one per gateway process); "
        "terminals and employees named in --config sign and are paid with the keystores of "
        "the same names (password: $LAWDSL_PASSWORD or a prompt)",
    )
    serve.add_argument(
        "--keys-dir", metavar="DIR", help="where keystores live (default: $LAWDSL_KEYS or ~/.lawdsl/keys)"
    )
    serve.add_argument(
        "--dev-keys",
        action="store_true",
        help="use the public label-derived test keys where no keystore is named: test chains only",
    )
    serve.add_argument(
        "--vouchers",
        action="append",
        default=[],
        metavar="ADDR",
        help="a voucher program: reclaim its unspent funds once block time reaches its reclaimFrom (repeatable)",
    )
    serve.add_argument(
        "--tender",
        action="append",
        default=[],
        metavar="ADDR",
        help="a procurement statute: award each tender once block time passes the end of its "
        "reveal period, accept deliveries left unjudged past their inspection window and close "
        "tenders not delivered by their deadline and grace (repeatable)",
    )
    serve.add_argument(
        "--vouchers-law",
        default=str(DEFAULT_VOUCHERS_LAW),
        metavar="FILE",
        help="a voucher statute, for the programs' ABI (default: statutes/vouchers.law)",
    )
    serve.add_argument(
        "--tender-law",
        default=str(DEFAULT_TENDER_LAW),
        metavar="FILE",
        help="a procurement statute, for the ABI (default: statutes/procurement.law)",
    )
    serve.add_argument(
        "--quorum",
        action="append",
        default=[],
        metavar="LABEL=ADDR",
        help="the terminal LABEL (of --config) is registered as the ReporterQuorum contract at "
        "ADDR: its batches are signed by --reporter-key and the --cosigner peers until the "
        "quorum's threshold is met, each peer signing only punches it received itself; "
        "threshold and reporters are read from the contract (repeatable: one quorum per "
        "label; see docs/oracles.md, k-of-n)",
    )
    serve.add_argument(
        "--reporter-key", metavar="HEX", help="this gateway's own reporter key in the quorums; it signs first"
    )
    serve.add_argument(
        "--cosigner",
        action="append",
        default=[],
        metavar="URL",
        help="a peer gateway running `oracle cosign` (http://host:port), asked in the order given (repeatable)",
    )
    serve.add_argument(
        "-v", "--verbose", action="store_true", help="log every step, among them each keeper call as it is sent"
    )
    serve.set_defaults(func=cmd_serve)

    cosign = sub.add_parser(
        "cosign",
        help="a peer gateway's co-signing endpoint for a k-of-n reporter quorum",
        description="Serve POST /cosign: sign a punch batch of the quorum's device with this gateway's "
        "reporter key only if every punch in it is in this gateway's own outbox (the one its "
        "`oracle serve` fills) and the digest is that batch's (docs/oracles.md, k-of-n).",
    )
    gateway_arguments(cosign, "this gateway's outbox", 8082, "the co-signing endpoint")
    cosign.add_argument("--quorum", required=True, metavar="ADDR", help="the ReporterQuorum registered as the device")
    cosign.add_argument("--reporter-key", required=True, metavar="HEX", help="this gateway's reporter key")
    cosign.add_argument(
        "--config",
        metavar="FILE",
        help="gateway.yaml: also receive the terminals' ADMS uploads into --outbox (the terminal, "
        "or a mirror in front of it, sends them to every gateway of the quorum)",
    )
    cosign.add_argument(
        "--adms-listen",
        type=listen_address,
        default=("127.0.0.1", 8081),
        metavar="HOST:PORT",
        help="with --config: where the ADMS receiver listens (default 127.0.0.1:8081; port 0: any free port, printed)",
    )
    tls_arguments(cosign)
    cosign.set_defaults(func=cmd_cosign)

    import_ = sub.add_parser("import", help="admit a CSV export (device,employee,time,kind) into the outbox")
    import_.add_argument("file", metavar="FILE.csv")
    import_.add_argument("--config", required=True, metavar="FILE")
    import_.add_argument("--outbox", required=True, metavar="PATH")
    import_.set_defaults(func=cmd_import)

    sim = sub.add_parser("simulate", help="upload simulated attendance as terminals would")
    sim.add_argument("--employees", type=int, required=True, metavar="N")
    sim.add_argument("--days", type=int, required=True, metavar="D")
    sim.add_argument("--devices", type=int, default=2, metavar="N")
    sim.add_argument("--start", type=dt.date.fromisoformat, metavar="DATE", help="first day (default: D + 1 days ago)")
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--clean", action="store_true", help="no anomalies, no clock skew")
    sim.add_argument("--per-upload", type=int, default=50, metavar="N", help="records per ATTLOG upload")
    sim.add_argument("--config", metavar="FILE", help="use this site instead of a simulated one")
    sim.add_argument("--write-config", metavar="FILE", help="write the simulated site's gateway.yaml and stop")
    target = sim.add_mutually_exclusive_group()
    target.add_argument("--url", metavar="URL", help="a running `oracle serve` (http://host:port)")
    target.add_argument("--outbox", metavar="PATH", help="admit straight into this outbox")
    sim.set_defaults(func=cmd_simulate)

    status = sub.add_parser("status", help="punches per state, lag, quarantine reasons, last errors")
    status.add_argument("--outbox", required=True, metavar="PATH")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)


def cmd_serve(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    where_deployed(args)
    config = load_config(args.config)
    try:
        key, device_key, employee_address = site_keys(args, config)
    except KeyProblem as problem:
        raise UsageError(str(problem)) from None
    stop = stop_on_signal()
    laws = {
        Domain.WORKING_TIME: args.law,
        **({Domain.VOUCHERS: args.vouchers_law} if args.vouchers else {}),
        **({Domain.PROCUREMENT: args.tender_law} if args.tender else {}),
    }
    abis = domain_abis(laws)
    rpc = Rpc(args.rpc)
    duties: list[Duty] = [
        VoucherReclaim(ContractClient(rpc, address, abis[Domain.VOUCHERS]))
        for address in addresses(args.vouchers, "--vouchers")
    ]
    for address in addresses(args.tender, "--tender"):
        tender = ContractClient(rpc, address, abis[Domain.PROCUREMENT])
        duties += [TenderAward(tender), DeliveryAcceptance(tender), UndeliveredClosing(tender)]
    tls = receiver_tls(args)
    host, port = args.listen
    warn_if_exposed(host, "the ADMS receiver")
    signer = batch_signer(args, config, rpc, device_key)
    gateway = Gateway(
        config,
        args.outbox,
        args.rpc,
        args.statute,
        abis[Domain.WORKING_TIME],
        (host, port),
        key,
        args.batch,
        duties,
        signer,
        tls,
        employee_address,
        args.registry,
    )
    found = preflight(gateway.statute, config, gateway.submitter.relayer.address, gateway.submitter.journal, signer)
    for warning in found.warnings:
        console.print(f"warning: {warning}")
    if found.fatal:
        gateway.server.server_close()
        gateway.outbox.close()
        raise UsageError("; ".join(found.fatal))
    try:
        gateway.start()
    except Refused as exc:
        gateway.server.server_close()
        gateway.outbox.close()
        raise UsageError(str(exc)) from None
    print(f"listening on {'https' if tls else 'http'}://{url_host(host)}:{gateway.server.port}", flush=True)
    stop.wait()
    console.print(f"stopping: no more uploads taken; sending what is in flight (up to {DRAIN_SECONDS:g} s)")
    left = gateway.stop(drain=DRAIN_SECONDS)
    console.print(
        "stopped: every punch reached the chain"
        if not left
        else f"stopped: {left} punch(es) wait in the outbox for the next start"
    )
    return 0


#: How long SIGTERM lets punches in flight reach the chain before the gateway exits.
DRAIN_SECONDS = 10.0


# ---------------------------------------------------------------- cosign


def cmd_cosign(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    where_deployed(args)
    stop = stop_on_signal()
    [quorum, statute_address] = addresses([args.quorum, args.statute], "--quorum/--statute")
    key = hex_key(args.reporter_key, "--reporter-key")
    config = load_config(args.config) if args.config else None
    if config is None and not Path(args.outbox).is_file():
        raise UsageError(
            f"no outbox at {args.outbox}: fill it (`oracle import`, `oracle simulate --outbox`) "
            "or receive the terminals' uploads with --config"
        )
    abi = domain_abis({Domain.WORKING_TIME: args.law})[Domain.WORKING_TIME]
    try:
        domain = statute_domain(ContractClient(Rpc(args.rpc), statute_address, abi))
    except (RpcUnavailable, RpcError, DecodingError) as exc:
        raise UsageError(f"cannot read the EIP-712 domain of statute {statute_address} at {args.rpc}: {exc}") from exc
    with ExitStack() as running:
        outbox = running.enter_context(Outbox(args.outbox))  # one connection: receiver and witness
        if config is not None:
            tls = receiver_tls(args)
            adms_host, adms_port = args.adms_listen
            warn_if_exposed(adms_host, "the ADMS receiver")
            receiver = running.enter_context(
                PushServer(AdmsProtocol(Intake(config, outbox)), adms_host, adms_port, tls)
            )
            print(
                f"receiving terminal uploads on {'https' if tls else 'http'}://{url_host(adms_host)}:{receiver.port}",
                flush=True,
            )
        witness = Witness(outbox, domain, quorum, key)
        host, port = args.listen
        server = running.enter_context(CosignServer(witness, host, port))
        print(f"co-signing as reporter {witness.address} on http://{url_host(host)}:{server.port}/cosign", flush=True)
        stop.wait()
    return 0
