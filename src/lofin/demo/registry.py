"""The demo data framework: loaders registered by each service, run in order, deterministic and idempotent.

A loader is a function `load(ctx)` registered with `@loader(name, order=..., version=...)`. It must give the
same data for the same size and seed, and running it twice must change nothing (the framework skips a
loader already recorded for the size and version; loaders also use natural keys). Sizes:
  tiny   a few governments, for tests (seconds)
  small  all 243 governments, compact (the `make run` default, under 2 minutes)
  large  national scale for the benchmarks
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, transaction

from lofin.demo.models import DemoRun

SIZES = ("tiny", "small", "large")
SEED = 20260101

T = TypeVar("T")


@dataclass
class Context:
    size: str
    seed: int
    progress: Any = None
    task: Any = None
    notes: list[str] = field(default_factory=list)

    def rng(self, *salt: object) -> random.Random:
        """A generator of its own for each purpose, so adding data in one place never shifts another."""
        return random.Random(f"{self.seed}:{self.size}:" + ":".join(map(str, salt)))

    def track(self, items: Iterable[T], total: int, description: str) -> Iterator[T]:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, total=total, completed=0, description=description)
        for item in items:
            yield item
            if self.progress is not None and self.task is not None:
                self.progress.advance(self.task)


@dataclass(frozen=True)
class Loader:
    name: str
    order: int
    version: int
    func: Callable[[Context], None]


LOADERS: dict[str, Loader] = {}


def loader(
    name: str, *, order: int, version: int = 1
) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    def register(func: Callable[[Context], None]) -> Callable[[Context], None]:
        LOADERS[name] = Loader(name, order, version, func)
        return func

    return register


def run(size: str, *, seed: int = SEED, progress: Any = None, only: list[str] | None = None) -> list[str]:
    """Run every registered loader for the size; returns what was done."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    done: list[str] = []
    for item in sorted(LOADERS.values(), key=lambda x: x.order):
        if only and item.name not in only:
            continue
        if DemoRun.objects.filter(loader=item.name, size=size, version=item.version).exists():
            done.append(f"{item.name}: already loaded")
            continue
        ctx = Context(size=size, seed=seed, progress=progress)
        if progress is not None:
            ctx.task = progress.add_task(item.name, total=None)
        start = time.perf_counter()
        item.func(ctx)
        refresh_statistics()
        seconds = time.perf_counter() - start
        with transaction.atomic():
            DemoRun.objects.get_or_create(
                loader=item.name, size=size, version=item.version, defaults={"seed": seed, "seconds": seconds}
            )
        done.append(f"{item.name}: loaded in {seconds:.1f} s" + "".join(f"; {n}" for n in ctx.notes))
    return done


def refresh_statistics(*tables: str) -> None:
    """PostgreSQL plans the next loader's queries (and any reader's) from table statistics. Rows a loader just wrote
    have none until autovacuum gets to them, and none at all while they are still uncommitted (a test's
    transaction): joins planned for empty tables then run for minutes instead of milliseconds."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))
