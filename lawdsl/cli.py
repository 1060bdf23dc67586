"""The `lawdsl` command line (README.md, "Commands").

Language commands live here. Commands that need the compiler or a chain
(`compile`, `run`, `chain`, `deploy`, `oracle …`, …) are contributed by the
`compiler`, `chain`, `oracles` and `citizens` packages through `register(subparsers)` hooks, loaded by name,
so that `lawdsl/` itself never depends on web3 or solc.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Callable

from .check.lint import lint
from .diagnostics import StatuteError
from .expect import ExpectationError, compare
from .formatter import format_source
from .load import load_statute, read_source
from .outcome import Outcome
from .report import print_outcome
from .scenario import Scenario, load_scenario
from .terminal import console

#: Packages that add subcommands; each has `register(subparsers)`.
COMMAND_PROVIDERS = (
    "compiler.commands",
    "oracles.cli",
    "chain.commands",
    "citizens.commands",
    "citizens.portal.commands",
)

#: `lawdsl test --chain` asks this hook (set by chain.commands) to run a scenario on a chain.
chain_runner: Callable[[Scenario, argparse.Namespace], Outcome] | None = None

out = console()
err = console(stderr=True)


STATUTE_HELP = (
    "the statute to run the scenario against, instead of its 'statute:' (which must be a .law file "
    "in the scenario's folder or below)"
)


class UsageError(Exception):
    """A command was called wrongly; the message says how to call it."""


def cmd_check(args: argparse.Namespace) -> int:
    """Errors fail the check; warnings (`lawdsl/check/lint.py`) are printed, and fail it with `--strict`."""
    failed = 0
    for path in args.files:
        try:
            statute = load_statute(path)
        except StatuteError as error:
            failed += 1
            print(error.render(), file=sys.stderr)
            continue
        warnings = lint(statute)
        if warnings:
            text = Path(path).read_text("utf-8")
            print("\n".join(w.render(text) for w in warnings), file=sys.stderr)
            if args.strict:
                failed += 1
                continue
        if not args.quiet:
            out.print(f"{path}: ok")
    return 1 if failed else 0


def cmd_fmt(args: argparse.Namespace) -> int:
    status = 0
    for path in map(Path, args.files):
        try:
            text = read_source(path)
            formatted = format_source(text, str(path))
        except StatuteError as error:
            print(error.render(), file=sys.stderr)
            status = 1
            continue
        if formatted == text:
            continue
        if args.check:
            print(f"{path}: would be reformatted", file=sys.stderr)
            status = 1
        else:
            path.write_text(formatted, "utf-8")
            out.print(f"{path}: formatted")
    return status


def cmd_simulate(args: argparse.Namespace) -> int:
    from .interpret import interpret, interpret_explained

    scenario = load_scenario(args.scenario, args.statute)
    if not args.explain:
        show(interpret(scenario), args.json)
        return 0
    outcome, explanations = interpret_explained(scenario)
    if args.json:
        print(
            json.dumps(
                {**outcome.to_json(), "explanations": [e.to_json() for e in explanations]}, indent=2, ensure_ascii=False
            )
        )
    else:
        print_outcome(outcome, out)
        for explanation in explanations:
            out.print("\n".join(explanation.lines(scenario.statute)), soft_wrap=True, markup=False)
    return 0


def show(outcome: Outcome, as_json: bool) -> None:
    if as_json:
        print(json.dumps(outcome.to_json(), indent=2, ensure_ascii=False))
    else:
        print_outcome(outcome, out)


def cmd_test(args: argparse.Namespace) -> int:
    from .interpret import interpret

    if args.chain and chain_runner is None:
        raise UsageError("--chain needs the oracles package (run `make bootstrap`)")
    failures = 0
    for path in args.scenarios:
        try:
            scenario = load_scenario(path, args.statute)
        except StatuteError as error:
            print(error.render(), file=sys.stderr)
            failures += 1
            continue
        if scenario.expect is None:
            err.print(f"[red]FAIL[/red] {path}: the scenario has no expect: block")
            failures += 1
            continue
        runs: list[tuple[str, Callable[[], Outcome]]] = [("interpreter", lambda: interpret(scenario))]
        if args.chain:
            assert chain_runner is not None  # checked above
            runner = chain_runner
            runs.append(("chain", lambda: runner(scenario, args)))
        for where, run in runs:
            try:
                problems = compare(scenario.expect, run())
            except ExpectationError as error:
                problems = [str(error)]
            if problems:
                failures += 1
                err.print(f"[red]FAIL[/red] {path} ({where})")
                for problem in problems:
                    print("  " + problem.replace("\n", "\n  "), file=sys.stderr)
            else:
                out.print(f"[green]PASS[/green] {path} ({where})")
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lawdsl", description="Statutes as executable code.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="parse and type-check statutes")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("-q", "--quiet", action="store_true", help="print only errors and warnings")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    check.set_defaults(func=cmd_check)

    fmt = commands.add_parser("fmt", help="rewrite statutes in the canonical layout")
    fmt.add_argument("files", nargs="+", metavar="FILE")
    fmt.add_argument("--check", action="store_true", help="exit 1 if a file would change; change nothing")
    fmt.set_defaults(func=cmd_fmt)

    simulate = commands.add_parser("simulate", help="run a scenario with the reference interpreter")
    simulate.add_argument("scenario", metavar="SCENARIO")
    simulate.add_argument("--json", action="store_true", help="print the outcome as JSON")
    simulate.add_argument("--statute", metavar="FILE", help=STATUTE_HELP)
    simulate.add_argument(
        "--explain",
        action="store_true",
        help="also show why each payment has its amount: shifts, minutes per article, rate, "
        "wage, exact amount, rounding, why it waited",
    )
    simulate.set_defaults(func=cmd_simulate)

    test = commands.add_parser("test", help="check scenarios' expect: blocks")
    test.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    test.add_argument("--chain", action="store_true", help="also run each scenario on a chain")
    test.add_argument("--statute", metavar="FILE", help=STATUTE_HELP)
    test.add_argument("--rpc", metavar="URL", help="the chain to use with --chain (default: a private anvil)")
    test.set_defaults(func=cmd_test)

    for provider in COMMAND_PROVIDERS:
        try:
            module = importlib.import_module(provider)
        except ImportError:
            continue
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.func(args)
        return status
    except StatuteError as error:
        print(error.render(), file=sys.stderr)
        return 1
    except UsageError as error:
        print(f"lawdsl: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug of ours: say so plainly, keep the traceback for developers
        if os.environ.get("LAWDSL_DEBUG"):
            raise
        print(
            f"lawdsl: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in lawdsl; run again with LAWDSL_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    # `python -m lawdsl.cli` runs this file as `__main__`: command providers set their hooks
    # (`chain_runner`) on the module `lawdsl.cli`, so run that module's `main`, not this copy's.
    from lawdsl import cli

    sys.exit(cli.main())
