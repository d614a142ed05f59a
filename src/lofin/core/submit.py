"""What every screen with a form shares: a retry key per rendering, and the one place where an action's refusal
becomes a message next to the field it concerns."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms

from lofin.core.errors import LofinError
from lofin.core.idempotency import FORM_KEY_RE

T = TypeVar("T")


class KeyedForm(forms.Form):
    """A form that carries its own retry key (a hidden input, a fresh one per rendering). A second submission of
    the same rendering (double click, reload, back and submit) reaches the action with the same key and gets the
    first result instead of a second write."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posted = str(self.data.get("idempotency_key", "")) if self.is_bound else ""
        self.key = posted if FORM_KEY_RE.fullmatch(posted) else uuid.uuid4().hex


def submit(
    form: forms.Form,
    call: Callable[[dict[str, Any]], T],
    fields: Mapping[str, str] | None = None,
) -> T | None:
    """Validate the form and call the action. A business refusal is shown next to the field it concerns (the
    error's own `field`, else the field its code is about in `fields`, a map of error code or detail field to form
    field), or above the form; nothing was written. Absent or another government's objects stay a 404."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except LofinError as error:
        if error.status == 404:
            raise
        names = dict(fields or {})
        field: str | None = error.detail.get("field") or names.get(error.code)
        if field is not None and field not in form.fields:
            field = names.get(field, field)
        form.add_error(field if field in form.fields else None, str(error.message))
        return None
