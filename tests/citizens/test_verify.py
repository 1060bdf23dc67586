"""`lawdsl verify`: exact match, match (metadata only differs), mismatch with its first offset."""

from __future__ import annotations

import dataclasses

import pytest

from chain.history import code_at, find_creation
from compiler.verify import Status, compare_code, compiler_version, metadata_length, verify_code
from lawdsl.cli import main

from .conftest import SCENARIOS, STATUTES, scenario

pytestmark = pytest.mark.chain

#: A code body and solc's CBOR tail: {"ipfs": 34 bytes, "solc": 0.8.30}, then its length.
CBOR = bytes.fromhex("a264697066735822") + bytes(range(34)) + bytes.fromhex("64736f6c6343") + bytes([0, 8, 30])
CODE = bytes.fromhex("6080604052") + CBOR + len(CBOR).to_bytes(2, "big")


def verify(file: object, address: str, url: str, *extra: str) -> int:
    return main(["verify", str(file), "--address", address, "--rpc", url, *extra])


def last_line(capsys: pytest.CaptureFixture) -> str:
    """The verdict: the report's last line, its wrapping undone."""
    return " ".join(capsys.readouterr().out.strip().splitlines()[-1].split())


def test_metadata_tail_is_read_from_its_length_in_the_last_two_bytes():
    assert metadata_length(CODE) == len(CBOR) + 2
    assert compiler_version(CODE) == "0.8.30"
    assert metadata_length(bytes.fromhex("6080604052")) == 0


def test_comparison_masks_immutables_and_tells_metadata_from_code():
    assert compare_code(CODE, CODE).status is Status.EXACT
    assert compare_code(CODE, CODE[:10] + b"\xff" + CODE[11:]).status is Status.MATCH
    other_code = b"\x61" + CODE[1:]
    assert compare_code(CODE, other_code).describe() == "mismatch at byte 0"
    assert compare_code(CODE, other_code, [(0, 1)]).status is Status.EXACT
    assert compare_code(CODE, CODE[:-1]).status is Status.MISMATCH


@pytest.mark.parametrize("name", SCENARIOS)
def test_deployed_example_is_an_exact_match(name, run, anvil, capsys):
    played = scenario(name)
    deployment = run(played)
    assert verify(played.statute.source_name, deployment.driver.contract.address, anvil.url) == 0
    output = capsys.readouterr().out
    assert output.strip().splitlines()[-1] == "verified: exact match"
    assert "mismatch" not in output
    assert deployment.registry.address in output


def test_comment_only_change_to_the_generated_source_is_a_match(run, examples, commented, session_chain, anvil, capsys):
    played = scenario("overtime-march")
    address = run(played, commented).driver.contract.address
    w3 = session_chain.w3
    verdict = verify_code(examples[played.statute.header.title], code_at(w3, address), find_creation(w3, address).input)
    assert verdict.runtime.status is Status.MATCH and verdict.creation.status is Status.MATCH
    assert verify(played.statute.source_name, address, anvil.url) == 0
    assert last_line(capsys) == (
        "verified: source differs only in comments/wording (the same code; only the metadata hash differs)"
    )


def test_changed_rate_is_a_mismatch_named_by_its_article(run, tampered, anvil, capsys):
    """The first differing byte, through solc's source map, is the 44.1 rate the optimizer inlined."""
    statute, artifact = tampered["overtime.law"]
    address = run(scenario("overtime-march"), artifact, statute).driver.contract.address
    assert verify(STATUTES / "overtime.law", address, anvil.url) == 1
    line = last_line(capsys)
    assert line.startswith(
        'NOT verified: mismatch in constant ARTICLE_44_1_RATE (article 44.1 "Extended working hours"), byte '
    ), line
    assert line.endswith(" of the runtime code")


def test_matching_code_under_another_registered_hash_fails_on_its_last_line(run, examples, anvil, capsys):
    """The code is the file's, but the registry recorded another text: the verdict and the exit code
    both say not verified."""
    played = scenario("overtime-march")
    other = dataclasses.replace(examples[played.statute.header.title], law_source_hash=b"\x01" * 32)
    address = run(played, other).driver.contract.address
    assert verify(played.statute.source_name, address, anvil.url) == 1
    line = last_line(capsys)
    assert line.startswith("NOT verified: the code matches, but registry ") and "0x0101" in line, line


def test_constant_kept_in_an_immutable_is_caught_by_the_creation_code(
    run, examples, tampered, session_chain, anvil, capsys
):
    """Voucher constants reach the contract through its constructor, which may keep them in
    immutables the runtime comparison masks: the creation code carries them whatever the
    runtime code shows."""
    statute, artifact = tampered["vouchers.law"]
    address = run(scenario("vouchers-march"), artifact, statute).driver.contract.address
    w3 = session_chain.w3
    verdict = verify_code(examples[statute.header.title], code_at(w3, address), find_creation(w3, address).input)
    assert verdict.creation.status is Status.MISMATCH and verdict.status is Status.MISMATCH
    assert verify(STATUTES / "vouchers.law", address, anvil.url) == 1
    line = last_line(capsys)
    assert line.startswith('NOT verified: mismatch in constant FACE_VALUE (article 1 "Issue"), byte '), line


def test_registry_given_explicitly_is_read(run, anvil, capsys):
    played = scenario("procurement-wheat")
    deployment = run(played)
    registry = deployment.registry.address
    assert (
        verify(played.statute.source_name, deployment.driver.contract.address, anvil.url, "--registry", registry) == 0
    )
    assert registry in capsys.readouterr().out


def test_verify_needs_rpc(capsys):
    assert main(["verify", str(STATUTES / "overtime.law"), "--address", "0x" + "11" * 20]) == 2
    assert "needs --rpc" in capsys.readouterr().err


def test_address_without_a_contract_is_an_answer_not_a_crash(anvil, capsys):
    assert verify(STATUTES / "overtime.law", "0x" + "22" * 20, anvil.url) == 1
    assert "no contract at" in capsys.readouterr().out
