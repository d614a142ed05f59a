"""The chart of accounts and the append-only guards on the journal (corrections are reversing entries)."""

import csv
from pathlib import Path

from django.db import migrations

from lofin.core import guards

CHART = Path(__file__).resolve().parent.parent / "data" / "chart.csv"
TABLES = ("accounting_journalentry", "accounting_journalline")


def load_chart(apps, schema_editor):
    model = apps.get_model("accounting", "LedgerAccount")
    with CHART.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            model.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "category": row["category"],
                    "parent_code": row["parent_code"],
                    "is_summary": row["is_summary"] == "1",
                },
            )


def install_guards(apps, schema_editor):
    for table in TABLES:
        guards.install(schema_editor, table)


def remove_guards(apps, schema_editor):
    for table in TABLES:
        guards.uninstall(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial"), ("core", "0003_audit_head_guard_username_ci")]

    operations = [
        migrations.RunPython(load_chart, migrations.RunPython.noop),
        migrations.RunPython(install_guards, remove_guards),
    ]
