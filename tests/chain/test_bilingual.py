"""The English and Chinese statute of one law are one law: same outcomes, same runtime code.

For every law with both surfaces in `statutes/` (overtime, part-time wages, vouchers,
the Hong Kong consumption vouchers, procurement), every English scenario of that law is run against the Chinese
twin too, on the interpreter and on the chain, and the outcomes must agree.
The scenario is translated only where the statute's own strings differ
(a voucher category, an attested attribute): those are the law's vocabulary,
which the events must use. The pairs are read off the two ASTs, never typed
here, so a change to either statute cannot leave a stale translation.

The twins' runtime bytecode must also be identical once the metadata tail is
masked: the wording reaches NatSpec only. Names and titles are never in the
code, and the statute's own strings (categories, attributes, the good) are
immutables, set at deployment, so they live in the constructor data.

The twins are compiled here, once per module, in one solc call
(`tests/chain/statutes.py` lists the session's statutes; this module keeps
its own so as not to grow the shared compile).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from chain.client import Chain
from chain.runner import run_on_chain
from compiler.artifacts import Artifact, compile_statutes
from lawdsl.ast import Categories, IssueRule, PurchaseRule, Statute
from lawdsl.events import Attest, Event, RegisterMerchant
from lawdsl.interpret import interpret
from lawdsl.load import load_statute
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario, load_scenario

pytestmark = pytest.mark.chain

STATUTES = Path(__file__).resolve().parents[2] / "statutes"
LAWS = (
    "overtime",
    "vouchers",
    "procurement",
    "part-time-wages",
    "hong-kong-consumption-vouchers",
    "japan-working-hours",
    "bridge-steel-tender",
    "eu-best-value-tender",
    "korea-labor-standards",
)

# ---------------------------------------------------------------- the twins


@dataclasses.dataclass(frozen=True)
class Twins:
    english: Statute
    chinese: Statute


def twins(law: str) -> Twins:
    return Twins(load_statute(STATUTES / f"{law}.law"), load_statute(STATUTES / f"{law}.zh.law"))


def vocabulary(pair: Twins) -> dict[str, str]:
    """English statute string → its Chinese counterpart: categories, attributes, goods, aligned by position."""
    pairs: dict[str, str] = {}
    for english, chinese in zip(pair.english.terms, pair.chinese.terms, strict=True):
        if isinstance(getattr(english, "value", None), Categories):
            pairs.update(zip(english.value.names, chinese.value.names, strict=True))
    for english_article, chinese_article in zip(pair.english.articles, pair.chinese.articles, strict=True):
        for english_rule, chinese_rule in zip(english_article.rules, chinese_article.rules, strict=True):
            if isinstance(english_rule, IssueRule) and english_rule.attribute is not None:
                pairs[english_rule.attribute] = chinese_rule.attribute
            if isinstance(english_rule, PurchaseRule):
                pairs[english_rule.good] = chinese_rule.good
    return pairs


def translated(scenario: Scenario, chinese: Statute, words: dict[str, str]) -> Scenario:
    """The scenario run against the Chinese statute, the law's own strings in Chinese."""

    def event(e: Event) -> Event:
        if isinstance(e, RegisterMerchant):
            return dataclasses.replace(e, category=words.get(e.category, e.category))
        if isinstance(e, Attest):
            return dataclasses.replace(e, attribute=words.get(e.attribute, e.attribute))
        return e

    return dataclasses.replace(scenario, statute=chinese, events=tuple(event(e) for e in scenario.events))


def scenarios() -> list[tuple[str, Path]]:
    """(law, scenario path) for every project scenario of a law that has both surfaces."""
    found = []
    for path in sorted(STATUTES.glob("*.yaml")):
        match = re.search(r"^statute:\s*(\S+)\.law\s*$", path.read_text("utf-8"), re.MULTILINE)
        if match and match.group(1) in LAWS:
            found.append((match.group(1), path))
    return found


SCENARIOS = scenarios()


def untitled(outcome: Outcome) -> Outcome:
    """The outcome without the statute's title, the one field that is wording."""
    return dataclasses.replace(outcome, statute="")


@pytest.fixture(scope="module")
def pairs() -> dict[str, Twins]:
    return {law: twins(law) for law in LAWS}


@pytest.fixture(scope="module")
def bilingual_artifacts(pairs: dict[str, Twins]) -> dict[str, Artifact]:
    """Both surfaces of every law, compiled in one solc call (cached by source hash)."""
    return compile_statutes([s for pair in pairs.values() for s in (pair.english, pair.chinese)])


def runtime_code(artifact: Artifact) -> bytes:
    """Runtime bytecode without the CBOR metadata tail (its length is the code's last two bytes)."""
    code = bytes.fromhex(artifact.runtime_bytecode[2:])
    return code[: -(int.from_bytes(code[-2:], "big") + 2)]


# ---------------------------------------------------------------- tests


def test_every_law_with_both_surfaces_has_scenarios():
    assert {law for law, _ in SCENARIOS} == set(LAWS)


def test_vocabulary_pairs_the_statutes_own_strings(pairs):
    assert vocabulary(pairs["vouchers"]) == {
        "groceries": "食品杂货",
        "household appliances": "家用电器",
        "restaurants": "餐饮",
        "low income household": "低收入家庭",
    }
    assert vocabulary(pairs["procurement"]) == {"wheat": "小麦"}
    assert vocabulary(pairs["overtime"]) == {}
    assert vocabulary(pairs["hong-kong-consumption-vouchers"]) == {
        "retail": "零售",
        "catering": "餐饮",
        "services": "服务",
        "eligible for the scheme": "合资格参与计划",
    }


@pytest.mark.parametrize("law, path", SCENARIOS, ids=[p.stem for _, p in SCENARIOS])
def test_chinese_twin_gives_the_same_outcome_on_the_interpreter(law, path, pairs):
    english = load_scenario(path)
    chinese = translated(english, pairs[law].chinese, vocabulary(pairs[law]))
    assert untitled(interpret(chinese)) == untitled(interpret(english))


@pytest.mark.parametrize("law, path", SCENARIOS, ids=[p.stem for _, p in SCENARIOS])
def test_chinese_twin_gives_the_same_outcome_on_the_chain(law, path, pairs, bilingual_artifacts, chain: Chain):
    english = load_scenario(path)
    chinese = translated(english, pairs[law].chinese, vocabulary(pairs[law]))
    expected = untitled(interpret(english))
    snapshot = chain.snapshot()
    on_chain_english = run_on_chain(english, chain, bilingual_artifacts)
    chain.revert(snapshot)  # the Chinese run starts from the same genesis state and time
    on_chain_chinese = run_on_chain(chinese, chain, bilingual_artifacts)
    assert untitled(on_chain_english) == expected
    assert untitled(on_chain_chinese) == expected


@pytest.mark.parametrize("law", LAWS)
def test_twins_have_identical_runtime_bytecode_apart_from_metadata(law, pairs, bilingual_artifacts):
    pair = pairs[law]
    english = bilingual_artifacts[pair.english.header.title]
    chinese = bilingual_artifacts[pair.chinese.header.title]
    assert runtime_code(chinese) == runtime_code(english), (
        f"{law}: the statute's wording reached the runtime code; it belongs in NatSpec only"
    )
    assert chinese.immutable_ranges == english.immutable_ranges
