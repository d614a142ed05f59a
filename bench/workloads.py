"""Benchmark workloads that run inside Django (started by bench.run in a fresh process)."""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time

import django


def audit_append(threads: int, seconds: int) -> dict:
    """The write every action makes: one audited transaction through the service layer
    (lock the government's chain head, insert the hash-linked row, move the head)."""
    from django.db import connection, connections, transaction

    from lofin.core import audit
    from lofin.core.models import LocalGovernment

    governments = list(LocalGovernment.objects.order_by("code"))
    latencies: list[list[float]] = [[] for _ in range(threads)]
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        mine = governments[index::threads]
        n = 0
        while time.perf_counter() < deadline:
            gov = mine[n % len(mine)]
            start = time.perf_counter()
            with transaction.atomic():
                audit.record(None, "bench.append", gov, data={"n": n, "amount": 1_000 * n})
            latencies[index].append(time.perf_counter() - start)
            n += 1
        connections.close_all()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    flat = sorted(x for per in latencies for x in per)
    return {
        "name": f"audit append via service layer, {threads} threads, {connection.vendor}",
        "tps": round(len(flat) / elapsed),
        "p50_ms": round(statistics.median(flat) * 1000, 2),
        "p99_ms": round(flat[int(len(flat) * 0.99) - 1] * 1000, 2),
        "transactions": len(flat),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=["audit"])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    django.setup()
    print(json.dumps(audit_append(args.threads, args.seconds)))


if __name__ == "__main__":
    main()
