"""Fail on any Slither or forge lint finding that is neither fixed nor triaged in contracts/triage.toml.

Both tools write JSON (Slither: `--json FILE`; forge lint: one diagnostic a line with `--json`).
A finding is keyed by tool, check, file and where: for Slither the name of its first element (a
function, variable or statement), for forge lint the trimmed source line, so that edits elsewhere
in a file do not unsettle the triage. A triage entry's `where = "*"` covers the check in the whole
file (used for contracts being rewritten this round; narrow it once they land). Each entry says
why in `why`. Entries that match nothing are reported so the list does not rot, without failing
(another branch may have fixed the finding).
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIAGE = ROOT / "contracts" / "triage.toml"
#: Findings in code the project does not own or that only exercises the contracts.
IGNORED_PREFIXES = ("node_modules/", "contracts/test/")


@dataclass(frozen=True)
class Finding:
    tool: str
    check: str
    file: str
    where: str
    text: str  # what the tool said, for the report

    def __str__(self) -> str:
        return f"{self.tool} {self.check} {self.file} [{self.where}]: {self.text}"


def slither_findings(path: Path) -> list[Finding]:
    report = json.loads(path.read_text())
    if not report.get("success", False) and report.get("error"):
        raise SystemExit(f"slither failed: {report['error']}")
    findings = []
    for result in report.get("results", {}).get("detectors", []):
        element = result["elements"][0] if result["elements"] else {}
        file = element.get("source_mapping", {}).get("filename_relative", "")
        findings.append(
            Finding(
                "slither",
                result["check"],
                file,
                element.get("name", ""),
                result["description"].strip().splitlines()[0],
            )
        )
    return findings


def lint_findings(path: Path) -> list[Finding]:
    findings = []
    for line in path.read_text().splitlines():
        if not line.startswith("{"):
            continue
        diagnostic = json.loads(line)
        if diagnostic.get("$message_type") != "diagnostic" or not diagnostic.get("spans"):
            continue
        span = diagnostic["spans"][0]
        source = span["text"][0]["text"].strip() if span.get("text") else ""
        findings.append(
            Finding(
                "forge-lint",
                diagnostic["code"]["code"],
                span["file_name"],
                source,
                f"{diagnostic['message']} (line {span['line_start']})",
            )
        )
    return findings


def triage_entries(path: Path = TRIAGE) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = tomllib.loads(path.read_text()).get("finding", [])
    for entry in entries:
        missing = {"tool", "check", "file", "where", "why"} - entry.keys()
        if missing:
            raise SystemExit(f"{path}: an entry lacks {', '.join(sorted(missing))}: {entry}")
    return entries


def matches(entry: dict[str, str], finding: Finding) -> bool:
    return (entry["tool"], entry["check"], entry["file"]) == (
        finding.tool,
        finding.check,
        finding.file,
    ) and entry["where"] in ("*", finding.where)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slither", type=Path, help="Slither's --json report")
    parser.add_argument("--lint", type=Path, help="forge lint --json output")
    args = parser.parse_args(argv)
    findings = (slither_findings(args.slither) if args.slither else []) + (
        lint_findings(args.lint) if args.lint else []
    )
    findings = [f for f in findings if not f.file.startswith(IGNORED_PREFIXES)]
    entries = triage_entries()
    untriaged = [f for f in findings if not any(matches(e, f) for e in entries)]
    tools = {f.tool for f in findings} | {
        "slither" if args.slither else "",
        "forge-lint" if args.lint else "",
    }
    stale = [e for e in entries if e["tool"] in tools and not any(matches(e, f) for f in findings)]
    for entry in stale:
        print(
            f"note: triage entry matches nothing (fixed?): {entry['tool']} {entry['check']} "
            f"{entry['file']} [{entry['where']}]"
        )
    for finding in untriaged:
        print(f"untriaged: {finding}")
    print(
        f"{len(findings)} findings, {len(findings) - len(untriaged)} triaged, {len(untriaged)} untriaged "
        f"(fix them, or triage them in {TRIAGE.relative_to(ROOT)} with why)"
    )
    return 1 if untriaged else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
