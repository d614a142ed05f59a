"""결산정리분개 go through approval lines (결재) and are posted when the line ends in approval."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.approvals.registry import DocumentKind, register

from .actions import DOC_KIND, apply_approval, apply_rejection

MANUAL_ENTRY = register(
    DocumentKind(
        DOC_KIND, _("adjusting journal entry (결산정리분개)"), on_approved=apply_approval, on_rejected=apply_rejection
    )
)
