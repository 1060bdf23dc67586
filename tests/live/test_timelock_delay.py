"""An authority whose timelock has a delay, on a node started now, through the CLI only.

`lawdsl deploy --timelock-delay` makes every later act of the authority wait on chain: a mint is
only scheduled, shows in `authority pending` with the call decoded, is refused by `authority
execute` before its time, runs after it, and a cancelled act can never run.
"""

from __future__ import annotations

import datetime as dt
import re
import time

from chain.anvil import LocalAnvil

from .conftest import Operator
from .test_bad_steps import GUIDE_LAW, refused

#: Long enough for the commands before `execute` on a loaded 2-core machine (each starts Python).
DELAY_SECONDS = 45
OPERATION = re.compile(r"operation (0x[0-9a-f]{64}) waits out.* from (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC")


def test_a_delayed_authority_schedules_then_executes(operator: Operator) -> None:
    assert GUIDE_LAW is not None
    (operator.cwd / "minute.law").write_text(GUIDE_LAW.group(1) + "\n")
    with LocalAnvil(None) as node:
        for name in ("authority", "acme"):
            operator.ok("keys", "new", name, "--light-kdf")
        operator.ok("fund", "authority", "acme", "--eth", "10", "--dev-keys", "--rpc", node.url)
        deployed = operator.ok(
            "deploy", "minute.law", "--rpc", node.url, "--key", "authority", "--timelock-delay", f"{DELAY_SECONDS}s"
        )
        assert "holds every act for 45 s" in deployed

        minted = operator.ok("authority", "mint", "acme", "100.00", "--key", "authority")
        match = OPERATION.search(minted)
        assert match is not None, minted
        operation = match.group(1)
        assert "CNY 0.00" in operator.ok("worker", "balance", "acme")  # scheduled, not done

        pending = operator.ok("authority", "pending")
        assert f"{operation}  waiting" in pending
        assert "currency.mint(to=acme (0x" in pending and "amount=CNY 100.00)" in pending

        too_soon = refused(operator("authority", "execute", operation[:10], "--key", "authority"), "not executable")
        assert "currency.mint" in too_soon

        cancelled_mint = OPERATION.search(operator.ok("authority", "mint", "acme", "5.00", "--key", "authority"))
        assert cancelled_mint is not None
        operator.ok("authority", "cancel", cancelled_mint.group(1), "--key", "authority")

        ready = dt.datetime.strptime(match.group(2), "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
        time.sleep(max(0.0, (ready - dt.datetime.now(dt.UTC)).total_seconds()) + 2)
        executed = operator.ok("authority", "execute", operation[:10], "--key", "authority")
        assert "executed currency.mint" in executed
        assert "CNY 100.00" in operator.ok("worker", "balance", "acme")

        refused(operator("authority", "execute", operation, "--key", "authority"), "executed already")
        refused(operator("authority", "execute", cancelled_mint.group(1), "--key", "authority"), "cancelled already")
        assert "nothing waiting" in operator.ok("authority", "pending")
        assert f"{operation}  done" in operator.ok("authority", "pending", "--all")
        refused(operator("authority", "execute", "0xzz", "--key", "authority"), "not an operation id")
