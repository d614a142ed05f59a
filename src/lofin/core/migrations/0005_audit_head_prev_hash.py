"""The chain head keeps the hash it replaced (architecture §8.16)."""

from django.db import migrations, models

from lofin.core import guards


def reinstall_head_guard(apps, schema_editor):
    # SQLite adds this column by rebuilding the table, which drops its triggers: put the guard back (idempotent).
    guards.install_head_guard(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_hot_path_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchain",
            name="prev_hash",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
        migrations.RunPython(reinstall_head_guard, migrations.RunPython.noop),
    ]
