"""The gateway configuration: which terminals and PINs the gateway knows.

The file is YAML, read through the node tree (`yaml.compose`) rather than
`safe_load`, for three reasons that each bit someone before:
- every error names the file, the line and the key path;
- scalars stay text: `safe_load` turns PIN `0012` into the integer 10 (YAML
  1.1 octal) and `+08:00` into a sexagesimal number;
- a key written twice is an error, where `safe_load` keeps the last silently
  (two employees given the same PIN would pay one for the other's hours).

See docs/oracles.md for the format.
"""

from __future__ import annotations

import datetime as dt
import difflib
import ipaddress
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lawdsl.yaml_limits import MAX_DEPTH, too_deep

from .records import KINDS, Kind

# ZKTeco punch states: 0 check-in, 1 check-out, 2 break-out, 3 break-in,
# 4 overtime-in, 5 overtime-out. Leaving for a break is an "out".
DEFAULT_STATUS: Mapping[int, Kind] = MappingProxyType({0: "in", 1: "out", 2: "out", 3: "in", 4: "in", 5: "out"})
PYZK_PORT = 4370
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
#: Where a terminal without an `allow` list may upload from: this machine only, like the
#: receiver's default listening address (docs/oracles.md, "Terminal authentication").
LOOPBACK: tuple[Network, ...] = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


class ConfigError(ValueError):
    """The configuration file is wrong; the message is `file:line: key: problem`."""


@dataclass(frozen=True)
class PushOptions:
    """What the gateway tells ADMS terminals in the handshake (see zkteco_push)."""

    delay: int = 10  # seconds between getrequest polls
    error_delay: int = 30  # seconds before retrying after a failed request
    trans_interval: int = 1  # minutes between batched uploads when Realtime is off
    trans_times: str = "00:00;14:05"  # fixed times of day for a full upload
    realtime: bool = True  # upload every punch as it happens


@dataclass(frozen=True)
class DeviceConfig:
    """One registered terminal."""

    serial: str
    label: str
    zone: dt.tzinfo  # the zone of the terminal's wall clock
    status: Mapping[int, Kind]
    employees: Mapping[str, str]  # PINs enrolled only on this terminal
    address: tuple[str, int] | None  # host and port, for terminals pulled with pyzk
    allow: tuple[Network, ...] = LOOPBACK  # source addresses its ADMS uploads may come from
    certificate: str | None = None  # over mutual TLS: the client certificate's common name it must present

    def allows(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in self.allow)


@dataclass(frozen=True)
class GatewayConfig:
    """Everything the gateway knows about its site; built by `load_config` (or `simulated_config`)."""

    devices: Mapping[str, DeviceConfig]  # by serial
    employees: Mapping[str, str]  # PIN → employee label, on every terminal
    future_tolerance: dt.timedelta = dt.timedelta(minutes=5)
    duplicate_window: dt.timedelta = dt.timedelta(seconds=60)
    push: PushOptions = PushOptions()

    def employee(self, device: DeviceConfig, pin: str) -> str | None:
        """The employee behind a PIN on a terminal; a terminal's own enrolment wins."""
        return device.employees.get(pin) or self.employees.get(pin)

    def find_device(self, name: str) -> DeviceConfig | None:
        """A device by serial or by label (people writing CSV files use either)."""
        if name in self.devices:
            return self.devices[name]
        return next((d for d in self.devices.values() if d.label == name), None)

    def admits(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        """Whether any terminal may upload from `address` (others are refused at connect)."""
        return any(device.allows(address) for device in self.devices.values())

    @cached_property  # asked once per CSV row
    def employee_labels(self) -> frozenset[str]:
        labels = set(self.employees.values())
        for device in self.devices.values():
            labels.update(device.employees.values())
        return frozenset(labels)


def load_config(path: str | Path) -> GatewayConfig:
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    return parse_config(text, str(path))


def parse_config(text: str, name: str = "<config>") -> GatewayConfig:
    deep = too_deep(text)
    if deep is not None:
        raise ConfigError(f"{name}:{deep[0]}: nested more than {MAX_DEPTH} levels deep")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if root is None:
        raise ConfigError(f"{name}: the file is empty")
    return _Reader(name).gateway(root)


_OFFSET = re.compile(r"(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h)?")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, None: 1}
_BOOLS = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}


