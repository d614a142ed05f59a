"""Typed business errors. Each has a stable code, an HTTP status and a translated message.

They are mapped to HTTP once: by the API's exception handler (JSON `{"code", "message", "detail"}`) and by
ErrorMiddleware for pages. Actions raise them before writing anything, or inside `transaction.atomic`, so a
rejected request leaves the database as it was.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _


class LofinError(Exception):
    code = "error"
    status = 400
    default_message: Any = _("The request could not be processed.")

    def __init__(self, message: Any = None, **detail: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.detail = detail
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "detail": _jsonable(self.detail)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


class InvalidInput(LofinError):
    code = "invalid_input"
    status = 422
    default_message = _("Some of the values are not valid.")


class NotFound(LofinError):
    """Absent and not-yours look the same, so nobody learns what another government holds."""

    code = "not_found"
    status = 404
    default_message = _("Not found, or you do not have access to it.")


class PermissionDenied(LofinError):
    code = "permission_denied"
    status = 403
    default_message = _("Your role does not allow this action.")


class NotAuthenticated(LofinError):
    code = "not_authenticated"
    status = 401
    default_message = _("Please log in first.")


class Conflict(LofinError):
    code = "conflict"
    status = 409
    default_message = _("The request conflicts with the current state.")


class KeyReused(Conflict):
    """The one refusal for a retry key used again with a different request (core.idempotency)."""

    code = "idempotency_key_reused"
    default_message = _(
        "This key was already used for a different request, so nothing was changed. To make a new request, use a new"
        " Idempotency-Key (on a screen: open the form again)."
    )


class InvalidLine(InvalidInput):
    code = "invalid_approval_line"
    default_message = _("The approval line is not valid.")


class UnknownGovernment(NotFound):
    code = "unknown_government"
    default_message = _("There is no local government with this code.")


class SeparationOfDuties(LofinError):
    code = "separation_of_duties"
    status = 409
    default_message = _("The same person may not perform both of these duties for the same money.")


def json_error(code: str, message: Any, status: int, detail: dict[str, Any] | None = None) -> Any:
    """The JSON body every error has, outside the API's own handlers (CSRF, lockout, 404/500 pages)."""
    return JsonResponse(
        {"code": code, "message": str(message), "detail": _jsonable(detail or {})},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
