"""Append-only guards on the audit table, the 243 governments, and the national 위임전결 defaults."""

from django.db import migrations

from lofin.core import governments, guards
from lofin.core.approvals import defaults


def install_guards(apps, schema_editor):
    guards.install(schema_editor, "core_auditevent")


def remove_guards(apps, schema_editor):
    guards.uninstall(schema_editor, "core_auditevent")


def load_governments(apps, schema_editor):
    governments.load(
        apps.get_model("core", "LocalGovernment"),
        apps.get_model("core", "GovernmentVersion"),
        apps.get_model("core", "AuditChain"),
    )


def load_policies(apps, schema_editor):
    defaults.load(apps.get_model("core", "ApprovalPolicy"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(install_guards, remove_guards),
        migrations.RunPython(load_governments, migrations.RunPython.noop),
        migrations.RunPython(load_policies, migrations.RunPython.noop),
    ]
