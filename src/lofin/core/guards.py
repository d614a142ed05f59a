"""Database-level guards that make the audit trail (and later the journal) append-only.

PostgreSQL: triggers reject UPDATE, DELETE and TRUNCATE. SQLite: triggers call `lofin_maintenance()`, a
function this process registers on each connection; any other program that opens the file (the sqlite3
shell) does not have it, so its changes fail too. The only way around either is the test suite's
teardown, which empties test databases (PostgreSQL: only databases named test_*).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

GUARDED_TABLES: list[str] = ["core_auditevent", "accounting_journalentry", "accounting_journalline"]
# Chain heads may only move forward and are never deleted.
HEAD_TABLE = "core_auditchain"

_maintenance = {"on": False}


def set_maintenance(on: bool) -> None:
    _maintenance["on"] = on


@contextmanager
def maintenance(connection: Any) -> Iterator[None]:
    """Let the test suite empty guarded tables of a test database (PostgreSQL refuses unless named test_*)."""
    set_maintenance(True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET lofin.maintenance = 'on'")
    try:
        yield
    finally:
        set_maintenance(False)
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET lofin.maintenance")


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("lofin_maintenance", 0, lambda: 1 if _maintenance["on"] else 0)


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION lofin_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('lofin.maintenance', true) = 'on' AND current_database() LIKE 'test\\_%' THEN
        IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'lofin: % on % is not allowed: the table is append-only; correct it with a new entry', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def pg_guard_sql(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION lofin_reject_change();",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION lofin_reject_change();",
    ]


def sqlite_guard_sql(table: str) -> list[str]:
    message = f"lofin: {table} is append-only; correct it with a new entry"
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update;",
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} WHEN lofin_maintenance() = 0 "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN lofin_maintenance() = 0 "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
    ]


PG_HEAD_FUNCTION = """
CREATE OR REPLACE FUNCTION lofin_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('lofin.maintenance', true) = 'on' AND current_database() LIKE 'test\\_%' THEN
        IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.last_seq > OLD.last_seq AND NEW.key = OLD.key THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'lofin: an audit chain head may only move forward'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def install_head_guard(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    table = HEAD_TABLE
    if vendor == "postgresql":
        schema_editor.execute(PG_HEAD_FUNCTION, params=None)
        for sql in (
            f"DROP TRIGGER IF EXISTS {table}_forward ON {table};",
            f"CREATE TRIGGER {table}_forward BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION lofin_head_forward();",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION lofin_reject_change();",
        ):
            schema_editor.execute(sql, params=None)
    elif vendor == "sqlite":
        message = "lofin: an audit chain head may only move forward"
        for sql in (
            f"DROP TRIGGER IF EXISTS {table}_forward;",
            f"CREATE TRIGGER {table}_forward BEFORE UPDATE ON {table} "
            f"WHEN lofin_maintenance() = 0 AND (NEW.last_seq <= OLD.last_seq OR NEW.key != OLD.key) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
            f"DROP TRIGGER IF EXISTS {table}_no_delete;",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN lofin_maintenance() = 0 "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
        ):
            schema_editor.execute(sql, params=None)


def uninstall_head_guard(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name in (f"{HEAD_TABLE}_forward", f"{HEAD_TABLE}_no_truncate"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {HEAD_TABLE};")
    elif vendor == "sqlite":
        for name in (f"{HEAD_TABLE}_forward", f"{HEAD_TABLE}_no_delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


def install(schema_editor: Any, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        statements = pg_guard_sql(table)
    elif vendor == "sqlite":
        statements = sqlite_guard_sql(table)
    else:
        return
    for sql in statements:
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor: Any, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        names = [f"{table}_append_only", f"{table}_no_truncate"]
        for name in names:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
    elif vendor == "sqlite":
        for name in (f"{table}_no_update", f"{table}_no_delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
