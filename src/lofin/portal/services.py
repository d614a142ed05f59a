"""The six services of the platform: names, entries, audiences and what is built so far.

A service that is not built yet says so plainly on its entry page; nothing pretends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str


@dataclass(frozen=True)
class Service:
    key: str
    name: str  # the service's proper name, the same in every language
    tagline: Any
    audience: Any
    description: Any
    built: bool
    nav: tuple[NavItem, ...] = field(default_factory=tuple)
    # Parts that work already, while the rest of the service is still being built.
    available: tuple[Any, ...] = ()

    @property
    def url_name(self) -> str:
        return f"portal:service_{self.key}"


SERVICES: tuple[Service, ...] = (
    Service(
        key="ehojo",
        name="e호조+",
        tagline=_("Budget, execution, accounting and closing"),
        audience=_("Officials"),
        description=_(
            "Budget formulation and allocation, commitments and payments, revenue, contracts, treasury, "
            "double-entry accrual accounting and year-end closing."
        ),
        built=False,
        available=(
            _("Budget formulation: 본예산 and supplementary budgets, from department requests to the council"),
            _("Execution: allocation, commitments, payment orders, revenue and transfers, per government and year"),
            _(
                "Accounting and closing: automatic journals, ledgers and trial balance, the 결산 on the head's approval "
                "line with the 세입세출결산, financial statements and 성과보고서"
            ),
        ),
    ),
    Service(
        key="botame",
        name="보탬e",
        tagline=_("Local subsidies"),
        audience=_("Officials and subsidy operators"),
        description=_(
            "Calls, applications, selection, grants, execution by card and account, settlement, recovery "
            "and detection of fraudulent receipt."
        ),
        built=False,
    ),
    Service(
        key="policy",
        name="정책도움e",
        tagline=_("Policy support"),
        audience=_("Officials"),
        description=_(
            "Compare governments on finance and regional-economy indicators, with peer groups and forecasts."
        ),
        built=False,
    ),
    Service(
        key="bill",
        name="e호조+빌",
        tagline=_("Electronic payment claims"),
        audience=_("Suppliers"),
        description=_("Claim payment electronically with an e-tax invoice and follow it until it is paid on time."),
        built=False,
    ),
    Service(
        key="participation",
        name="주민e참여",
        tagline=_("Participatory budgeting"),
        audience=_("Residents"),
        description=_("Propose projects, follow their review, vote, and see results and status, with Q&A."),
        built=True,
    ),
    Service(
        key="lofin365",
        name="지방재정365",
        tagline=_("Local finance disclosure"),
        audience=_("Everyone"),
        description=_("The public disclosure portal: fiscal indicators, open data API and downloads."),
        built=False,
    ),
)

BY_KEY = {s.key: s for s in SERVICES}
