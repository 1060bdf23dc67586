"""A small site shared by the oracle tests: two terminals, three employees, a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from oracles.devices.config import GatewayConfig, parse_config
from oracles.devices.intake import Intake
from oracles.outbox import Outbox

NOW = dt.datetime(2026, 3, 10, 4, 0, tzinfo=dt.timezone.utc)  # 12:00 at the site (+08:00)
SITE = dt.timezone(dt.timedelta(hours=8))

SITE_YAML = """\
gateway:
  future_tolerance: 5m
  duplicate_window: 60s
  push: {delay: 10, error_delay: 30, trans_interval: 1, trans_times: "00:00;14:05", realtime: true}
devices:
  CQZ7224460246:
    label: gate-1
    zone: "+08:00"
  BWXP203960011:
    label: gate-2
    zone: Asia/Shanghai
    address: 192.168.1.201
    employees:
      "0042": carol     # enrolled only on this terminal
employees:
  "1001": alice
  "1002": bob
"""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def at(text: str) -> dt.datetime:
    """A site-local time, '2026-03-09 08:00' → aware +08:00."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SITE)


@pytest.fixture
def config() -> GatewayConfig:
    return parse_config(SITE_YAML, "site.yaml")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outbox(tmp_path: Path, clock: Clock) -> Iterator[Outbox]:
    with Outbox(tmp_path / "outbox.db", clock=clock) as box:
        yield box


@pytest.fixture
def intake(config: GatewayConfig, outbox: Outbox, clock: Clock) -> Intake:
    return Intake(config, outbox, clock=clock)
