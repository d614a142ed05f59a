"""The closing of a year's books and its reversal go through approval lines (결재) that the head of the government
decides (지방자치법 §150: the 결산 is the head's act); an acting head (대결) may decide while the head is away."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.approvals.registry import DocumentKind, register
from lofin.core.roles import Position

from .actions import DOC_CLOSE, DOC_REOPEN, closing_approved, reopening_approved

CLOSE = register(
    DocumentKind(
        DOC_CLOSE, _("closing of the books (결산 마감)"), on_approved=closing_approved, min_position=Position.HEAD
    )
)
REOPEN = register(
    DocumentKind(
        DOC_REOPEN,
        _("reopening of the books (결산 마감 취소)"),
        on_approved=reopening_approved,
        min_position=Position.HEAD,
    )
)
