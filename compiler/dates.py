"""How the contracts encode a date: whole days since 1970-01-01 (`contracts/CivilCalendar.sol`).

One definition for every layer that crosses the boundary: the compiler
writes day numbers into the generated Solidity (public holidays,
`EFFECTIVE_DAY`); `chain/` encodes call arguments with them (time off) and
decodes them from logs (period starts); `citizens/` shows them as dates.

It lives here, not in `chain/`, because the compiler needs it and must not
import `chain/` (the import graph is `lawdsl` ← `compiler` ← `chain`, see
tests/test_architecture.py); `chain/` and `citizens/` import it from here.
"""

from __future__ import annotations

import datetime as dt

EPOCH = dt.date(1970, 1, 1)


def day_number(date: dt.date) -> int:
    """Days since 1970-01-01: how a contract names a local date."""
    return (date - EPOCH).days


def day_date(day: int) -> dt.date:
    """The local date a contract's day number names (the inverse of `day_number`)."""
    return EPOCH + dt.timedelta(days=day)
