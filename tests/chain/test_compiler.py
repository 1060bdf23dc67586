"""The compiler without a chain: generated Solidity, naming, the cache key."""

from __future__ import annotations

from dataclasses import replace

from compiler.artifacts import CONTRACTS_DIR, _sources
from compiler.cache import cache_key
from compiler.generate import generate
from compiler.naming import contract_name
from lawdsl.load import load_statute

from .statutes import PROJECT_STATUTES, overtime


def test_generated_contract_carries_the_law():
    source = generate(overtime()).source
    assert "contract WorkingHoursAndOvertimePayActV2 is WorkingTimeStatute {" in source
    assert "/// @custom:wording Where extended working hours are arranged, wages shall be paid at not" in source
    assert 'bytes32 public constant ARTICLE_44_1 = "44.1";' in source
    assert "uint64 public constant ARTICLE_44_1_RATE = 1_500_000;" in source
    assert "uint32 internal constant TERM_STANDARD_DAY = 480; // minutes" in source
    assert "uint8 public constant REST_DAYS = (1 << 5) | (1 << 6);" in source
    assert "int32 public constant TIME_ZONE_OFFSET = 28800;" in source
    assert "uint256 private constant HOLIDAYS_FROM = 20454; // 2026-01-01" in source
    assert "2026-04-05, 2026-05-01, 2026-06-19" in source
    assert "        return _beyond(TERM_STANDARD_DAY, shift.beforeDay);" in source


def test_holiday_words_are_written_at_full_width():
    """solc reads a hex literal of 39 to 41 digits as an address: May 1 and October 1 make a word of 39."""
    source = generate(load_statute(PROJECT_STATUTES / "two-holidays.law")).source
    word = "0x" + "_".join(f"{(1 << 153) | 1:064x}"[i : i + 8] for i in range(0, 64, 8))  # days 0 and 153
    assert word == "0x00000000_00000000_00000000_02000000_00000000_00000000_00000000_00000001"
    assert f"uint256 private constant HOLIDAYS_0 = {word};" in source


def test_titles_without_ascii_words_get_a_stable_name():
    statute = overtime()
    chinese = replace(statute, header=replace(statute.header, title="工时与加班工资条例"))
    assert contract_name(chinese) == contract_name(chinese)
    assert contract_name(chinese).startswith("Statute") and contract_name(chinese).endswith("V2")


def test_cache_key_covers_the_base_contracts():
    sources = _sources([generate(overtime())])
    assert {f"contracts/{p.name}" for p in CONTRACTS_DIR.glob("*.sol")} <= set(sources)
    edited = dict(sources)
    edited["contracts/WorkingTimeStatute.sol"] = {
        "content": sources["contracts/WorkingTimeStatute.sol"]["content"] + "\n"
    }
    assert cache_key({"sources": sources}) != cache_key({"sources": edited})
