from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .services import SERVICES


def services(request: HttpRequest) -> dict[str, Any]:
    return {"SERVICES": SERVICES}
