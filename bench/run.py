"""Benchmarks, each against its named peer in the same run on the same machine.

    make bench                     (starts a throwaway PostgreSQL, runs everything, prints a Markdown table)
    .venv/bin/python -m bench.run --only audit_pg --seconds 20

Results are printed and written to bench/results/<timestamp>.json; copy the table into docs/benchmarks.md
with the command that produced it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def pg_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if found else (shutil.which(name) or name)


def psql(url: str, sql: str) -> None:
    subprocess.run([pg_bin("psql"), url, "-qc", sql], check=True, capture_output=True)


def with_db(url: str, name: str) -> str:
    return re.sub(r"/[^/]*$", f"/{name}", url)


def run_pgbench(url: str, clients: int, seconds: int) -> dict[str, Any]:
    """TPC-B-like pgbench: this machine's ceiling for short write transactions."""
    bench_url = with_db(url, "pgbench")
    psql(url, "DROP DATABASE IF EXISTS pgbench")
    psql(url, "CREATE DATABASE pgbench")
    subprocess.run([pg_bin("pgbench"), "-i", "-s", "10", "-q", bench_url], check=True, capture_output=True)
    out = subprocess.run(
        [pg_bin("pgbench"), "-n", "-M", "prepared", "-c", str(clients), "-j", "2", "-T", str(seconds), bench_url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))  # type: ignore[union-attr]
    return {"name": f"pgbench TPC-B scale 10, {clients} clients", "tps": round(tps), "latency_avg_ms": latency}


def child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Each Django benchmark runs in its own process, configured by the environment, and prints JSON."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.workloads", *args], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def django_env(database_url: str) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lofin.settings",
            "LOFIN_DATABASE_URL": database_url,
            "LOFIN_TASKS_IMMEDIATE": "0",
            "LOFIN_LOG_LEVEL": "ERROR",
            "LOFIN_DEMO": "1",
            "PYTHONPATH": str(ROOT / "src") + os.pathsep + str(ROOT),
        }
    )
    return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=os.environ.get("LOFIN_BENCH_PG_URL", ""))
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="lofin-bench-"))
    want = set(args.only or ["pgbench", "audit_pg", "audit_sqlite", "demo_small"])

    if args.pg and want & {"pgbench", "audit_pg"}:
        if "pgbench" in want:
            rows.append(run_pgbench(args.pg, 16, args.seconds))
        if "audit_pg" in want:
            psql(args.pg, "DROP DATABASE IF EXISTS lofin_bench")
            psql(args.pg, "CREATE DATABASE lofin_bench")
            env = django_env(with_db(args.pg, "lofin_bench"))
            subprocess.run([sys.executable, "-m", "lofin.cli", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
            rows.append(child(["audit", "--threads", "16", "--seconds", str(args.seconds)], env))
    if "audit_sqlite" in want:
        env = django_env(f"sqlite:///{tmp / 'bench.sqlite3'}")
        subprocess.run([sys.executable, "-m", "lofin.cli", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        rows.append(child(["audit", "--threads", "1", "--seconds", str(min(args.seconds, 10))], env))
    if "demo_small" in want:
        env = django_env(f"sqlite:///{tmp / 'demo.sqlite3'}")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "lofin.cli", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run(
            [sys.executable, "-m", "lofin.cli", "demo", "load", "--size", "small", "--no-progress"],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        rows.append(
            {"name": "migrate + demo load --size small (SQLite)", "seconds": round(time.perf_counter() - start, 1)}
        )

    shutil.rmtree(tmp, ignore_errors=True)
    pg = next((r for r in rows if r["name"].startswith("pgbench")), None)
    audit = next((r for r in rows if r["name"].startswith("audit append") and "postgresql" in r["name"]), None)
    if pg and audit:
        audit["ratio_to_pgbench"] = round(audit["tps"] / pg["tps"], 2)
    report = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cpu {platform.python_version()}",
        "rows": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / (dt.datetime.now().strftime("%Y%m%d-%H%M%S") + ".json")).write_text(json.dumps(report, indent=1))
    print("| benchmark | result |\n|---|---|")
    for r in rows:
        print("| " + r["name"] + " | " + ", ".join(f"{k} {v}" for k, v in r.items() if k != "name") + " |")


if __name__ == "__main__":
    main()
