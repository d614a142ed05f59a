"""Execution documents that go through approval lines (결재): requests to move appropriation between lines.

Each kind of transfer is its own document kind, because the 위임전결 rule (who finally decides) is chosen by
document kind and amount only, and the kinds are decided at different levels. The national defaults below are
loaded by migration 0004 and replaced by each government's own rules in the operations console:

- 전용 (virement inside one 정책사업): up to 50,000,000 won the bureau head (국장), above it the deputy head
  (부단체장). 지방재정법 §49 gives 전용 to the head of the government, who delegates it by the local
  위임전결규정; these bands follow the usual delegation of the national defaults ("*").
- 이용 (between 정책사업), 이체 (on reorganisation) and 예비비 사용: the head of the government (단체장), at any
  amount. 이용 and 이체 (지방재정법 §47의2) and the use of the contingency reserve (§43) are the head's own
  decisions, reported to the council, and are not usually delegated.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lofin.core.approvals.registry import DocumentKind, register
from lofin.core.roles import Position

from .models import TransferKind
from .transfer_actions import DOC_KINDS, apply_approval, apply_rejection

LABELS = {
    TransferKind.VIREMENT: _("request for 전용 (virement)"),
    TransferKind.BETWEEN_PROGRAMMES: _("request for 이용 (transfer between programmes)"),
    TransferKind.REORGANISATION: _("request for 이체 (transfer on reorganisation)"),
    TransferKind.RESERVE: _("request for 예비비 사용 (use of the contingency reserve)"),
}

TRANSFER_KINDS = {
    kind: register(
        DocumentKind(code, LABELS[TransferKind(kind)], on_approved=apply_approval, on_rejected=apply_rejection)
    )
    for kind, code in DOC_KINDS.items()
}

# (document kind, up to amount in won or None for any amount, position that decides)
POLICIES: list[tuple[str, int | None, int]] = [
    (DOC_KINDS[TransferKind.VIREMENT], 50_000_000, Position.BUREAU_HEAD),
    (DOC_KINDS[TransferKind.VIREMENT], None, Position.DEPUTY_HEAD),
    (DOC_KINDS[TransferKind.BETWEEN_PROGRAMMES], None, Position.HEAD),
    (DOC_KINDS[TransferKind.REORGANISATION], None, Position.HEAD),
    (DOC_KINDS[TransferKind.RESERVE], None, Position.HEAD),
]


def load_policies(policy_model: Any = None) -> None:
    """Insert the national default rules that are missing (a government's own rows are never touched)."""
    if policy_model is None:
        from lofin.core.models import ApprovalPolicy as policy_model
    for doc_kind, max_amount, position in POLICIES:
        policy_model.objects.get_or_create(
            government=None, doc_kind=doc_kind, max_amount=max_amount, defaults={"final_position": int(position)}
        )


def unload_policies(policy_model: Any) -> None:
    policy_model.objects.filter(government=None, doc_kind__in=list(DOC_KINDS.values())).delete()
