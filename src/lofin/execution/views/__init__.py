"""e호조+ execution screens: the year's execution table, a line with its allocations, commitments, payments and
transfers, and the forms that call the actions (배정, 재배정, 지출원인행위, 지출결의, 지급명령, 취소, 반납, 자금배정, 관서, 징수결의,
납입고지, 수납, 입금, 과오납 환급, 전용·이용 and their 회수, 이월, 불용, 일상경비).

Thin: parse, authorise, call one action or query, render. The URL names a government, so TenantMiddleware has
already answered 404 to anyone who is not its member; objects of another government look absent too."""

from .collection import assessment_detail, cancel_assessment, correct_assessment, deposit, notice, overpayment_refund
from .council import council_report, council_report_xlsx
from .council import withdraw as withdraw_transfer
from .imprest import advance as imprest_advance
from .imprest import imprest_page
from .imprest import settle as imprest_settle
from .offices import create_office, sub_allocate
from .payments import refund_payment
from .resolutions import resolve
from .revenue import assess, receipt, revenue_page
from .spending import allocate, assign, cancel, commit, dashboard, download, home, line_detail, offices, pay
from .transfers import request_transfer, transfers_page
from .yearend import carry_over, lapse_download, provisional, year_end

__all__ = [
    "allocate",
    "assess",
    "assessment_detail",
    "assign",
    "cancel",
    "cancel_assessment",
    "carry_over",
    "commit",
    "correct_assessment",
    "council_report",
    "council_report_xlsx",
    "create_office",
    "dashboard",
    "deposit",
    "download",
    "home",
    "imprest_advance",
    "imprest_page",
    "imprest_settle",
    "lapse_download",
    "line_detail",
    "notice",
    "offices",
    "overpayment_refund",
    "pay",
    "provisional",
    "receipt",
    "refund_payment",
    "request_transfer",
    "resolve",
    "revenue_page",
    "sub_allocate",
    "transfers_page",
    "withdraw_transfer",
    "year_end",
]
