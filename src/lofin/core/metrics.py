"""Prometheus metrics: request counts and latency by route, database query time.

With several server processes (gunicorn), PROMETHEUS_MULTIPROC_DIR must point at a shared empty
directory; `lofin serve` sets it. The /metrics view then aggregates every process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess as prom_multiprocess

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("lofin_http_requests_total", "HTTP requests", ["route", "method", "status"])
REQUEST_SECONDS = Histogram(
    "lofin_http_request_duration_seconds",
    "HTTP request latency",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
DB_QUERY_SECONDS = Histogram(
    "lofin_db_query_duration_seconds",
    "Database query time",
    ["vendor", "route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0),
)


def export() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prom_multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


class QueryTimer:
    """A connection.execute_wrapper that times every query of one request."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.route = "unresolved"

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            DB_QUERY_SECONDS.labels(self.vendor, self.route).observe(time.perf_counter() - start)
