"""Supporting documents (견적서, 사업계획서 …) attached to a version or one of its lines."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import InvalidInput
from lofin.core.models import User
from lofin.core.permissions import require

from ..access import REQUEST
from ..errors import VersionLocked
from ..models import Attachment, AttachmentKind, BudgetVersion, ExpenditureLine
from .common import lock_version, same_government

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {".pdf", ".hwp", ".hwpx", ".xlsx", ".xls", ".docx", ".png", ".jpg", ".jpeg", ".csv", ".txt", ".zip"}


def do_attach(
    version: BudgetVersion,
    *,
    upload: UploadedFile,
    name: str,
    actor: User,
    line: ExpenditureLine | None = None,
    kind: str = AttachmentKind.SUPPORTING,
) -> Attachment:
    """Attach a supporting document to a version or one of its lines, while the version can still change. The
    주민의견서 (kind `resident_opinion`, 지방재정법 §39③) is one of the documents the bill needs (R-BS-5)."""
    require(actor, REQUEST, version.government)
    same_government(version.government, line)
    if kind not in AttachmentKind.values:
        raise InvalidInput(_("Unknown kind of document."), field="kind")
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise InvalidInput(
            _("Attach PDF, HWP, Office, image, CSV, text or ZIP files only."),
            field="file",
            allowed=sorted(ATTACHMENT_TYPES),
        )
    size = upload.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(_("A file may be at most 10 MB."), field="file")
    name = (name or upload.name or "").strip()[:200]
    with transaction.atomic():
        version = lock_version(version.pk)
        if version.locked:
            raise VersionLocked()
        attachment = Attachment.objects.create(
            version=version,
            government=version.government,
            line=line,
            kind=kind,
            name=name,
            file=upload,
            uploaded_by=actor,
        )
        audit.record(
            actor,
            "budget.attachment.add",
            attachment,
            data={"name": name, "size": size, "line": line.pk if line else None, "kind": kind},
        )
    return attachment
