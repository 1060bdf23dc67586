"""Each statute domain's two sides on chain, in one module per domain (`lawdsl.domains` names it):
the encode side (a `Driver`: scenario events → transactions; logs → outcome entries) and the decode
side (a `Rebuilder`: the calls a contract received → scenario events, for `lawdsl audit`)."""

from __future__ import annotations

from lawdsl.ast import Domain
from lawdsl.domains import implementation

from .driver import Driver
from .rebuild import Rebuilder


def driver_class(domain: Domain) -> type[Driver]:
    driver: type[Driver] = implementation(__name__, domain).DRIVER
    return driver


def rebuilder_class(domain: Domain) -> type[Rebuilder]:
    rebuilder: type[Rebuilder] = implementation(__name__, domain).REBUILDER
    return rebuilder
