"""What the council did to the head's bill, read by later services: the lines it cut.

지방재정법 §43③ (예비비) and §49② (전용·이용) forbid feeding an item the council cut, since that would undo the
council's decision. The council's amendment (수정의결, `actions.council.do_amend_line`) records its reason and leaves
the line below the head's bill (`proposed_amount`); a line cut in any confirmed version of the year stays cut for the
year, even if a later 추경 raised it again.
"""

from __future__ import annotations

from django.db.models import F

from ..models import ExpenditureLine, VersionStatus


def council_cut(government_id: int, year: int, *, project_id: int, object_code: str) -> bool:
    """Whether the council cut this 세부사업 × 통계목 below the head's bill in a confirmed budget of the year."""
    return (
        ExpenditureLine.objects.filter(
            version__government_id=government_id,
            version__year=year,
            version__status=VersionStatus.CONFIRMED,
            project_id=project_id,
            object_code=object_code,
            proposed_amount__isnull=False,
            amount__lt=F("proposed_amount"),
            added_by_council=False,
        )
        .exclude(amend_reason="")
        .exists()
    )
