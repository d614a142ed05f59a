"""Rules of a department's request line: 산출근거 and the shares of its funding."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput


def basis_amount(unit_price: int, quantity: int, times: int) -> int:
    """산출근거 (지방재정법 시행령 §34, 예산편성 운영기준): unit price × quantity × times, in whole won."""
    if unit_price < 0 or quantity < 0 or times < 0:
        raise InvalidInput(_("Unit price, quantity and times cannot be negative."))
    return unit_price * quantity * times


def check_basis_row(n: int, *, unit_price: int, quantity: int, times: int, given: int | None) -> int:
    """The amount of 산출근거 row `n`: its product; a given amount must agree with it. A row without a unit price is
    a lump sum whose basis is only text, and its given amount stands (지방재정법 시행령 §34)."""
    computed = basis_amount(unit_price, quantity, times)
    if given is not None and not unit_price:
        return given
    if given is not None and given != computed:
        raise InvalidInput(
            _("Line %(n)s: %(price)s × %(qty)s × %(times)s is %(computed)s, not %(given)s.")
            % {
                "n": n,
                "price": f"{unit_price:,}",
                "qty": quantity,
                "times": times,
                "computed": f"{computed:,}",
                "given": f"{given:,}",
            },
            field=f"basis.{n}.amount",
        )
    return computed


def check_basis_total(line_amount: int, basis_amounts: Iterable[int]) -> None:
    """A line's amount is the sum of its 산출근거 (지방재정법 시행령 §34)."""
    total = sum(basis_amounts)
    if total != line_amount:
        raise InvalidInput(
            _("The calculation basis adds up to %(basis)s won but the line asks for %(amount)s won.")
            % {"basis": f"{total:,}", "amount": f"{line_amount:,}"},
            basis_total=total,
            amount=line_amount,
        )


def check_subsidy_shares(*, state_amount: int, province_amount: int, amount: int, field: str = "amount") -> None:
    """재원별 내역 (지방재정법 §23, 예산편성 운영기준): the 국비 and 시도비 of a line are parts of its amount, the rest
    being 지방비, so together they cannot exceed it — whenever the line is requested, adjusted or amended."""
    if state_amount + province_amount > amount:
        raise InvalidInput(_("The State and province shares cannot exceed the line's amount."), field=field)
