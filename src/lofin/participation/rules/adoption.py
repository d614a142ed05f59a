"""Selected projects into the budget (예산반영): 지방재정법 §39 ③ has the resident's choices go with the 예산안 to the
council, and a project is funded as a 세부사업 of the fiscal year the cycle chose projects for (지방재정법 §41 and the
예산편성 운영기준: 세부사업 under a 단위사업 of the same year). Pure: no ORM."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lofin.core.errors import InvalidInput

from ..errors import WrongStatus


def check_budget(version_year: int, cycle_year: int) -> None:
    """The budget the projects go into is of the cycle's fiscal year."""
    if version_year != cycle_year:
        raise InvalidInput(_("The budget is of another fiscal year than the cycle."), field="version")


def check_parent(*, is_unit: bool, year: int, cycle_year: int) -> None:
    """New 세부사업 go under a 단위사업 of the cycle's fiscal year."""
    if not is_unit or year != cycle_year:
        raise InvalidInput(_("Choose a 단위사업 of the cycle's fiscal year."), field="parent")


def check_funding_project(*, is_detail: bool, year: int, cycle_year: int) -> None:
    """A project funded within a running programme is linked to a 세부사업 of the cycle's fiscal year."""
    if not is_detail or year != cycle_year:
        raise InvalidInput(_("Choose a 세부사업 of the cycle's fiscal year."), field="project")


def check_selected(count: int) -> None:
    if not count:
        raise WrongStatus(_("No proposal of this cycle is selected."))
