"""`lawdsl export brownie`: compiled statutes as a self-contained Brownie project.

Firms whose contract teams work in Brownie cannot share our environment
(Brownie pins web3 7, eth-account 0.13 and hypothesis 6.27 exactly) and
cannot compile offline (Brownie downloads solc). So the export carries
everything already compiled: the sources, and `build/contracts/*.json` in
Brownie's own artifact format, written so that Brownie considers the build
current and never starts (or downloads) a compiler.

How Brownie decides whether to compile (checked against eth-brownie 1.22.2,
`brownie/project/main.py`, `_compare_build_json`): for every contract name
declared in a file under `contracts/`, `build/contracts/<Name>.json` must
exist, hold every key of `brownie.project.build.BUILD_KEYS`, have a
`sourcePath` that exists, a `sha1` equal to sha1(source file text), a
`compiler.version` that satisfies the file's pragma, and a
`compiler.optimizer` equal to `compiler.solc.optimizer` of
`brownie-config.yaml`. Then `compile_and_format` receives no sources and
returns before it looks for solc.

The bytecode is exactly `compile_statutes`' (same source unit names, same
remapping, same settings; only the output selection differs, which is not
part of the metadata hash), so `lawdsl verify` accepts a contract a firm
deployed with Brownie. That is why OpenZeppelin travels as
`node_modules/@openzeppelin/contracts/…` inside the project, the source
unit names our compiler uses, rather than under `contracts/`: different unit
names would change the metadata hash at the end of the runtime code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from lawdsl.ast import Statute
from lawdsl.load import load_statute
from lawdsl.money import CURRENCY_DIGITS

from .artifacts import CONTRACTS_DIR, LIBRARY_CONTRACTS, law_source_hash
from .cache import cached_compile
from .generate import generate
from .solc import EVM_VERSION, OPTIMIZER_RUNS, PROJECT_ROOT, SOLC_VERSION, compile_standard_json, settings
from .solidity import GeneratedContract
from .sourcemap import expand_source_map as _expand_source_map

#: The eth-brownie release the export's format was read from and its test runs.
BROWNIE_VERSION = "1.22.2"
#: The environment variable the exported project's docs and our test pass the node's URL in.
RPC_URL_ENV = "LAWDSL_RPC_URL"
#: The Brownie network id the docs and the test register for that URL.
NETWORK_ID = "lawdsl-anvil"
TEMPLATES = Path(__file__).resolve().parent / "templates" / "brownie"
OPENZEPPELIN = "node_modules/@openzeppelin/contracts"
#: What Brownie's own compile asks solc for (`brownie.project.compiler.STANDARD_JSON`), plus
#: the source maps and opcodes its artifacts are built from.
OUTPUT_SELECTION = {
    "*": {
        "*": [
            "abi",
            "devdoc",
            "userdoc",
            "metadata",
            "evm.bytecode.object",
            "evm.bytecode.sourceMap",
            "evm.bytecode.linkReferences",
            "evm.deployedBytecode.object",
            "evm.deployedBytecode.sourceMap",
            "evm.deployedBytecode.opcodes",
            "evm.deployedBytecode.linkReferences",
        ],
        "": ["ast"],
    }
}
OPTIMIZER = {"enabled": True, "runs": OPTIMIZER_RUNS}


def export_brownie(statute_paths: list[Path], out_dir: Path) -> None:
    """Write a Brownie project for the statutes at `statute_paths` into `out_dir`.

    The project holds `brownie-config.yaml`, the sources (generated, hand-written
    bases, and the OpenZeppelin files they import), `build/contracts/*.json`,
    `lawdsl.json` (what the scripts deploy), the `.law` files, `scripts/deploy.py`
    and an example test. Files the export owns are overwritten; others are left alone.
    """
    statutes = [load_statute(Path(path)) for path in statute_paths]
    if not statutes:
        raise ValueError("no statute to export")
    generated = [generate(statute) for statute in statutes]
    input = standard_input(generated)
    output = cached_compile(input, compile_standard_json)
    units = SourceUnits(input, output)
    roots = [contract.path for contract in generated] + list(LIBRARY_CONTRACTS.values())
    needed = units.closure(roots)

    out_dir.mkdir(parents=True, exist_ok=True)
    for unit in needed:
        _write(out_dir / unit, units.text(unit))
    _copy_openzeppelin_notices(out_dir)
    # An earlier export's artifacts may stay: Brownie drops those whose source is gone.
    build = out_dir / "build" / "contracts"
    for name, artifact in brownie_artifacts(units, needed).items():
        _write(build / f"{name}.json", json.dumps(artifact, indent=2, sort_keys=True))
    _write(out_dir / "brownie-config.yaml", _brownie_config())
    _write(out_dir / "lawdsl.json", json.dumps(_manifest(statutes, generated, out_dir), indent=2))
    for source in TEMPLATES.rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts:
            _write(out_dir / source.relative_to(TEMPLATES), source.read_text())


# ---------------------------------------------------------------- compile


def standard_input(generated: Iterable[GeneratedContract]) -> dict[str, Any]:
    """The same sources and settings as `compile_statutes`, so the bytecode is identical; only
    the output selection grows by what Brownie's artifacts need (ASTs, opcodes, source maps)."""
    sources = {f"contracts/{path.name}": {"content": path.read_text()} for path in sorted(CONTRACTS_DIR.glob("*.sol"))}
    for contract in generated:
        sources[contract.path] = {"content": contract.source}
    return {"language": "Solidity", "sources": sources, "settings": {**settings(), "outputSelection": OUTPUT_SELECTION}}


