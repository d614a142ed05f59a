"""e호조+ execution screens: the year's execution table, a line with its allocations, commitments, payments and
transfers, and the forms that call the actions (배정, 지출원인행위, 지급명령, 취소, 자금배정, 징수결의, 수납, 전용·이용).

Thin: parse, authorise, call one action or query, render. The URL names a government, so TenantMiddleware has
already answered 404 to anyone who is not its member; objects of another government look absent too."""

from .revenue import assess, receipt, revenue_page
from .spending import allocate, cancel, commit, dashboard, download, home, line_detail, offices, pay
from .transfers import request_transfer, transfers_page

__all__ = [
    "allocate",
    "assess",
    "cancel",
    "commit",
    "dashboard",
    "download",
    "home",
    "line_detail",
    "offices",
    "pay",
    "receipt",
    "request_transfer",
    "revenue_page",
    "transfers_page",
]
