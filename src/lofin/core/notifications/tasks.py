from __future__ import annotations

from django_tasks import task

from .delivery import deliver, process_due


@task()
def deliver_message(message_id: int) -> str:
    return deliver(message_id)


@task()
def send_due_messages() -> dict:
    return process_due()
