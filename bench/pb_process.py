"""Participatory-budgeting elections as a user runs them (issue 11): Lofin's whole `lofin pb solve` process (start,
parse, rule) against pabutools 1.2.3's parse + rule, on the same .pb files in the same run.

    .venv/bin/python -m bench.pb_process                         (every class below; several hours with pabutools)
    .venv/bin/python -m bench.pb_process --part money --limit 120 (decimal money and large currencies only)
    .venv/bin/python -m bench.pb_process --files DIR/*.pb        (real pabulib files instead, every rule × satisfaction)
    .venv/bin/python -m bench.pb_process --part large --rules greedy,mes --sats points,borda --repeat 5
                                                                 (some rows only; Lofin's median of 5 processes)

Election classes (seeded, lofin.participation.voting.synthetic; written as .pb files under a temporary directory):

- `money`: a city-wide approval election in złoty with grosze (60,000 voters, 120 projects, every amount with
  grosze: shares of about 400 zł, so mes-add1 adds 1 zł = 100 grosze per step), and one in forints (30,000 voters,
  175 projects of 1–120 million, budget about 1.2 billion: shares of about 40,000 forints, long ballots);
- `large`: a 130,000-voter city election (approval, 100 projects) and 100,000-voter elections for every satisfaction
  measure (approval: cost, cardinality; cumulative: points; ordinal: Borda).

Lofin runs the installed `lofin` command in a subprocess (wall time of the whole process, and its CPU time); pabutools
runs `parse_pabulib` and the rule in a subprocess that is stopped after `--limit` seconds of wall time (then "> limit")
and reports its wall and CPU time for parse + rule. Prints a Markdown table and writes
bench/results/pb-process-<timestamp>.json. The machine is shared: the load average at the start and the end of each
row is recorded with it, and the speed-up is given on wall time and on CPU time (which a busy machine disturbs less).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lofin.participation.voting import RULES, Election, Project, parse_pb, write_pb  # noqa: E402
from lofin.participation.voting.synthetic import synthetic_election  # noqa: E402

RESULTS = ROOT / "bench" / "results"
LOFIN = str(Path(sys.executable).with_name("lofin"))
SATS = {
    "approval": ["cost", "cardinality"],
    "cumulative": ["points"],
    "scoring": ["points"],
    "ordinal": ["borda"],
}

PABUTOOLS = r"""
import json, sys, time
from pabutools.election import parse_pabulib
sys.path.insert(0, sys.argv[4])
from lofin.participation.voting.reference import pabutools_winners
wall, cpu = time.perf_counter(), time.process_time()
instance, profile = parse_pabulib(sys.argv[1])
winners = pabutools_winners(instance, profile, sys.argv[2], sys.argv[3])
print(json.dumps({"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "winners": winners}))
"""


def zloty_city(n_voters: int = 60_000, seed: int = 26) -> Election:
    """Approval, 120 projects of 20,000–2,000,000 zł with grosze, a budget with grosze (about 400 zł a voter)."""
    base = synthetic_election(seed=seed, n_voters=n_voters, n_projects=120, mean_length=5, max_length=10,
                              cost_range=(20_000, 2_000_000), budget_share=0.2)  # fmt: skip
    rng = random.Random(seed)
    projects = [Project(p.id, Fraction(p.cost * 100 + rng.randrange(100), 100)) for p in base.projects]
    budget = Fraction(n_voters * 400 * 100 + rng.randrange(100), 100)
    return Election(budget, projects, base.ballots, "approval", meta={"currency": "PLN", "description": "synthetic"})


def forint_city(n_voters: int = 30_000, seed: int = 11) -> Election:
    """Approval, 175 projects of 1–120 million forints, long ballots (mean about 6), budget 12 % of the total."""
    return synthetic_election(seed=seed, n_voters=n_voters, n_projects=175, mean_length=6,
                              cost_range=(1_000_000, 120_000_000), budget_share=0.12)  # fmt: skip


def instances(part: str) -> list[tuple[str, Election, list[str]]]:
    """(label, election, satisfactions)."""
    out: list[tuple[str, Election, list[str]]] = []
    if part in ("all", "money"):
        out.append(("złoty with grosze, approval 60,000 × 120", zloty_city(), ["cost", "cardinality"]))
        out.append(("forints, approval 30,000 × 175", forint_city(), ["cost", "cardinality"]))
    if part in ("all", "large"):
        city = synthetic_election(seed=130, n_voters=130_000, n_projects=100, mean_length=4, max_length=10,
                                  cost_range=(100_000, 2_000_000), budget_share=0.25)  # fmt: skip
        out.append(("city, approval 130,000 × 100", city, ["cost", "cardinality"]))
        for vote_type, sat in (("cumulative", "points"), ("ordinal", "borda")):
            election = synthetic_election(seed=100, n_voters=100_000, n_projects=80, vote_type=vote_type,
                                          mean_length=4, max_length=10, cost_range=(100_000, 2_000_000),
                                          budget_share=0.25)  # fmt: skip
            out.append((f"{vote_type} 100,000 × 80", election, [sat]))
    return out


def load() -> float:
    return os.getloadavg()[0]


def lofin(path: Path, rule: str, sat: str) -> dict[str, Any]:
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run([LOFIN, "pb", "solve", str(path), "--rule", rule, "--sat", sat, "--json"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    answer = json.loads(done.stdout)
    return {"wall": wall, "cpu": cpu, "winners": sorted(answer["winners"]), "add1_steps": answer.get("add1_steps")}


def pabutools(path: Path, rule: str, sat: str, limit: float) -> dict[str, Any] | None:
    try:
        done = subprocess.run([sys.executable, "-c", PABUTOOLS, str(path), rule, sat, str(ROOT / "src")],
                              capture_output=True, text=True, timeout=limit, check=True)  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout)


def measure(
    label: str, path: Path, sats: list[str], limit: float, with_pabutools: bool, rules: list[str], repeat: int
) -> list[dict[str, Any]]:
    rows = []
    for sat in sats:
        for rule in rules:
            load_before = load()
            # the median of `repeat` whole processes: one run of a one-second process is at the mercy of the machine
            runs = sorted((lofin(path, rule, sat) for _ in range(repeat)), key=lambda run: run["wall"])
            ours = runs[len(runs) // 2]
            row: dict[str, Any] = {
                "election": label, "rule": rule, "sat": sat, "lofin_wall_s": round(ours["wall"], 3),
                "lofin_cpu_s": round(ours["cpu"], 3), "add1_steps": ours["add1_steps"],
            }  # fmt: skip
            if with_pabutools:
                theirs = pabutools(path, rule, sat, limit)
                if theirs is None:
                    row["pabutools_over_s"] = limit
                else:
                    row["pabutools_s"] = round(theirs["seconds"], 2)
                    row["pabutools_cpu_s"] = round(theirs["cpu"], 2)
                    row["speedup"] = round(theirs["seconds"] / ours["wall"], 1)
                    row["speedup_cpu"] = round(theirs["cpu"] / ours["cpu"], 1)
                    row["equal"] = theirs["winners"] == ours["winners"]
            row["load"] = [round(load_before, 2), round(load(), 2)]
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=["all", "money", "large"], default="all")
    parser.add_argument("--files", nargs="*", help="real pabulib files to run instead of the synthetic classes")
    parser.add_argument("--no-pabutools", action="store_true")
    parser.add_argument("--limit", type=float, default=300.0, help="seconds before a pabutools run is stopped")
    parser.add_argument("--rules", default=",".join(RULES), help="comma-separated rules to run (default: every rule)")
    parser.add_argument("--sats", default="", help="comma-separated satisfactions to keep (default: every one)")
    parser.add_argument("--repeat", type=int, default=1, help="Lofin runs per row; the median is reported")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.files:
            cases = [(Path(f).name, Path(f), SATS[parse_pb(f, decimals=True).vote_type]) for f in args.files]
        else:
            cases = []
            for label, election, sats in instances(args.part):
                path = Path(tmp) / f"{len(cases)}.pb"
                write_pb(election, path)
                cases.append((label, path, sats))
        rules = args.rules.split(",")
        for label, path, sats in cases:
            kept = [sat for sat in sats if not args.sats or sat in args.sats.split(",")]
            rows += measure(label, path, kept, args.limit, not args.no_pabutools, rules, args.repeat)
    print_table(rows)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    meta = {"python": platform.python_version(), "machine": platform.machine(), "argv": sys.argv[1:]}
    (RESULTS / f"pb-process-{stamp}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))


def print_table(rows: list[dict[str, Any]]) -> None:
    print("| election | rule [sat] | Lofin, whole process: wall (CPU) | pabutools 1.2.3, parse + rule: wall (CPU) "
          "| speed-up: wall (CPU) | same winners | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        rule = f"{r['rule']} [{r['sat']}]" + (f", {r['add1_steps']:,} add1 steps" if r["add1_steps"] else "")
        ours = f"{r['lofin_wall_s']:.2f} s ({r['lofin_cpu_s']:.2f} s)"
        if "pabutools_s" in r:
            theirs = f"{r['pabutools_s']:.2f} s ({r['pabutools_cpu_s']:.2f} s)"
            speedup = f"{r['speedup']}× ({r['speedup_cpu']}×)"
            equal = "yes" if r["equal"] else "NO"
        elif "pabutools_over_s" in r:
            theirs, speedup, equal = f"> {r['pabutools_over_s']:.0f} s (stopped)", "", "not finished"
        else:
            theirs, speedup, equal = "not run", "", ""
        print(f"| {r['election']} | {rule} | {ours} | {theirs} | {speedup} | {equal} | {r['load'][0]}–{r['load'][1]} |")


if __name__ == "__main__":
    main()
