"""Names for addresses, kept by one operator in a local file and never published.

The chain knows parties only by address. A firm or a worker may want to read
"alice" instead of 0x70997970…; that mapping is personal data, so it lives in
a plain file the operator passes with `--labels FILE` (to `lawdsl audit`,
`lawdsl explain` and `lawdsl portal`), one `ADDRESS NAME` per line:

    # my team
    0x70997970C51812dc3A010C7d01b50e0d17dc79C8  alice

Nothing reads it but the command it is given to; the public pages never show it.
"""

from __future__ import annotations

from pathlib import Path

from eth_utils.address import is_address, to_checksum_address

from lawdsl.cli import UsageError


def load_labels(path: Path | str | None) -> dict[str, str]:
    """Address (checksummed) → name from a labels file; an empty mapping without one."""
    if path is None:
        return {}
    try:
        text = Path(path).read_text("utf-8")
    except OSError as error:
        raise UsageError(f"--labels {path}: {error.strerror}") from None
    labels: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        address, _, name = content.partition(" ")
        if not is_address(address) or not name.strip():
            raise UsageError(f"{path}:{number}: expected `0xADDRESS NAME`, found {line.strip()!r}")
        labels[to_checksum_address(address)] = name.strip()
    return labels


def short(address: str) -> str:
    """An address as a reader can scan it: 0x7099…79C8."""
    return f"{address[:6]}…{address[-4:]}"


def name_of(address: str | None, labels: dict[str, str]) -> str:
    """The operator's name for an address, else the short address; '—' for none (minted/burned)."""
    if address is None:
        return "—"
    return labels.get(address, short(address))
