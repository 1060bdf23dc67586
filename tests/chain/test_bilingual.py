"""The English and Chinese statute of one law are one law: same outcomes, same runtime code.

For every law with both surfaces in `statutes/` (overtime, vouchers,
procurement), every English scenario of that law is run against the Chinese
twin too, on the interpreter and on the chain, and the outcomes must agree.
The scenario is translated only where the statute's own strings differ
(a voucher category, an attested attribute): those are the law's vocabulary,
which the events must use. The pairs are read off the two ASTs, never typed
here, so a change to either statute cannot leave a stale translation.

The issue's acceptance also asks for identical runtime bytecode once the
metadata tail is masked ("the wording only reaches NatSpec"). Today that does
not hold: the generators put some of the statute's text into the code. The
strict xfail below says which generator lines do it, and
`test_only_the_known_generator_choices_reach_the_runtime_code` proves that
nothing else does, by compiling the Chinese contract with exactly those
pieces made equal to the English ones.

The twins are compiled here, once per module, in one solc call
(`tests/chain/statutes.py` lists the session's statutes; this module keeps
its own so as not to grow the shared compile).
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from compiler.artifacts import Artifact, compile_statutes
from compiler.cache import cached_compile
from compiler.generate import generate
from compiler.solc import compile_standard_json, settings
from lawdsl.ast import Categories, IssueRule, PurchaseRule, Statute
from lawdsl.events import Attest, Event, RegisterMerchant
from lawdsl.interpret import interpret
from lawdsl.load import load_statute
from lawdsl.outcome import Outcome
from lawdsl.scenario import Scenario, load_scenario
from oracles.chain import Chain
from oracles.runner import run_on_chain

pytestmark = pytest.mark.chain

STATUTES = Path(__file__).resolve().parents[2] / "statutes"
LAWS = ("overtime", "vouchers", "procurement")

#: Where the generators put statute text into the runtime code (file:line as of this writing).
KNOWN_CAUSES = """\
runtime bytecode of the English and Chinese twins differs; the wording is meant to reach NatSpec only, but:
  1. `string public constant TITLE = <title>` (compiler/domains/working_time.py:195 and, for vouchers and
     procurement, compiler/solidity.py:85 — vouchers.py:201 at HEAD): the title is a public getter in the code.
  2. working time: `constant_name(term.name, f"TERM_{index + 1}")` (compiler/domains/working_time.py:67)
     names term constants from their English words and `TERM_n` for Chinese names; the constants are
     `public`, so the getter selectors (and the dispatcher) differ.
  3. statute strings as constants: `REQUIRED_ATTRIBUTE = keccak256(<attribute>)` (compiler/domains/vouchers.py:47),
     `ELIGIBLE_CATEGORY_n = keccak256(<category>)` (vouchers.py:52) and `string public constant GOOD`
     (compiler/domains/procurement.py:33).
Checked fix (identical runtime code for all three laws): drop the TITLE getter (the title stays in NatSpec and
in StatuteRegistry.enact), make term constants `internal`, make the keccak constants `immutable` (solc leaves
immutables zeroed in the runtime object; `immutable_ranges` already masks them in `lawdsl verify`) — which needs
`isEligibleCategory` to be `view`, not `pure` (contracts/VoucherProgram.sol:133, vouchers.py:115) — and turn
GOOD into `bytes32 public immutable GOOD_HASH = keccak256(<good>)`."""


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
    return code[:-(int.from_bytes(code[-2:], "big") + 2)]


# ---------------------------------------------------------------- tests


def test_every_law_with_both_surfaces_has_scenarios():
    assert {law for law, _ in SCENARIOS} == set(LAWS)


def test_vocabulary_pairs_the_statutes_own_strings(pairs):
    assert vocabulary(pairs["vouchers"]) == {"groceries": "食品杂货", "household appliances": "家用电器",
                                             "restaurants": "餐饮", "low income household": "低收入家庭"}
    assert vocabulary(pairs["procurement"]) == {"wheat": "小麦"}
    assert vocabulary(pairs["overtime"]) == {}


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


@pytest.mark.xfail(strict=True, reason=KNOWN_CAUSES)
@pytest.mark.parametrize("law", LAWS)
def test_twins_have_identical_runtime_bytecode_apart_from_metadata(law, pairs, bilingual_artifacts):
    pair = pairs[law]
    english = bilingual_artifacts[pair.english.header.title]
    chinese = bilingual_artifacts[pair.chinese.header.title]
    assert runtime_code(chinese) == runtime_code(english), KNOWN_CAUSES
    assert chinese.immutable_ranges == english.immutable_ranges


def _made_equal(chinese_source: str, english_source: str, words: dict[str, str]) -> str:
    """The Chinese contract with KNOWN_CAUSES' pieces taken from the English one; nothing else touched."""
    title = re.search(r"string public constant TITLE = [^\n]*;", english_source)
    if title:  # cause 1
        chinese_source = re.sub(r"string public constant TITLE = [^\n]*;", lambda _: title.group(), chinese_source)
    english_names = re.findall(r"public constant (\w+) =", english_source)
    chinese_names = re.findall(r"public constant (\w+) =", chinese_source)
    for english_name, chinese_name in zip(english_names, chinese_names, strict=True):  # cause 2
        if chinese_name != english_name and re.fullmatch(r"TERM_\d+", chinese_name):
            chinese_source = re.sub(rf"\b{chinese_name}\b", english_name, chinese_source)
    for english_word, chinese_word in words.items():  # cause 3: only inside string literals
        chinese_source = chinese_source.replace(f'unicode"{chinese_word}"', f'"{english_word}"')
    return chinese_source


def test_only_the_known_generator_choices_reach_the_runtime_code(pairs):
    """With KNOWN_CAUSES' pieces made equal, the twins' runtime code is identical byte for byte.

    So the wording (NatSpec, comments), the contract name and the source file
    name never reach the code: once the generator lines above are fixed, the
    xfail above passes (and, being strict, must then lose its marker).
    """
    from compiler.artifacts import _sources

    paths: dict[str, tuple[str, str]] = {}
    generated = []
    for law, pair in pairs.items():
        english, chinese = generate(pair.english), generate(pair.chinese)
        source = _made_equal(chinese.source, english.source, vocabulary(pair))
        source = source.replace(f"contract {chinese.name} ", f"contract {chinese.name}Equalised ")
        paths[law] = (english.path, english.name)
        generated.append((english.path, english.source))
        generated.append((f"contracts/generated/{law}-equalised.sol", source))
        paths[law + "-equalised"] = (f"contracts/generated/{law}-equalised.sol", f"{chinese.name}Equalised")
    sources = _sources([])
    sources.update({path: {"content": text} for path, text in generated})
    output = cached_compile({"language": "Solidity", "sources": sources, "settings": settings()},
                            compile_standard_json)

    def code(key: str) -> bytes:
        path, name = paths[key]
        runtime = output["contracts"][path][name]["evm"]["deployedBytecode"]["object"]
        return runtime_code(Artifact(name, [], "", "0x" + runtime, "", "", "", bytes(32)))

    for law in LAWS:
        assert code(law + "-equalised") == code(law), f"{law}: something beyond KNOWN_CAUSES reaches the code"