class SourceUnits:
    """The compiled source units: their text, ids, ASTs and the declarations in them."""

    def __init__(self, input: dict[str, Any], output: dict[str, Any]) -> None:
        self.input = input
        self.output = output
        self.ids = {unit: data["id"] for unit, data in output["sources"].items()}
        self.paths = {str(id_): unit for unit, id_ in self.ids.items()}
        self.asts = {unit: data["ast"] for unit, data in output["sources"].items()}
        #: node id → (node, unit) for every top-level declaration (solc's exportedSymbols)
        self.symbols: dict[int, tuple[dict[str, Any], str]] = {}
        for unit, ast in self.asts.items():
            for node in ast["nodes"]:
                if "name" in node and "id" in node:
                    self.symbols[node["id"]] = (node, unit)
        self.compiler_version = _compiler_version(output)

    def text(self, unit: str) -> str:
        """The source exactly as solc read it (given in the input, or imported from disk)."""
        given = self.input["sources"].get(unit)
        return given["content"] if given else (PROJECT_ROOT / unit).read_text()

    def closure(self, roots: Iterable[str]) -> list[str]:
        """`roots` and every unit they import, directly or not, in a stable order."""
        seen: set[str] = set()
        pending = list(roots)
        while pending:
            unit = pending.pop()
            if unit in seen:
                continue
            seen.add(unit)
            pending += [
                node["absolutePath"] for node in self.asts[unit]["nodes"] if node["nodeType"] == "ImportDirective"
            ]
        return sorted(seen)

    def contract_node(self, unit: str, name: str) -> dict[str, Any]:
        return next(
            node
            for node in self.asts[unit]["nodes"]
            if node["nodeType"] == "ContractDefinition" and node["name"] == name
        )


def _compiler_version(output: dict[str, Any]) -> str:
    """The long version (`0.8.30+commit.…`) from any contract's metadata, as Brownie records it."""
    for contracts in output["contracts"].values():
        for contract in contracts.values():
            if contract.get("metadata"):
                version: str = json.loads(contract["metadata"])["compiler"]["version"]
                return version
    return SOLC_VERSION


# ---------------------------------------------------------------- Brownie's artifact format


def brownie_artifacts(units: SourceUnits, exported: list[str]) -> dict[str, dict[str, Any]]:
    """`build/contracts/<Name>.json` for every contract Brownie keeps after loading, by name.

    That is every contract declared under `contracts/` (a missing one makes Brownie
    recompile) and every OpenZeppelin contract one of them depends on: Brownie's own
    compile writes an artifact for each contract solc returns, but on the next load it
    deletes those outside `contracts/` that no project contract depends on.
    """
    artifacts: dict[str, dict[str, Any]] = {}
    owners: dict[str, str] = {}
    for unit in exported:
        for name, compiled in units.output["contracts"].get(unit, {}).items():
            if name in owners:
                raise ValueError(
                    f"contract {name} is declared in {owners[name]} and {unit}; Brownie needs unique contract names"
                )
            owners[name] = unit
            artifacts[name] = _artifact(units, unit, name, compiled)
    wanted = {name for name, artifact in artifacts.items() if artifact["sourcePath"].startswith("contracts/")}
    wanted |= {dep for name in list(wanted) for dep in artifacts[name]["dependencies"]}
    return {name: artifact for name, artifact in artifacts.items() if name in wanted}


