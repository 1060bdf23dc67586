"""docs/operate.md, every command block in order, on a chain started now, with real keystores.

The guide's own commands start the node (`lawdsl chain --node …`), deploy, onboard, run the
gateway, push ZKTeco ADMS uploads over HTTP in real time (a one-minute standard day makes
overtime due within the run), kill the gateway with SIGKILL and restart it, enact version 2 of the
statute and migrate to it. The test then reads what the guide printed: each worker paid exactly
once, alice's pay twice bob's (twice the wage, the same minutes), a shift open at the switch closed
under version 1 and one after it paid under version 2, every punch confirmed, the contract
verified and audited.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess

import pytest

from .conftest import ROOT, Operator

GUIDE = ROOT / "docs" / "operate.md"
PAYMENT = re.compile(r"^  block \d+  CNY (\d+\.\d\d)  article 1  from acme", re.MULTILINE)


def guide_script(node_kind: str) -> str:
    """The guide's ```sh blocks joined, with free ports and (for Hardhat) its node chosen."""
    script = "\n".join(re.findall(r"```sh\n(.*?)```", GUIDE.read_text(), re.DOTALL))
    script = re.sub(r"^NODE_PORT=\d+", f"NODE_PORT={free_port()}", script, flags=re.MULTILINE)
    script = re.sub(r"^GATEWAY_PORT=\d+", f"GATEWAY_PORT={free_port()}", script, flags=re.MULTILINE)
    if node_kind == "hardhat":  # Hardhat keeps no state; everything else is the same
        script = script.replace("--node anvil --state chain-state", "--node hardhat")
    return script


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sections(output: str, name: str) -> list[list[str]]:
    """The amounts of each `lawdsl worker payments NAME` listing in `output`, in order."""
    found = []
    for part in output.split(f"payments to {name} (")[1:]:
        listing = part.split("\ntotal ", 1)[0]
        found.append(PAYMENT.findall(listing))
    return found


@pytest.mark.alone
def test_the_operators_guide_runs_as_written(operator: Operator, node_kind: str) -> None:
    """One node at a time, and after the rest of the suite (`make test` runs it alone): beside other
    tests, twice in a clean clone, a guide stopped right after the gateway's restart (the restarted
    gateway had confirmed bob's punch; a later step never returned). Not understood yet."""
    process = subprocess.Popen(
        ["bash", "-euo", "pipefail", "-c", guide_script(node_kind)],
        cwd=operator.cwd,
        env=operator.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=900)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever the guide left running
        except ProcessLookupError:
            pass
    assert process.returncode == 0, f"{out}\n{err}\n{logs(operator)}"
    check_guide_output(out)


def logs(operator: Operator) -> str:
    """What the node and the gateway wrote: a step that stopped the guide says why there."""
    return "\n".join(
        f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for log in sorted(operator.cwd.glob("*.log"))
    )


def check_guide_output(out: str) -> None:
    """Each worker paid exactly once (and still once after the gateway's SIGKILL), alice twice bob's,
    her wallet holding it, every punch confirmed, and the citizen's verify and audit passing."""
    alice, bob = sections(out, "alice"), sections(out, "bob")
    assert len(alice) == 2 and len(alice[0]) == 1, out
    assert len(bob) == 3 and all(len(listing) == 1 for listing in bob), out  # once, still once, then v2
    assert bob[0] == bob[1]
    # Version 2: bob's one-minute shift paid at 200% of CNY 30.00 an hour (version 1: nothing); alice's
    # shift, open at the switch, was closed under version 1, so version 2 paid her nothing.
    assert bob[2] == ["1.00"] and alice[1] == [], out
    assert out.count("registered the employment of ") == 2 and "registered the device gate-1" in out, out
    alice_paid, bob_paid = float(alice[0][0]), float(bob[0][0])
    assert alice_paid > 0 and abs(alice_paid - 2 * bob_paid) < 0.011, out
    assert re.search(rf"^alice \(0x[0-9a-fA-F]{{40}}\): CNY {alice[0][0]}$", out, re.MULTILINE), out  # her wallet
    # Every punch confirmed, before and after the switch: none went to a version without its shift.
    assert re.findall(r"confirmed\s*│\s*(\d+)", out) == ["4", "8"], out
    assert re.findall(r"pending\s*│\s*(\d+)", out) == ["0", "0"], out
    assert re.findall(r"^│ rejected\s*│\s*(\d+) │$", out, re.MULTILINE) == ["0", "0"], out
    assert "exact match" in out and "audit passed" in out, out  # the citizen's checks (exit 0 too)
