"""National default 위임전결 bands, for every document kind ("*"); governments replace them with their own.

Amounts in won: up to 1천만 → 과장 (division head), up to 5천만 → 국장 (bureau head), up to 3억 → 부단체장
(deputy head), above → 단체장 (head). These are a typical local 위임전결규정, not a national law: each
government sets its own in the operations console.
"""

from __future__ import annotations

from typing import Any

from lofin.core.models import ApprovalPolicy

DEFAULT_BANDS: list[tuple[int | None, int]] = [(10_000_000, 3), (50_000_000, 4), (300_000_000, 5), (None, 6)]


def load(policy_model: Any = ApprovalPolicy) -> None:
    """Insert the national bands (`policy_model` is the migration's historical model, else the live one)."""
    for max_amount, position in DEFAULT_BANDS:
        policy_model.objects.get_or_create(
            government=None, doc_kind="*", max_amount=max_amount, defaults={"final_position": position}
        )