def _artifact(units: SourceUnits, unit: str, name: str, compiled: dict[str, Any]) -> dict[str, Any]:
    """One contract in the shape of `brownie.project.compiler.generate_build_json`."""
    source = units.text(unit)
    node = units.contract_node(unit, name)
    evm = compiled["evm"]
    deployed = evm["deployedBytecode"]
    bytecode = _format_link_references(evm["bytecode"])
    dependencies = _dependencies(units, node)
    scope = {str(_source_id(node))} | {str(_source_id(dep)) for dep in dependencies}
    artifact: dict[str, Any] = {
        "abi": compiled["abi"],
        "allSourcePaths": {id_: units.paths[id_] for id_ in sorted(scope, key=int)},
        "ast": units.asts[unit],
        "bytecode": bytecode,
        "bytecodeSha1": hashlib.sha1(_remove_metadata(bytecode).encode()).hexdigest(),
        "compiler": {"evm_version": EVM_VERSION, "optimizer": dict(OPTIMIZER), "version": units.compiler_version},
        "contractName": name,
        "coverageMap": {"branches": {id_: {} for id_ in scope}, "statements": {id_: {} for id_ in scope}},
        "dependencies": sorted({dep["name"] for dep in dependencies if dep["nodeType"] == "ContractDefinition"}),
        "deployedBytecode": deployed["object"],
        "deployedSourceMap": deployed.get("sourceMap", ""),
        "language": "Solidity",
        "natspec": _merge_natspec(compiled.get("devdoc", {}), compiled.get("userdoc", {})),
        "offset": list(_offset(node)),
        "opcodes": deployed.get("opcodes", ""),
        "pcMap": _pc_map(units, deployed, scope),
        "sha1": hashlib.sha1(source.encode()).hexdigest(),
        "source": source,
        "sourceMap": evm["bytecode"].get("sourceMap", ""),
        "sourcePath": unit,
        "type": node["contractKind"],
    }
    if evm["bytecode"].get("linkReferences"):
        artifact["linkReferences"] = evm["bytecode"]["linkReferences"]
    if deployed.get("linkReferences"):
        artifact["deployedLinkReferences"] = deployed["linkReferences"]
    return artifact


def _source_id(node: dict[str, Any]) -> int:
    return int(node["src"].split(":")[2])