class _Reader:
    """Walks the YAML node tree, turning nodes into config values or precise errors."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, node: Node, path: str, problem: str) -> NoReturn:
        raise ConfigError(f"{self.name}:{node.start_mark.line + 1}: {path}: {problem}")

    def mapping(self, node: Node, path: str, allowed: tuple[str, ...] | None = None) -> dict[str, tuple[Node, Node]]:
        """Key text → (key node, value node); rejects duplicate and (if `allowed`) unknown keys."""
        if not isinstance(node, MappingNode):
            self.fail(node, path, "must be a mapping of keys to values")
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node, path)
            where = f"{path}.{key}" if path else key
            if key in entries:
                first = entries[key][0].start_mark.line + 1
                self.fail(key_node, where, f"written twice (first on line {first})")
            if allowed is not None and key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of {', '.join(allowed)}"
                self.fail(key_node, where, f"unknown key{hint}")
            entries[key] = (key_node, value_node)
        return entries

    def scalar(self, node: Node, path: str) -> str:
        if not isinstance(node, ScalarNode) or node.value.strip() in ("", "~", "null"):
            self.fail(node, path, "must be a single non-empty value")
        return str(node.value).strip()

    def integer(self, node: Node, path: str) -> int:
        text = self.scalar(node, path)
        if not text.isdigit():
            self.fail(node, path, f"must be a whole number, not {text!r}")
        return int(text)

    def boolean(self, node: Node, path: str) -> bool:
        text = self.scalar(node, path).lower()
        if text not in _BOOLS:
            self.fail(node, path, f"must be true or false, not {text!r}")
        return _BOOLS[text]

    def duration(self, node: Node, path: str) -> dt.timedelta:
        text = self.scalar(node, path)
        match = _DURATION.fullmatch(text)
        if not match:
            self.fail(node, path, f"must be a duration like 90s, 5m or 2h, not {text!r}")
        return dt.timedelta(seconds=float(match[1]) * _UNIT_SECONDS[match[2]])

    def zone(self, node: Node, path: str) -> dt.tzinfo:
        text = self.scalar(node, path)
        if text.upper() in ("Z", "UTC", "GMT"):
            return dt.timezone.utc
        match = _OFFSET.fullmatch(text)
        if match:
            sign = -1 if match[1] == "-" else 1
            offset = dt.timedelta(hours=int(match[2]), minutes=int(match[3] or 0))
            if offset >= dt.timedelta(hours=24):
                self.fail(node, path, f"offset {text!r} is a day or more")
            return dt.timezone(sign * offset)
        try:
            return ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(node, path, f"{text!r} is neither an offset like +08:00 nor a zone name like Asia/Shanghai")

    def kind(self, node: Node, path: str) -> Kind:
        text = self.scalar(node, path).lower()
        if text not in KINDS:
            self.fail(node, path, f"must be 'in' or 'out', not {text!r}")
        return text

    def address(self, node: Node, path: str) -> tuple[str, int]:
        host, _, port = self.scalar(node, path).rpartition(":")
        if not host:
            return port, PYZK_PORT  # no colon: the whole text is the host
        if not port.isdigit() or not 0 < int(port) < 65536:
            self.fail(node, path, f"port {port!r} is not a TCP port")
        return host, int(port)

    def networks(self, node: Node, path: str) -> tuple[Network, ...]:
        """One address or network, or a list of them: `192.168.1.20`, `10.0.8.0/24`, `fd00::/8`."""
        items = node.value if isinstance(node, SequenceNode) else [node]
        if not items:
            self.fail(node, path, "must name at least one address or network")
        networks = []
        for item in items:
            text = self.scalar(item, path)
            try:
                networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                self.fail(item, path, f"{text!r} is not an IP address or network like 192.168.1.0/24")
        return tuple(networks)

    def pins(self, node: Node, path: str) -> dict[str, str]:
        return {pin: self.scalar(value, f"{path}.{pin}") for pin, (_, value) in self.mapping(node, path).items()}

    def status(self, node: Node, path: str) -> dict[int, Kind]:
        table: dict[int, Kind] = {}
        for code, (key_node, value) in self.mapping(node, path).items():
            if not code.isdigit():
                self.fail(key_node, f"{path}.{code}", "a status code must be a whole number")
            table[int(code)] = self.kind(value, f"{path}.{code}")
        return table

    def device(self, serial: str, node: Node, path: str) -> DeviceConfig:
        entries = self.mapping(node, path, ("label", "zone", "status", "employees", "address", "allow", "certificate"))
        for required in ("label", "zone"):
            if required not in entries:
                self.fail(node, path, f"missing '{required}'")
        return DeviceConfig(
            serial=serial,
            label=self.scalar(entries["label"][1], f"{path}.label"),
            zone=self.zone(entries["zone"][1], f"{path}.zone"),
            status=self.status(entries["status"][1], f"{path}.status") if "status" in entries else DEFAULT_STATUS,
            employees=self.pins(entries["employees"][1], f"{path}.employees") if "employees" in entries else {},
            address=self.address(entries["address"][1], f"{path}.address") if "address" in entries else None,
            allow=self.networks(entries["allow"][1], f"{path}.allow") if "allow" in entries else LOOPBACK,
            certificate=self.scalar(entries["certificate"][1], f"{path}.certificate")
            if "certificate" in entries
            else None,
        )

    def push(self, node: Node, path: str) -> PushOptions:
        entries = self.mapping(node, path, ("delay", "error_delay", "trans_interval", "trans_times", "realtime"))
        values: dict[str, object] = {}
        for key, (_, value) in entries.items():
            where = f"{path}.{key}"
            if key == "realtime":
                values[key] = self.boolean(value, where)
            elif key == "trans_times":
                values[key] = self.scalar(value, where)
            else:
                values[key] = self.integer(value, where)
        return PushOptions(**values)  # type: ignore[arg-type]

    def gateway(self, root: Node) -> GatewayConfig:
        entries = self.mapping(root, "", ("gateway", "devices", "employees"))
        if "devices" not in entries:
            self.fail(root, "devices", "missing: the gateway needs at least one device")
        devices: dict[str, DeviceConfig] = {}
        labels: dict[str, str] = {}
        for serial, (key_node, value) in self.mapping(entries["devices"][1], "devices").items():
            device = self.device(serial, value, f"devices.{serial}")
            if device.label in labels:
                self.fail(
                    key_node,
                    f"devices.{serial}.label",
                    f"label {device.label!r} is already used by device {labels[device.label]}",
                )
            labels[device.label] = serial
            devices[serial] = device
        settings: dict[str, object] = {}
        if "gateway" in entries:
            gateway = self.mapping(entries["gateway"][1], "gateway", ("future_tolerance", "duplicate_window", "push"))
            for key in ("future_tolerance", "duplicate_window"):
                if key in gateway:
                    settings[key] = self.duration(gateway[key][1], f"gateway.{key}")
            if "push" in gateway:
                settings["push"] = self.push(gateway["push"][1], "gateway.push")
        employees = self.pins(entries["employees"][1], "employees") if "employees" in entries else {}
        return GatewayConfig(devices=devices, employees=employees, **settings)  # type: ignore[arg-type]
