"""The closing run (결산) of a government's year and its submission to the council.

`do_close_books` computes the statements, posts the closing entries (each budget account's revenue and expense of
the year moved into 일반순자산, dated 31 December), stores the statements as a snapshot with its digest and locks
the year (`ClosedPeriod`, through the books' own `accounting.actions.do_close_books`), all in one transaction:
a refusal or a failure writes nothing. Running it again on a closed year writes nothing and returns the stored run;
its statements are recomputed and must give the same digest (the books of a closed year cannot change)."""

from __future__ import annotations

import datetime as dt
import time

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lofin.accounting import actions as books
from lofin.accounting import journal, queries
from lofin.accounting.access import POST
from lofin.core import audit, clock, fiscal
from lofin.core.errors import InvalidInput
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require
from lofin.core.types import checked_year
from lofin.execution.errors import YearNotEnded

from . import rules, snapshot
from .balances import SOURCE_CLOSING, categories, year_balances
from .errors import ClosedWithoutRun, NotClosed
from .models import ClosingRun, RunStatus


def do_close_books(government: LocalGovernment, year: int, *, actor: User) -> ClosingRun:
    """결산: closing entries, statements as a snapshot with its digest, then the year locked."""
    require(actor, POST, government)
    checked_year(year)
    done = ClosingRun.objects.filter(government=government, fiscal_year=year).first()
    if done is not None:
        return done
    if clock.today() <= fiscal.cash_closing_date(year):
        raise YearNotEnded(_("The books of a year are closed after its 출납폐쇄 (31 December)."), year=year)
    if journal.is_closed(government.pk, year):
        raise ClosedWithoutRun(year=year)
    started = time.perf_counter()
    # The monthly sums make the statements (and later trial balances) read sums, not every line.
    queries.refresh_balances(government.pk, year)
    with transaction.atomic():
        # FOR NO KEY UPDATE queues two closings without blocking the inserts that refer to the government.
        LocalGovernment.objects.select_for_update(no_key=True).filter(pk=government.pk).first()
        if done := ClosingRun.objects.filter(government=government, fiscal_year=year).first():
            return done
        document = snapshot.compute(government, year)
        text = snapshot.canonical(document)
        run = ClosingRun.objects.create(
            government=government,
            fiscal_year=year,
            snapshot=text,
            digest=snapshot.digest(text),
            closed_by=actor,
        )
        cats = categories()
        posted = 0
        for account_id, lines in rules.closing_lines(year_balances(government.pk, year), cats).items():
            journal.post(
                government_id=government.pk,
                account_id=account_id,
                fiscal_year=year,
                posted_on=fiscal.cash_closing_date(year),
                source_type=SOURCE_CLOSING,
                source_id=run.pk,
                description=f"{year} 결산 마감분개",
                lines=lines,
                actor=actor,
            )
            posted += 1
        books.do_close_books(government, year, actor=actor)
        run.closing_entries = posted
        run.seconds = round(time.perf_counter() - started, 3)
        run.save(update_fields=["closing_entries", "seconds"])
        audit.record(
            actor,
            "accounting.closing.run",
            run,
            government=government,
            data={"year": year, "digest": run.digest, "closing_entries": posted},
        )
    return run


def do_submit_to_council(government: LocalGovernment, year: int, *, on: dt.date, actor: User) -> ClosingRun:
    """Record that the 결산서 went to the council (by 31 May of the next year, 지방회계법 시행령 §10)."""
    require(actor, POST, government)
    with transaction.atomic():
        run = ClosingRun.objects.select_for_update().filter(government=government, fiscal_year=year).first()
        if run is None:
            raise NotClosed(year=year)
        if run.status == RunStatus.SUBMITTED:
            return run
        if on < fiscal.cash_closing_date(year) or on > clock.today():
            raise InvalidInput(_("The submission date is after the year's end and not in the future."), field="on")
        run.status = RunStatus.SUBMITTED
        run.submitted_on = on
        run.submitted_by = actor
        run.save(update_fields=["status", "submitted_on", "submitted_by"])
        audit.record(actor, "accounting.closing.submit", run, government=government, data={"on": on.isoformat()})
    return run
