"""Run by the Brownie venv's Python: Brownie's own artifacts for a solc output, compared with ours.

argv: the standard-JSON input file, solc's output file, the exported project. Prints JSON:
{"compared": n, "missing": [...], "differences": {"Name.key": "..."}, "pc_map_entries": n,
"pc_map_differences": n}. Run from the lawdsl checkout: Brownie reads every imported source
(the compile covers all of contracts/, not only what the export needed) from node_modules/.
"""

import json
import sys
from pathlib import Path

import packaging.version
import solcx

# Brownie asks solcx for the active compiler's version while it builds pcMaps; there is none here.
solcx.get_solc_version = lambda with_commit_hash=False: packaging.version.Version("0.8.30")

from brownie.project.compiler import generate_build_json  # noqa: E402  (after the solcx patch above)

IGNORED_PC_KEYS = ("statement", "branch")  # coverage markers, which the export leaves out


def main(input_path: str, output_path: str, project: str) -> None:
    solc_input = json.loads(Path(input_path).read_text())
    solc_output = json.loads(Path(output_path).read_text())
    metadata = next(c["metadata"] for cs in solc_output["contracts"].values() for c in cs.values())
    version = json.loads(metadata)["compiler"]["version"]
    reference = json.loads(json.dumps(generate_build_json(solc_input, solc_output, {"version": version}), default=list))
    build = Path(project) / "build" / "contracts"
    report = {"compared": 0, "missing": [], "differences": {}, "pc_map_entries": 0, "pc_map_differences": 0}
    for name, theirs in reference.items():
        path = build / f"{name}.json"
        if not path.exists():
            report["missing"].append([name, theirs["sourcePath"]])
            continue
        ours = json.loads(path.read_text())
        report["compared"] += 1
        for key in sorted(set(theirs) | set(ours)):
            if key == "coverageMap":
                continue
            if key == "pcMap":
                strip = {
                    pc: {k: v for k, v in entry.items() if k not in IGNORED_PC_KEYS}
                    for pc, entry in theirs[key].items()
                }
                report["pc_map_entries"] += len(strip)
                report["pc_map_differences"] += sum(strip[pc] != ours[key].get(pc) for pc in strip)
                report["pc_map_differences"] += len(set(ours[key]) - set(strip))
            elif theirs.get(key) != ours.get(key):
                report["differences"][f"{name}.{key}"] = f"{str(theirs.get(key))[:120]} != {str(ours.get(key))[:120]}"
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:4])
