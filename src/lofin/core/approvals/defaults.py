"""National default 위임전결 bands, for every document kind ("*"); governments replace them with their own.

Amounts in won: up to 1천만 → 과장 (division head), up to 5천만 → 국장 (bureau head), up to 3억 → 부단체장
(deputy head), above → 단체장 (head). These are a typical local 위임전결규정, not a national law: each
government sets its own in the operations console.
"""

from __future__ import annotations

from typing import Any

DEFAULT_BANDS: list[tuple[int | None, int]] = [(10_000_000, 3), (50_000_000, 4), (300_000_000, 5), (None, 6)]


def load(policy_model: Any = None) -> None:
    if policy_model is None:
        from lofin.core.models import ApprovalPolicy as policy_model
    for max_amount, position in DEFAULT_BANDS:
        policy_model.objects.get_or_create(
            government=None, doc_kind="*", max_amount=max_amount, defaults={"final_position": position}
        )
