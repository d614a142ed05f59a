"""A supplementary budget (추가경정예산, 지방재정법 §45) against the version it amends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class LineDiff:
    key: tuple[str, ...]
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


def diff(before: Mapping[tuple[str, ...], int], after: Mapping[tuple[str, ...], int]) -> list[LineDiff]:
    """지방재정법 §45: a 추경 states what it changes in the budget it amends — the lines whose amount changed (added
    lines count from 0, removed ones to 0)."""
    keys = sorted(set(before) | set(after))
    return [LineDiff(k, before.get(k, 0), after.get(k, 0)) for k in keys if before.get(k, 0) != after.get(k, 0)]
