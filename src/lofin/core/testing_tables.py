"""Test support: after a transactional test, the test database goes back to the state the migrations left.

Django ends a transactional test by emptying every table (`flush`) and re-creating the content types and permissions;
the reference data the migrations load (the 243 governments and their audit chain heads, the code lists, the chart of
accounts and its mapping, approval rules, interest rates) then had to be loaded again — well over a thousand
statements after every such test. Instead, the rows the migrations left are read once (`remember`, when the test
database has been created), and after a transactional test (`restore`) one query finds the tables that hold rows,
those that should be empty are emptied, and a remembered table is written back, with its ids, only if its rows
changed. The append-only tables are emptied under `guards.maintenance`, as flush was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from lofin.core import guards


@dataclass(frozen=True)
class _Table:
    name: str
    select: str  # every column, in primary-key order
    insert: str
    rows: list[tuple[Any, ...]]


_remembered: dict[str, dict[str, _Table]] = {}


def _tables(connection: Any) -> dict[str, str]:
    """The tables Django's flush would empty, with their primary-key columns."""
    existing = set(connection.introspection.django_table_names(only_existing=True, include_views=False))
    found = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.db_table in existing and not meta.proxy and meta.managed:
            found[meta.db_table] = meta.pk.column
    return found


def remember(connection: Any) -> None:
    """Read the rows of every table that holds any, right after the test database was migrated."""
    qn = connection.ops.quote_name
    remembered = {}
    with connection.cursor() as cursor:
        for table, pk in sorted(_tables(connection).items()):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            select = f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(table)} ORDER BY {qn(pk)}"
            cursor.execute(select)
            rows = [tuple(row) for row in cursor.fetchall()]
            if rows:
                insert = (
                    f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})"
                )
                remembered[table] = _Table(table, select, insert, rows)
    _remembered[connection.alias] = remembered


def restore(connection: Any) -> None:
    """Empty what a transactional test committed and put back the remembered rows it changed."""
    remembered = _remembered[connection.alias]
    qn = connection.ops.quote_name
    tables = _tables(connection)
    with guards.maintenance(connection), transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {qn(t)})" for t in tables))
        holding = {t for (t,) in cursor.fetchall()}
        changed = set()
        for kept in remembered.values():
            cursor.execute(kept.select)
            if [tuple(row) for row in cursor.fetchall()] != kept.rows:
                changed.add(kept.name)
        # Foreign keys are deferred to the commit, by which time every row they point to is back.
        for name in sorted((holding - remembered.keys()) | changed):
            cursor.execute(f"DELETE FROM {qn(name)}")
        for name in sorted(changed):
            cursor.executemany(remembered[name].insert, remembered[name].rows)
    if "django_content_type" in changed:
        ContentType.objects.clear_cache()
