"""Document kinds that go through approval lines, and what happens when a line ends.

Services register their kinds in their AppConfig.ready(), for example
`register(DocumentKind("execution.commitment", _("commitment"), on_approved=...))`. The callbacks run
inside the transaction of the final decision, so the business state and the approval commit together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput
from lofin.core.models import ApprovalRequest, User

# Called with the decided request and the person who made the final decision, in the decision's transaction.
Callback = Callable[[ApprovalRequest, User], None]


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: Any
    on_approved: Callback | None = None
    on_rejected: Callback | None = None
    # The lowest position that may decide the kind whatever the 위임전결 rules say (0: the rules alone), e.g. the
    # 결산 is the head's act (지방자치법 §150); an acting approver (대결) may still stand one position below.
    min_position: int = 0


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> DocumentKind:
    try:
        return KINDS[code]
    except KeyError:
        raise InvalidInput(_("Unknown document kind: %(kind)s.") % {"kind": code}, doc_kind=code) from None


# A plain internal document (기안문) with no business effect of its own: memos, plans, reports.
GENERAL = register(DocumentKind("core.general", _("general document")))
