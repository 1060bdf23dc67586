"""The authority's delayed acts: what its timelock holds, and executing or cancelling one.

With a delay (`lawdsl deploy --timelock-delay`), an authority command only
schedules its call; it stands on chain for the delay, where anyone can read
it (`lawdsl authority pending`), before the authority executes it
(`lawdsl authority execute ID`) or withdraws it (`lawdsl authority cancel ID`).
An operation is named by its id or any unique prefix of it, as git names commits.
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import replace

from lawdsl.cli import UsageError

from .abi import Abi
from .accounts import AUTHORITY
from .authority import Operation, delay_words, scheduled_operations, utc
from .history import creation_block
from .operator import Refused, Session

#: `--timelock-delay`: a number and a unit (s, m, h, d), or plain seconds.
DELAY = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86_400}


def delay_seconds(text: str) -> int:
    """`--timelock-delay` in seconds: "172800", "2d", "6h", "30m", "45s"."""
    match = DELAY.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a delay: write seconds, or e.g. 2d, 6h, 30m, 45s")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def _now(session: Session) -> int:
    """When the next block will be: a quiet node (anvil mines only on demand) keeps an old latest
    block, whose time would leave a ready operation "waiting" for ever."""
    return max(int(session.chain.w3.eth.get_block("latest")["timestamp"]), int(time.time()))


def _operations(session: Session) -> list[Operation]:
    """The timelock's operations; "waiting" ones whose time has come by the clock read as "ready"."""
    timelock = session.contract("authority")
    now = _now(session)
    return [
        replace(op, state="ready") if op.state == "waiting" and op.ready_at <= now else op
        for op in scheduled_operations(session.chain, timelock, creation_block(session.chain.w3, timelock.address))
    ]


def _what(session: Session, operation: Operation) -> str:
    """Each call of an operation as `contract.function(name=value, …)`, decoded by the deployment's ABIs."""
    assert session.record is not None
    described = []
    for target, data in operation.calls:
        for which in ("statute", "currency", "registry", "authority"):
            if target.lower() != getattr(session.record, which).lower():
                continue
            decoded = Abi(session.contract(which).abi).call(data)
            if decoded is not None:
                name, values = decoded
                shown = ", ".join(f"{k}={session.show_value(k, v)}" for k, v in values.items())
                described.append(f"{which}.{name}({shown})")
                break
        else:
            described.append(f"{target} with data 0x{data[:4].hex()}…")
    return "; ".join(described)


def _find(session: Session, prefix: str) -> Operation:
    wanted = prefix.lower().removeprefix("0x")
    if not re.fullmatch(r"[0-9a-f]{4,64}", wanted):
        raise UsageError(f"{prefix!r} is not an operation id: give at least 4 hex digits (`lawdsl authority pending`)")
    found = [op for op in _operations(session) if op.id.hex().startswith(wanted)]
    if not found:
        raise UsageError(f"no operation {prefix} was scheduled through this deployment's timelock")
    if len(found) > 1:
        raise UsageError(f"{prefix} names {len(found)} operations; give more digits of its id")
    return found[0]


def cmd_pending(args: argparse.Namespace) -> int:
    session = Session.of_deployment(args)
    timelock = session.contract("authority")
    delay = timelock.functions.getMinDelay().call()
    now = _now(session)
    shown = [op for op in _operations(session) if args.all or op.state in ("waiting", "ready")]
    print(f"the authority's timelock {timelock.address}: delay {delay_words(delay)}, now {utc(now)}")
    if not shown:
        print("no operations" if args.all else "nothing waiting: every scheduled operation was executed or cancelled")
    for op in shown:
        when = f"executable from {utc(op.ready_at)}" if op.state in ("waiting", "ready") else op.state
        print(f"0x{op.id.hex()}  {op.state:<9}  {when}")
        print(f"  {_what(session, op)}")
    return 0


def cmd_execute(args: argparse.Namespace) -> int:
    session = Session.signing(args, AUTHORITY)
    operation = _find(session, args.id)
    what = _what(session, operation)
    if operation.state == "waiting":
        raise Refused(
            f"{what} is not executable before {utc(operation.ready_at)} "
            f"(in {delay_words(operation.ready_at - _now(session))})"
        )
    if operation.state in ("done", "cancelled"):
        raise Refused(f"{what} was {'executed' if operation.state == 'done' else 'cancelled'} already")
    session.send(AUTHORITY, operation.execute_call(session.contract("authority")), f"executed {what}")
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    session = Session.signing(args, AUTHORITY)
    operation = _find(session, args.id)
    if operation.state in ("done", "cancelled"):
        raise Refused(f"0x{operation.id.hex()} was {'executed' if operation.state == 'done' else 'cancelled'} already")
    timelock = session.contract("authority")
    session.send(AUTHORITY, timelock.functions.cancel(operation.id), f"cancelled {_what(session, operation)}")
    return 0
