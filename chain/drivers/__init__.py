"""One driver per statute domain: scenario events → transactions; chain logs → outcome entries."""
from __future__ import annotations

from lawdsl.ast import Domain

from .base import Driver


def driver_class(domain: Domain) -> type[Driver]:
    if domain is Domain.WORKING_TIME:
        from .working_time import WorkingTimeDriver
        return WorkingTimeDriver
    if domain is Domain.VOUCHERS:
        from .vouchers import VoucherDriver
        return VoucherDriver
    from .procurement import ProcurementDriver
    return ProcurementDriver