def _offset(node: dict[str, Any]) -> tuple[int, int]:
    start, length, _ = (int(part) for part in node["src"].split(":"))
    return start, start + length


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every AST node below (and including) `node`, depth first."""
    if isinstance(node, dict):
        if "nodeType" in node:
            yield node
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _direct_dependencies(units: SourceUnits, contract: dict[str, Any]) -> set[int]:
    """The top-level declarations a contract uses, as py-solc-ast (Brownie's AST library)
    finds them: listed contract dependencies, `using` libraries, contract types, contracts
    called as types, and the enums, structs and libraries it names."""
    found = set(contract.get("contractDependencies", []))
    for node in _walk(contract.get("nodes", [])):
        kind = node["nodeType"]
        if kind == "UsingForDirective" and "libraryName" in node:
            found.add(node["libraryName"]["referencedDeclaration"])
        elif kind == "UserDefinedTypeName":
            found.add(node["referencedDeclaration"])
        elif kind == "FunctionCall" and node["expression"]["nodeType"] == "Identifier":
            if node["typeDescriptions"].get("typeString", "").startswith("contract "):
                found.add(node["expression"]["referencedDeclaration"])
        elif kind == "Identifier":
            target = units.symbols.get(node.get("referencedDeclaration", -1))
            if target is not None and (
                target[0]["nodeType"] in ("EnumDefinition", "StructDefinition")
                or target[0].get("contractKind") == "library"
            ):
                found.add(target[0]["id"])
    return {id_ for id_ in found if id_ in units.symbols and id_ != contract["id"]}


def _dependencies(units: SourceUnits, contract: dict[str, Any]) -> list[dict[str, Any]]:
    """Transitive dependencies plus the linearized bases, without the contract itself."""
    closure: set[int] = set()
    pending = list(_direct_dependencies(units, contract))
    while pending:
        id_ = pending.pop()
        if id_ in closure:
            continue
        closure.add(id_)
        node = units.symbols[id_][0]
        if node["nodeType"] == "ContractDefinition":
            pending += list(_direct_dependencies(units, node))
            pending += [base for base in node.get("linearizedBaseContracts", []) if base in units.symbols]
    closure |= {id_ for id_ in contract.get("linearizedBaseContracts", []) if id_ in units.symbols}
    closure.discard(contract["id"])
    return sorted((units.symbols[id_][0] for id_ in closure), key=lambda node: node["name"])


def _functions(units: SourceUnits, unit: str) -> list[tuple[int, int, str]]:
    """(start, end, Brownie's name) of each function of a unit, in AST order: free functions
    by name, contract functions as `Contract.name`, special ones as `<constructor>` etc."""
    functions = []
    for top in units.asts[unit]["nodes"]:
        members: list[tuple[dict[str, Any], str | None]] = []
        if top["nodeType"] == "FunctionDefinition":
            members = [(top, None)]
        elif top["nodeType"] == "ContractDefinition":
            members = [(node, top["name"]) for node in top["nodes"]]
        for node, contract in members:
            if node["nodeType"] != "FunctionDefinition":
                continue
            name = node.get("name") or f"<{node.get('kind', 'fallback')}>"
            start, end = _offset(node)
            functions.append((start, end, f"{contract}.{name}" if contract else name))
    return functions


def _pc_map(units: SourceUnits, deployed: dict[str, Any], scope: set[str]) -> dict[str, dict[str, Any]]:
    """Program counter → {op, value, jump, path, offset, fn}: Brownie's `pcMap`, which its
    tracebacks, revert messages and call traces read.

    A port of the mapping half of `brownie.project.compiler.solidity._generate_coverage_data`
    (statement and branch markers, used only by `brownie test --coverage`, are left out).
    """
    opcodes = deployed.get("opcodes", "").split()
    if not opcodes:
        return {}
    source_map = _expand_source_map(deployed.get("sourceMap", ""))
    while source_map and source_map[-1][2] == -1:
        source_map.pop()  # solc's map may run past the code; Brownie trims the same way
    functions = {id_: _functions(units, units.paths[id_]) for id_ in scope}
    instruction_count = len(_remove_metadata(deployed["object"])) // 2
    pc_list: list[dict[str, Any]] = []
    position = pc = 0
    fn_name: str | None = None
    active_fn: tuple[str, int, int, str] | None = None  # (source id, start, end, name)
    fallback_value = "unassigned"
    for index, (start, length, source_id, jump) in enumerate(source_map):
        op = opcodes[position]
        position += 1
        this: dict[str, Any] = {"op": op, "pc": pc}
        pc_list.append(this)
        if (
            fallback_value == "unassigned"
            and op == "REVERT"
            and [i["op"] for i in pc_list[-4:-1]] == ["JUMPDEST", "PUSH1", "DUP1"]
        ):
            fallback_value = f"0x{hex(pc - 4).upper()[2:]}"  # the selector table's final REVERT
            this["first_revert"] = True
        if jump != "-":
            this["jump"] = jump
        pc += 1
        if op.startswith("PUSH") and position < len(opcodes) and opcodes[position].startswith("0x"):
            this["value"] = opcodes[position]
            position += 1
            pc += int(op[4:])
        if op == "REVERT" and (source_id == -1 or source_map[index] == source_map[0]):
            _infer_revert_offset(pc_list, source_map[index + 1 : index + 2], active_fn)
        if str(source_id) not in scope:
            continue  # -1 (no source) or one of solc's generated Yul sources
        this["path"] = str(source_id)
        if start == -1:
            continue
        offset = (start, start + length)
        this["offset"] = list(offset)
        if len(pc_list) > 1 and pc_list[-2].get("offset") == list(offset):
            this["fn"] = fn_name
        else:
            inside = [f for f in functions[str(source_id)] if f[0] <= offset[0] and offset[1] <= f[1]]
            if inside:
                fn_name = inside[0][2]
                active_fn = (str(source_id), *inside[0])
                this["fn"] = fn_name
    while position < len(opcodes) and opcodes[position] not in ("INVALID", "STOP") and pc < instruction_count:
        op = opcodes[position]  # solc's map can stop short of the code; Brownie maps the rest bare
        position += 1
        this = {"op": op, "pc": pc}
        pc_list.append(this)
        pc += 1
        if op.startswith("PUSH") and position < len(opcodes) and opcodes[position].startswith("0x"):
            this["value"] = opcodes[position]
            position += 1
            pc += int(op[4:])
    return {str(entry.pop("pc")): entry for entry in pc_list}


def _infer_revert_offset(
    pc_list: list[dict[str, Any]],
    following: list[tuple[int, int, int, str]],
    active_fn: tuple[str, int, int, str] | None,
) -> None:
    """A REVERT without a source offset gets one, as Brownie's `_find_revert_offset` does: the
    payable check of a nonpayable function, or the next instruction's place in the function."""
    this = pc_list[-1]
    if following and len(pc_list) >= 8 and pc_list[-8]["op"] == "CALLVALUE":
        caller = pc_list[-8]
        this.update(
            dev="Cannot send ether to nonpayable function",
            fn=caller.get("fn", "<unknown>"),
            offset=caller.get("offset"),
            path=caller.get("path"),
        )
        return
    if active_fn is None or not following or following[0][2] == -1:
        return
    source_id, fn_start, fn_end, fn_name = active_fn
    start, stop = following[0][0], following[0][0] + following[0][1]
    if (start, stop) != (fn_start, fn_end) and fn_start <= start and stop <= fn_end:
        this.update(path=source_id, fn=fn_name, offset=[start, stop])


def _format_link_references(bytecode: dict[str, Any]) -> str:
    """Unlinked library placeholders in Brownie's `__Name____…__` form (none in our contracts)."""
    code: str = bytecode["object"]
    for libraries in bytecode.get("linkReferences", {}).values():
        for library, places in libraries.items():
            for place in places:
                at = place["start"] * 2
                code = f"{code[:at]}__{library[:36]:_<36}__{code[at + 40 :]}"
    return code


def _remove_metadata(bytecode: str) -> str:
    """Bytecode without solc's CBOR metadata trailer (its length is in the last two bytes)."""
    return bytecode[: -(int(bytecode[-4:], 16) + 2) * 2] if bytecode else ""


def _merge_natspec(devdoc: dict[str, Any], userdoc: dict[str, Any]) -> dict[str, Any]:
    """`brownie.project.compiler.utils.merge_natspec`: one dict, method docs merged."""
    natspec: dict[str, Any] = {"methods": {}, **userdoc, **devdoc}
    user, dev = userdoc.get("methods", {}), devdoc.get("methods", {})
    natspec["methods"] = {key: {**user.get(key, {}), **dev.get(key, {})} for key in {*user, *dev}}
    return natspec


# ---------------------------------------------------------------- project files


def _brownie_config() -> str:
    """Pins the compiler so Brownie never resolves (and downloads) one from pragmas, and
    matches the optimizer our artifacts were built with, so Brownie deems them current."""
    config = {
        "project_structure": {
            "build": "build",
            "contracts": "contracts",
            "interfaces": "interfaces",
            "scripts": "scripts",
            "tests": "tests",
        },
        "compiler": {
            "evm_version": EVM_VERSION,
            "solc": {
                "version": SOLC_VERSION,
                "optimizer": dict(OPTIMIZER),
                "remappings": ["@openzeppelin/=node_modules/@openzeppelin/"],
            },
        },
        # No `networks.default`: eth-brownie 1.22 fails to load a project config that sets it
        # ("TypeError: dict object expected; got str"); pass `--network` instead.
        "networks": {
            # anvil started outside Brownie keeps its base fee (1 gwei); Brownie's development
            # default `gas_price: 0` would be refused, so ask the node for its price instead.
            "development": {"gas_price": "auto", "gas_limit": "auto"},
        },
    }
    header = (
        "# Written by `lawdsl export brownie`. The build in build/contracts is complete: keep\n"
        "# compiler.solc as it is, or Brownie will recompile (and try to download solc).\n"
    )
    return header + yaml.safe_dump(config, sort_keys=False)


def _manifest(statutes: list[Statute], generated: list[GeneratedContract], out_dir: Path) -> dict[str, Any]:
    """What the project's scripts and tests deploy, read at run time (so they hold no data)."""
    entries = []
    statutes_dir = out_dir / "statutes"
    for statute, contract in zip(statutes, generated):
        source = Path(statute.source_name)
        law_file = None
        if source.is_file():
            law_file = f"statutes/{source.name}"
            _write(statutes_dir / source.name, source.read_text("utf-8"))
        header = statute.header
        entries.append(
            {
                "title": header.title,
                "version": header.version,
                "domain": header.domain.value,
                "contract": contract.name,
                "currency": header.currency,
                "currencyDigits": CURRENCY_DIGITS[header.currency],
                "lawSourceHash": "0x" + law_source_hash(statute).hex(),
                "lawFile": law_file,
            }
        )
    return {
        "compiler": {"solc": SOLC_VERSION, "evmVersion": EVM_VERSION, "optimizer": OPTIMIZER},
        "brownie": BROWNIE_VERSION,
        "statutes": entries,
    }


def _copy_openzeppelin_notices(out_dir: Path) -> None:
    """OpenZeppelin is MIT-licensed: its licence and package.json travel with its files."""
    source = PROJECT_ROOT / OPENZEPPELIN
    for name in ("package.json", "LICENSE", "README.md"):
        if (source / name).is_file():
            _write(out_dir / OPENZEPPELIN / name, (source / name).read_text())


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
