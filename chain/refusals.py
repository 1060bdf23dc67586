"""The contracts' refusals in words: each custom error (and `Error`, `Panic`) as the sentence an
operator reads, naming accounts by key name and amounts in the statute's currency.

Apart from `chain.operator` because it is a table, one row per error the contracts define, that
grows with them (the voucher program's rows: `chain.voucher_refusals`; the tender's are the
interpreter's reasons, added by `chain.procurement_roles`). Each row takes the `Session` (for
names and money) and the error's arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from eth_utils.crypto import keccak

from .authority import delay_words
from .voucher_refusals import VOUCHER_EXPLANATIONS

#: Who holds each role the contracts check, as a refusal tells the user which key to sign with.
ROLE_HOLDERS = {
    "AUTHORITY_ROLE": "the statute's authority",
    "MINTER_ROLE": "the currency's minter (the authority's timelock)",
    "LEGISLATOR_ROLE": "the registry's legislator (the authority's timelock)",
    "PROPOSER_ROLE": "a proposer of the authority's timelock (the authority's key)",
    "EXECUTOR_ROLE": "an executor of the authority's timelock (the authority's key)",
    "ATTESTER_ROLE": "an attester the authority authorized (`lawdsl vouchers authorize-attester`)",
    "BUYER_ROLE": "a buyer the authority registered",
    "GUARDIAN_ROLE": "a guardian the authority appointed",
    "DEFAULT_ADMIN_ROLE": "the contract's admin (the authority's timelock)",
}


def _role_name(role: bytes) -> str:
    for name in ROLE_HOLDERS:
        if (keccak(text=name) if name != "DEFAULT_ADMIN_ROLE" else bytes(32)) == role:
            return name
    return "0x" + role.hex()


EXPLANATIONS: dict[str, Callable[..., str]] = {
    "BeforeEffectiveDate": lambda s, at: s.effective_words(at),
    "AccessControlUnauthorizedAccount": lambda s, who, role: (
        f"{s.name(who)} does not hold {_role_name(role)}: only "
        f"{ROLE_HOLDERS.get(_role_name(role), 'the holder of that role')} may do this (sign with its --key)"
    ),
    "DepositExceedsWallet": lambda s, amount, wallet: (
        f"the deposit of {s.show_money(amount)} is more than the {s.show_money(wallet)} in the firm's wallet"
    ),
    "ERC20InsufficientBalance": lambda s, who, balance, needed: (
        f"{s.name(who)} holds {s.show_money(balance)}, less than the {s.show_money(needed)} needed"
    ),
    "ERC20InsufficientAllowance": lambda s, spender, allowance, needed: (
        f"{s.name(spender)} may move only {s.show_money(allowance)} of the {s.show_money(needed)} needed"
    ),
    "NegativeDeposit": lambda s, amount: f"a deposit cannot be negative ({amount})",
    "NegativeHourlyWage": lambda s, wage: f"an hourly wage cannot be negative ({wage})",
    "EmployedByAnotherEmployer": lambda s, employee, employer: (
        f"{s.name(employee)} is already employed by {s.name(employer)}; that employment must end first"
    ),
    "NotEmployed": lambda s, employee: f"{s.name(employee)} is not employed under this statute",
    "TimeOffNotGrantedByEmployer": lambda s, employee, employer: (
        f"only the employer of {s.name(employee)}, {s.name(employer)}, may grant time off; sign with its --key"
    ),
    "DeviceBoundToAnotherEmployer": lambda s, device, employer: (
        f"device {s.name(device)} is registered to {s.name(employer)}; a device serves one employer"
    ),
    "UnregisteredDevice": lambda s, device: (
        f"device {s.name(device)} is not registered: the authority registers it first "
        "(`lawdsl authority register-device`)"
    ),
    "InvalidDeviceSignature": lambda s, device: f"the batch was not signed by device {s.name(device)}'s key",
    "BatchOutOfSequence": lambda s, device, expected, got: (
        f"device {s.name(device)}'s next batch is number {expected}, not {got}"
    ),
    "VersionNotNewer": lambda s, title, version, current: (
        f"{title!r} is at version {current} already; enact a version above it, not {version}"
    ),
    "UnknownStatute": lambda s, title: f"the registry has no statute titled {title!r}",
    "DeviceNotOffered": lambda s, device, caller: (
        f"device {s.name(device)} was not registered for {s.name(caller)}: the authority registers it for the "
        "firm first, then that firm accepts it"
    ),
    "DeviceNotAccepted": lambda s, device: (
        f"device {s.name(device)} is registered but its firm has not accepted it (`lawdsl firm accept-device`)"
    ),
    "RevokedDevice": lambda s, device: f"device {s.name(device)} is revoked; a revoked device never counts again",
    "NotDeviceRevoker": lambda s, device, caller: (
        f"only the authority or the firm of device {s.name(device)} may revoke it, not {s.name(caller)}"
    ),
    "SelfEmployment": lambda s, who: f"{s.name(who)} cannot employ itself",
    "InvalidEmploymentSignature": lambda s, employee: (
        f"the consent was not signed by {s.name(employee)} for this firm, wage and statute, or was used "
        "already; the worker signs a new one (`lawdsl worker consent`)"
    ),
    "EmploymentConsentExpired": lambda s, deadline: (
        f"the worker's consent expired at {dt.datetime.fromtimestamp(deadline, dt.UTC):%Y-%m-%d %H:%M} UTC; "
        "the worker signs a new one"
    ),
    "HourlyWageBelowMinimum": lambda s, wage, minimum: (
        f"an hourly wage of {s.show_money(wage)} is below the statute's minimum of {s.show_money(minimum)}"
    ),
    "HourlyWageAboveBound": lambda s, wage, bound: (
        f"an hourly wage of {s.show_money(wage)} is above the contract's bound of {s.show_money(bound)}"
    ),
    "NotTheEmployer": lambda s, employee, employer: (
        f"{s.name(employee)} is employed by {s.name(employer)}; sign with that firm's --key"
    ),
    "NotEmployerOrEmployee": lambda s, employee, caller: (
        f"only {s.name(employee)} or its employer may end its employment, not {s.name(caller)}"
    ),
    "ShiftInProgress": lambda s, employee, since: (
        f"{s.name(employee)} is clocked in since {dt.datetime.fromtimestamp(since, dt.UTC):%Y-%m-%d %H:%M} UTC; "
        "the employment can end once that shift is clocked out"
    ),
    "WithdrawalExceedsDeposit": lambda s, amount, deposit: (
        f"a withdrawal of {s.show_money(amount)} is more than the deposit of {s.show_money(deposit)}"
    ),
    "ArrearsOutstanding": lambda s, employer, count: (
        f"{s.name(employer)} owes {count} wage payment(s) in arrears; nothing can be withdrawn until they are paid"
    ),
    "FutureTimestamp": lambda s, at, latest: (
        f"a punch is dated {at - latest} s after the chain's latest block; check the terminal's clock"
    ),
    "TimelockUnexpectedOperationState": lambda s, operation, expected: (
        f"the authority's timelock cannot do this to operation 0x{operation.hex()[:12]} now: it is not "
        "scheduled, its delay has not passed, or it was executed already (`lawdsl authority pending --all`)"
    ),
    "TimelockInsufficientDelay": lambda s, delay, minimum: (
        f"a delay of {delay_words(delay)} is shorter than the timelock's {delay_words(minimum)}"
    ),
    "Error": lambda s, text: f"the contract refused: {text}",
    "Panic": lambda s, code: f"the contract stopped on an internal check (panic 0x{code:x})",
    **VOUCHER_EXPLANATIONS,
}
