"""The test support keeps tests apart: a world shared by a module's tests is the same for each of them and invisible to
the others, and a transactional test leaves the database as the migrations left it."""

import pytest
from django.db import connection

from lofin.core import testing, testing_tables, testing_worlds
from lofin.core.models import AuditChain, AuditEvent, LocalGovernment, Membership, User
from lofin.core.roles import Role


def build_shared() -> User:
    return testing.official(testing.government("1100000"), Role.AUDITOR, username="shared")


@testing_worlds.world
def shared_world(django_db_setup, django_db_blocker):
    yield from testing_worlds.built_once(django_db_blocker, build_shared)


@pytest.fixture
def shared(shared_world, db):
    return testing_worlds.fresh(shared_world)


def test_a_test_changes_the_shared_world_in_memory_and_in_the_database(shared):
    shared.display_name = "changed in memory"
    User.objects.filter(pk=shared.pk).update(display_name="changed in the database")
    testing.official(testing.government("1100000"), Role.AUDITOR, username="extra")
    assert User.objects.filter(username__in=["shared", "extra"]).count() == 2


def test_the_next_test_finds_the_world_as_it_was_built(shared):
    assert shared.display_name == "shared"
    assert User.objects.get(pk=shared.pk).display_name == "shared"
    assert not User.objects.filter(username="extra").exists()


def test_a_test_that_does_not_ask_for_the_world_does_not_see_it(db):
    assert not User.objects.filter(username="shared").exists()


def state() -> tuple:
    return (
        list(LocalGovernment.objects.order_by("code").values_list("code", "name")),
        list(AuditChain.objects.order_by("key").values_list("key", "last_seq", "last_hash")),
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_ends_with_the_database_as_migrated():
    migrated = state()
    assert len(migrated[0]) == 243 and migrated[2:] == (0, 0, 0)
    LocalGovernment.objects.filter(code="1100000").update(name="바뀐 이름")
    testing.official(testing.government("1100000"), Role.AUDITOR, username="committed")  # users, roles, audit events
    assert state() != migrated

    testing_tables.restore(connection)

    assert state() == migrated
