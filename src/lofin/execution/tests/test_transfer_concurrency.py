"""전용 decisions racing commitments on the same lines: no deadlock (the lock order of docs/architecture.md §8.15).

An approval credits the target line and a 반려 or 회수 gives the source line its amount back, while commitments
take both lines; each path must lock request → lines → audit chain head, or PostgreSQL finds a deadlock."""

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections

from lofin.core import audit
from lofin.core.approvals import actions as approvals
from lofin.core.errors import LofinError
from lofin.execution.actions import appropriations, commitments, transfers
from lofin.execution.models import BudgetLine, Commitment, Transfer, TransferKind, TransferStatus
from lofin.execution.testing import YEAR, build_execution

DAY = dt.date(YEAR, 6, 15)
TRANSFERS = 45
COMMITTERS = 4
SECONDS = 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_transfer_decisions_racing_commitments_on_the_same_lines_never_deadlock(travel):
    travel(DAY)
    transfers.load_policies()
    ex = build_execution()
    source, target = ex.senior, ex.pension
    appropriations.do_allocate(target, amount=target.appropriation, actor=ex.s.officer)
    appropriations.do_allocate(source, amount=100_000_000, actor=ex.s.officer)
    requested = [
        transfers.do_request_transfer(
            TransferKind.VIREMENT,
            from_line=source,
            to_line=target,
            amount=1_000_000,
            reason="사업 물량 증가",
            line=[("approve", ex.s.mayor)],
            actor=ex.s.officer,
            idempotency_key=f"t{n}",
        )
        for n in range(TRANSFERS)
    ]
    # A third is approved (target line); the rest is fought over by 반려 and 회수 (source line), in the same order.
    approved, contested = requested[::3], [t for n, t in enumerate(requested) if n % 3]
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    start = threading.Barrier(3 + COMMITTERS)
    deadline = time.monotonic() + SECONDS
    finished: list[str] = []  # the deciders that are done

    def run(work, decider: bool = False) -> None:
        try:
            start.wait()
            work()
        except BaseException as exc:  # a deadlock (OperationalError) or any crash fails the test below
            errors.append(exc)
        finally:
            connections.close_all()
            if decider:
                finished.append(work.__name__)

    def decide(items, act, name) -> None:
        for transfer in items:
            try:
                act(transfer)
                outcomes[name] += 1
            except LofinError as refused:
                outcomes[f"{name}:{refused.code}"] += 1

    def approver() -> None:
        decide(approved, lambda t: approvals.do_approve(t.approval_id, actor=ex.s.mayor), "approved")

    def rejecter() -> None:
        decide(contested, lambda t: approvals.do_reject(t.approval_id, actor=ex.s.mayor, reason="재검토"), "returned")

    def withdrawer() -> None:
        decide(contested, lambda t: transfers.do_withdraw_transfer(t, actor=ex.s.officer), "withdrawn")

    def committer(index: int) -> None:
        n = 0
        # Until the time is up and every decision is made, or a client crashed.
        while not errors and (time.monotonic() < deadline or len(finished) < 3):
            for line in (target, source):
                n += 1
                try:
                    commitments.do_commit(
                        line,
                        amount=10_000,
                        creditor="한빛복지",
                        purpose="동시성",
                        actor=ex.finance,
                        idempotency_key=f"c{index}-{n}",
                        committed_on=DAY,
                    )
                    outcomes["committed"] += 1
                except LofinError as refused:
                    outcomes[f"commit:{refused.code}"] += 1

    threads = [threading.Thread(target=run, args=(work, True)) for work in (approver, rejecter, withdrawer)]
    threads += [threading.Thread(target=run, args=(lambda i=i: committer(i),)) for i in range(COMMITTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, (errors, outcomes)
    assert outcomes["approved"] == len(approved)
    assert outcomes["returned"] + outcomes["withdrawn"] == len(contested), outcomes
    assert outcomes["committed"] > 0
    statuses = Counter(Transfer.objects.values_list("status", flat=True))
    assert statuses == {TransferStatus.APPROVED: len(approved), TransferStatus.REJECTED: len(contested)}
    # Every won is where it should be: the approved amounts reached the target, the others came back to the source.
    source_line, target_line = BudgetLine.objects.get(pk=source.pk), BudgetLine.objects.get(pk=target.pk)
    assert source_line.transfer_amount == -1_000_000 * len(approved)
    assert target_line.transfer_amount == 1_000_000 * len(approved)
    for line in (source_line, target_line):
        committed = sum(Commitment.objects.filter(line=line).values_list("amount", flat=True))
        assert line.committed == committed <= line.allocated <= line.appropriation
    assert [r.broken for r in audit.verify(ex.s.gov.code)] == [None]
    connection.close()
