"""pgcrypto on PostgreSQL: the one-statement commitment path computes the audit HMAC in the database."""

from django.db import migrations


def enable(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")


class Migration(migrations.Migration):
    dependencies = [("execution", "0001_initial")]

    operations = [migrations.RunPython(enable, migrations.RunPython.noop)]
