"""Officials draft the closing of the same year at the same moment: one closing on the approval line, the others
refused; the head's approval makes one closing run, one set of closing entries."""

import threading

import pytest
from django.db import connection, connections

from lofin.accounting.models import ClosedPeriod, JournalEntry
from lofin.closing.errors import ClosingPending
from lofin.closing.models import ClosingRequest, ClosingRun
from lofin.closing.testing import propose
from lofin.core import audit, testing
from lofin.core.approvals import actions as approvals
from lofin.core.roles import Role
from lofin.execution.testing import YEAR

from .books import build_books
from .conftest import AFTER_THE_YEAR

CLIENTS = 4


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_closings_make_one_run(travel):
    books = build_books()
    travel(AFTER_THE_YEAR)
    gov = books.ex.s.gov
    people = [books.ex.finance, books.ex.disburser] + [
        testing.official(gov, Role.FINANCE_OFFICER, username=f"jaemu{i}") for i in range(CLIENTS - 2)
    ]
    runs: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(CLIENTS)

    def client(index: int) -> None:
        try:
            start.wait()
            runs.append(propose(gov, YEAR, drafter=people[index], head=books.ex.s.mayor).pk)
        except ClosingPending:
            refused.append(index)
        except BaseException as exc:  # a crash in a client must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(runs) == 1 and len(refused) == CLIENTS - 1
    approvals.do_approve(ClosingRequest.objects.get().approval_id, actor=books.ex.s.mayor)
    assert ClosingRun.objects.count() == ClosedPeriod.objects.count() == 1
    assert JournalEntry.objects.filter(source_type="accounting.closing").count() == 2
    assert [x.broken for x in audit.verify(gov.code)] == [None]
    connection.close()
