"""The gateway configuration: values as written, errors that name file, line and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oracles.devices.config import DEFAULT_STATUS, ConfigError, GatewayConfig, load_config, parse_config

from .conftest import SITE_YAML


def test_site_config_reads_as_written(config: GatewayConfig) -> None:
    gate1, gate2 = config.devices["CQZ7224460246"], config.devices["BWXP203960011"]
    assert (gate1.label, gate1.zone.utcoffset(None), gate1.address) == ("gate-1", dt.timedelta(hours=8), None)
    assert gate2.zone.utcoffset(dt.datetime(2026, 3, 9)) == dt.timedelta(hours=8)  # Asia/Shanghai
    assert gate2.address == ("192.168.1.201", 4370)
    assert gate1.status == DEFAULT_STATUS and gate1.status[4] == "in" and gate1.status[5] == "out"
    assert config.employee(gate2, "0042") == "carol"  # the leading zero survives: not YAML's octal 34
    assert config.employee(gate1, "0042") is None  # carol is enrolled on gate-2 only
    assert config.employee(gate1, "1001") == "alice"
    assert config.future_tolerance == dt.timedelta(minutes=5)
    assert config.push.realtime and config.push.trans_times == "00:00;14:05"
    assert config.find_device("gate-2") is gate2 and config.find_device("BWXP203960011") is gate2
    assert config.employee_labels == {"alice", "bob", "carol"}


def test_status_mapping_replaces_the_default() -> None:
    config = parse_config("devices:\n  S1: {label: g, zone: UTC, status: {0: in, 15: out}}\n")
    assert dict(config.devices["S1"].status) == {0: "in", 15: "out"}


def test_load_config_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text(SITE_YAML)
    assert load_config(path).devices.keys() == {"CQZ7224460246", "BWXP203960011"}
    with pytest.raises(ConfigError, match=r"missing\.yaml: cannot read"):
        load_config(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('  "1002": bob\n', '  "1002": bob\n  "1001": dave\n'),
            r"site\.yaml:18: employees\.1001: written twice \(first on line 16\)",
        ),
        (
            ('    zone: "+08:00"\n', "    zone: Mars/Olympus\n"),
            r"site\.yaml:8: devices\.CQZ7224460246\.zone: 'Mars/Olympus' is neither an offset",
        ),
        (
            ("    label: gate-1\n", "    lable: gate-1\n"),
            r"site\.yaml:7: devices\.CQZ7224460246\.lable: unknown key; did you mean 'label'\?",
        ),
        (
            ("    label: gate-2\n", "    label: gate-1\n"),
            r"site\.yaml:9: devices\.BWXP203960011\.label: label 'gate-1' is already used by device CQZ7224460246",
        ),
        (
            ("  future_tolerance: 5m\n", "  future_tolerance: soon\n"),
            r"site\.yaml:2: gateway\.future_tolerance: must be a duration like 90s, 5m or 2h, not 'soon'",
        ),
        (
            ("    address: 192.168.1.201\n", "    address: 192.168.1.201:99999\n"),
            r"site\.yaml:12: devices\.BWXP203960011\.address: port '99999' is not a TCP port",
        ),
        (
            ("realtime: true}", "realtime: maybe}"),
            r"site\.yaml:4: gateway\.push\.realtime: must be true or false, not 'maybe'",
        ),
        (
            ('      "0042": carol', '      "0042": [carol]'),
            r"site\.yaml:14: devices\.BWXP203960011\.employees\.0042: must be a single non-empty value",
        ),
        (("    zone: Asia/Shanghai\n", ""), r"site\.yaml:10: devices\.BWXP203960011: missing 'zone'"),
        (("devices:", "devices: [\n"), r"site\.yaml:\d+: not valid YAML"),
    ],
)
def test_bad_config_names_file_line_and_key(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in SITE_YAML
    with pytest.raises(ConfigError, match=message):
        parse_config(SITE_YAML.replace(old, new, 1), "site.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "site.yaml: the file is empty"),
        ("employees: {}\n", "site.yaml:1: devices: missing: the gateway needs at least one device"),
        (
            "devices:\n  S1: {label: g, zone: UTC, status: {0: sideways}}\n",
            "site.yaml:2: devices.S1.status.0: must be 'in' or 'out', not 'sideways'",
        ),
        (
            "devices:\n  S1: {label: g, zone: UTC, status: {zero: in}}\n",
            "site.yaml:2: devices.S1.status.zero: a status code must be a whole number",
        ),
        (
            "devices:\n  S1: {label: g, zone: '+24:00'}\n",
            "site.yaml:2: devices.S1.zone: offset '+24:00' is a day or more",
        ),
        ("- just\n- a list\n", "site.yaml:1: : must be a mapping"),
    ],
)
def test_more_bad_configs(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "site.yaml")
    assert str(caught.value).startswith(message)
