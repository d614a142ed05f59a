"""`lofin pb solve|explain|check FILE.pb ...` — the same engine as the web app, from the command line.

    lofin pb solve FILE.pb --rule {greedy,mes,mes+greedy,mes-add1} [--sat {cost,cardinality,points,borda}] [--json]
    lofin pb explain FILE.pb --rule RULE [--sat SAT] (--voter ID | --project ID)
    lofin pb check FILE.pb            parse only: exit 2 with the line number of the first problem

A malformed file prints its error to stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from .engine import solve
from .explain import explain, explain_project
from .model import RULES, SATISFACTIONS, VotingError, gettext_noop, translate
from .pabulib import parse_pb


def _natural(pid: str) -> tuple:
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", pid) if t)


def _setup_django() -> None:
    """Translated messages when the project's settings load; plain English otherwise."""
    try:
        import django

        django.setup()
    except Exception:  # noqa: S110 - the engine does not need Django; only the message catalogue does
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lofin pb", description="Participatory-budgeting elections (pabulib .pb)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("solve", "explain"):
        cmd = sub.add_parser(name)
        cmd.add_argument("file")
        cmd.add_argument("--rule", choices=RULES, required=True)
        cmd.add_argument("--sat", choices=SATISFACTIONS, default=None)
        cmd.add_argument("--json", action="store_true", help="print JSON")
        if name == "explain":
            who = cmd.add_mutually_exclusive_group(required=True)
            who.add_argument("--voter")
            who.add_argument("--project")
    check = sub.add_parser("check")
    check.add_argument("file")
    args = parser.parse_args(argv)
    _setup_django()
    try:
        election = parse_pb(args.file)
        if args.command == "check":
            summary = gettext_noop("%(projects)d projects, %(ballots)d ballots, budget %(budget)d")
            print(translate(summary) % {"projects": len(election.projects), "ballots": len(election.ballots),
                                        "budget": election.budget})  # fmt: skip
            return 0
        outcome = solve(election, args.rule, args.sat)
        if args.command == "solve":
            winners = sorted(outcome.winners, key=_natural)
            if args.json:
                print(json.dumps({"winners": winners, "total_cost": outcome.total_cost}))
            else:
                print(f"{outcome.rule} [{outcome.sat}]: {len(winners)} projects, total cost {outcome.total_cost}")
                print(" ".join(winners))
            return 0
        if args.voter:
            try:
                result = explain(election, outcome, args.voter).as_dict()
            except KeyError:
                print(translate(gettext_noop("No voter %(id)s.")) % {"id": args.voter}, file=sys.stderr)
                return 2
        else:
            try:
                result = explain_project(election, outcome, args.project).as_dict()
            except KeyError:
                print(translate(gettext_noop("No project %(id)s.")) % {"id": args.project}, file=sys.stderr)
                return 2
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=1))
        else:
            for verdict in result.get("projects", [result]):
                mark = "+" if verdict["won"] else "-"
                print(f"{mark} {verdict['project']} {verdict['name']}: {verdict['message']}")
        return 0
    except VotingError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
