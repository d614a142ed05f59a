"""Append-only guards on the audit table, the 243 governments, and the national 위임전결 defaults."""

from django.db import migrations

from lofin.core import governments, guards

# National default 위임전결 bands for every document kind ("*"); governments replace them with their own.
# Amounts in won: up to 1천만 → 과장, up to 5천만 → 국장, up to 3억 → 부단체장, above → 단체장.
DEFAULT_BANDS = [(10_000_000, 3), (50_000_000, 4), (300_000_000, 5), (None, 6)]


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
    policy = apps.get_model("core", "ApprovalPolicy")
    for max_amount, position in DEFAULT_BANDS:
        policy.objects.get_or_create(
            government=None, doc_kind="*", max_amount=max_amount, defaults={"final_position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(install_guards, remove_guards),
        migrations.RunPython(load_governments, migrations.RunPython.noop),
        migrations.RunPython(load_policies, migrations.RunPython.noop),
    ]
