"""Supporting documents of a version: attached by officials, downloaded by those who may read the version."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lofin.core.errors import LofinError, NotFound
from lofin.core.http import TenantRequest

from ..actions import attachments as actions
from ..forms import AttachmentForm
from ..models import Attachment, AttachmentKind, ExpenditureLine
from .common import version_or_404, version_url


@require_POST
def attach(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    version = version_or_404(request, year, number)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
    else:
        line = None
        if form.cleaned_data.get("line"):
            line = ExpenditureLine.objects.filter(pk=form.cleaned_data["line"], version=version).first()
            if line is None:
                raise NotFound()
        try:
            actions.do_attach(
                version,
                upload=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
                line=line,
                kind=form.cleaned_data.get("kind") or AttachmentKind.SUPPORTING,
                actor=request.user,
            )
        except LofinError as error:
            if error.status == 404:
                raise
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The file is attached."))
    return redirect(request.POST.get("next") or version_url(version))


def attachment_download(request: TenantRequest, gov_code: str, attachment_id: int) -> FileResponse:
    attachment = (
        Attachment.objects.filter(pk=attachment_id, government=request.government).select_related("version").first()
    )
    if attachment is None:
        raise NotFound()
    version_or_404(request, attachment.version.year, attachment.version.number)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1]
    )
