"""`lofin pb solve|explain|check FILE.pb ...` — the same engine as the web app, from the command line.

    lofin pb solve FILE.pb --rule {greedy,mes,mes+greedy,mes-add1} [--sat {cost,cardinality,points,borda}]
                   [--explain] [--write OUT.pb] [--json] [--lang {ko,en}]
    lofin pb explain FILE.pb --rule RULE [--sat SAT] (--voter ID | --project ID) [--json]
    lofin pb check FILE.pb            parse only: exit 2 with the line number of the first problem

FILE may be `-` (standard input); `--write -` writes the file with its `selected` column to standard output (the
summary then goes to standard error). Messages are Korean unless `--lang en` or LOFIN_LANGUAGE=en. A malformed file
exits with status 2 and its message (with the line) on standard error, or with `--json` as
{"error": {"code", "message", "line", ...}} on standard output.

Django is not loaded: the command imports only the engine (and numpy), so it starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import sys
from fractions import Fraction
from typing import Any, NoReturn

from . import i18n
from .engine import Outcome, solve
from .explain import MEASURES, explain, explain_project, format_money, money_places, selection
from .i18n import N_, translate
from .model import (
    RULES,
    SATISFACTIONS,
    Election,
    PbFormatError,
    VotingError,
    format_amount,
    gettext_noop,
    money_scale,
)
from .pabulib import fill_selected, parse_pb_text

EXIT_ERROR = 2  # a problem with the input or the request
EXIT_INTERNAL = 1


class CliError(Exception):
    """An error to report (as text on stderr, or as JSON on stdout) with its code and exit status."""

    def __init__(self, code: str, message: str, status: int = EXIT_ERROR, **details: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.details = code, message, status, details


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError("usage", translate(N_("Invalid arguments: %(detail)s")) % {"detail": message})


def _natural(pid: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", pid) if t)


def _parser() -> argparse.ArgumentParser:
    t = translate
    parser = _Parser(
        prog="lofin pb", description=t(N_("Participatory-budgeting elections in the pabulib format (.pb)"))
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("file", help=t(N_("a pabulib file, or - for standard input")))
        cmd.add_argument("--json", action="store_true", help=t(N_("print JSON (errors too)")))
        cmd.add_argument("--lang", choices=i18n.LANGUAGES, help=t(N_("language of messages (default: Korean)")))

    for name in ("solve", "explain"):
        cmd = sub.add_parser(name, help=t(N_("the winners by a rule")) if name == "solve" else t(N_("why a voter's "
                             "projects or one project won or lost")))  # fmt: skip
        common(cmd)
        cmd.add_argument("--rule", choices=RULES, required=True)
        cmd.add_argument("--sat", choices=SATISFACTIONS, default=None, help=t(N_("satisfaction measure")))
        if name == "solve":
            cmd.add_argument("--explain", action="store_true", help=t(N_("each winner's round, price and budget left")))
            cmd.add_argument(
                "--write", metavar="OUT", help=t(N_("write the file with its selected column (- = stdout)"))
            )
        else:
            who = cmd.add_mutually_exclusive_group(required=True)
            who.add_argument("--voter")
            who.add_argument("--project")
    common(sub.add_parser("check", help=t(N_("read the file and report its first problem"))))
    return parser


def _read(name: str) -> str:
    """The file's text as it is, line endings included (`--write` writes it back changed in one column only)."""
    if name == "-":
        try:
            return sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CliError(
                "io", translate(N_("Cannot read %(file)s: %(error)s")) % {"file": name, "error": exc}
            ) from None
    try:
        with open(name, encoding="utf-8-sig", newline="") as f:
            return f.read()
    except FileNotFoundError:
        raise CliError("not_found", translate(N_("No such file: %(file)s")) % {"file": name}, file=name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError("io", translate(N_("Cannot read %(file)s: %(error)s")) % {"file": name, "error": exc}) from None


def _json_default(value: object) -> str:
    if isinstance(value, Fraction):
        return str(value)
    raise TypeError(type(value).__name__)


def _amount(value: int | Fraction) -> int | str:
    return value if isinstance(value, int) else format_amount(value)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    json_mode = "--json" in argv
    lang = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--lang"), None)
    lang = next((a.split("=", 1)[1] for a in argv if a.startswith("--lang=")), lang)
    i18n.activate(lang)
    out = sys.stdout
    try:
        args = _parser().parse_args(argv)
        if getattr(args, "write", None) == "-":
            out = sys.stderr  # the file goes to stdout: the summary must not mix with it
        return _run(args, out)
    except CliError as exc:
        if json_mode:
            payload = {"code": exc.code, "message": exc.message, **exc.details}
            print(json.dumps({"error": payload}, ensure_ascii=False, default=_json_default))
        else:
            print(exc.message, file=sys.stderr)
        return exc.status
    except Exception as exc:  # with --json even a fault must be JSON; without it, the traceback helps more
        if not json_mode:
            raise
        message = f"{type(exc).__name__}: {exc}"
        print(json.dumps({"error": {"code": "internal", "message": message}}, ensure_ascii=False))
        return EXIT_INTERNAL


def _run(args: argparse.Namespace, out: Any) -> int:
    # One command, then the process ends: the cyclic collector would only walk the hundreds of thousands of ballot
    # objects again and again (a third of the parse time) to free nothing, since ballots hold no cycles.
    gc.disable()
    text = _read(args.file)
    try:
        election = parse_pb_text(text, decimals=True)
        if args.command == "check":
            return _check(election, args, out)
        outcome = solve(election, args.rule, args.sat)
    except PbFormatError as exc:
        where = {"line": exc.line} if exc.line else {}  # 0: the file as a whole (a section is missing)
        raise CliError("format", str(exc), **where, file=args.file) from None
    except VotingError as exc:
        raise CliError("invalid", str(exc)) from None
    if args.command == "solve":
        if args.write:
            _write(text, outcome, args.write)
        return _solve(election, outcome, args, out)
    return _explain(election, outcome, args, out)


def _check(election: Election, args: argparse.Namespace, out: Any) -> int:
    if args.json:
        summary = {"projects": len(election.projects), "ballots": len(election.ballots), "vote_type": election.vote_type,
                   "budget": _amount(election.budget)}  # fmt: skip
        print(json.dumps(summary), file=out)
        return 0
    message = translate(N_("%(projects)d projects, %(ballots)d ballots, budget %(budget)s"))
    params = {"projects": len(election.projects), "ballots": len(election.ballots)}
    print(message % {**params, "budget": format_amount(election.budget)}, file=out)
    return 0


def _write(text: str, outcome: Outcome, target: str) -> None:
    filled = fill_selected(text, set(outcome.winners))
    if target == "-":
        sys.stdout.write(filled)
        sys.stdout.flush()
        return
    try:
        with open(target, "w", encoding="utf-8", newline="") as f:
            f.write(filled)
    except OSError as exc:
        raise CliError(
            "io", translate(N_("Cannot write %(file)s: %(error)s")) % {"file": target, "error": exc}
        ) from None


def _solve(election: Election, outcome: Outcome, args: argparse.Namespace, out: Any) -> int:
    winners = sorted(outcome.winners, key=_natural)
    steps = selection(election, outcome) if args.explain else []
    if args.json:
        result: dict[str, Any] = {
            "winners": winners, "total_cost": _amount(outcome.total_cost), "budget": _amount(outcome.budget),
            "rule": outcome.rule, "sat": outcome.sat, "order": list(outcome.winners),
        }  # fmt: skip
        if outcome.endowment is not None:
            result.update(endowment=str(outcome.endowment), add1_steps=outcome.add1_steps)
        if args.explain:
            result["explain"] = [s.as_dict() for s in steps]
        print(json.dumps(result, ensure_ascii=False), file=out)
        return 0
    places = money_places(money_scale(election))

    def money(value: int | Fraction) -> str:
        return format_money(value, places)

    summary = N_("%(rule)s [%(sat)s]: %(count)d projects, total cost %(total)s of the budget %(budget)s")
    print(translate(summary) % {"rule": outcome.rule, "sat": outcome.sat, "count": len(winners),
                                "total": money(outcome.total_cost), "budget": money(outcome.budget)}, file=out)  # fmt: skip
    print(" ".join(winners), file=out)
    if not args.explain:
        return 0
    if outcome.endowment is not None:
        share = N_("Each voter's equal share: %(share)s (exactly %(exact)s), after %(steps)d add1 steps.")
        print(translate(share) % {"share": money(outcome.endowment), "exact": outcome.endowment,
                                  "steps": outcome.add1_steps}, file=out)  # fmt: skip
    for k, s in enumerate(steps, start=1):
        params = {"n": k, "project": s.project, "name": s.name, "cost": money(s.cost), "left": money(s.remaining)}
        if s.step == "free":
            line = N_("%(n)d. %(project)s %(name)s: costs nothing, taken before round 1; budget left %(left)s")
        elif s.step == "mes":
            line = N_("%(n)d. %(project)s %(name)s: round %(round)d, cost %(cost)s, each supporter paid at most "
                      "%(price)s (ρ = %(rho)s per unit of satisfaction); budget left %(left)s")  # fmt: skip
            params.update(round=s.round, price=money(s.price or 0), rho=s.rho)
        else:
            line = N_("%(n)d. %(project)s %(name)s: greedy, rank %(rank)d by %(measure)s, cost %(cost)s; budget left "
                      "%(left)s")  # fmt: skip
            params.update(rank=s.rank or 0, measure=translate(MEASURES[outcome.sat]))
        print(translate(line) % params, file=out)
    return 0


def _explain(election: Election, outcome: Outcome, args: argparse.Namespace, out: Any) -> int:
    if args.voter:
        try:
            result = explain(election, outcome, args.voter).as_dict()
        except KeyError:
            message = translate(gettext_noop("No voter %(id)s.")) % {"id": args.voter}
            raise CliError("not_found", message, voter=args.voter) from None
    else:
        try:
            result = explain_project(election, outcome, args.project).as_dict()
        except KeyError:
            message = translate(gettext_noop("No project %(id)s.")) % {"id": args.project}
            raise CliError("not_found", message, project=args.project) from None
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, default=_json_default), file=out)
    else:
        for verdict in result.get("projects", [result]):
            mark = "+" if verdict["won"] else "-"
            print(f"{mark} {verdict['project']} {verdict['name']}: {verdict['message']}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
