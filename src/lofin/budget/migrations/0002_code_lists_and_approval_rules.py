"""The national code lists for 2023–2027 and the decision rules of budget documents."""

from django.db import migrations

from lofin.budget import codes


def load_codes(apps, schema_editor):
    codes.load(model=apps.get_model("budget", "NationalCode"))


def load_policies(apps, schema_editor):
    codes.load_policies(apps.get_model("core", "ApprovalPolicy"))


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial"), ("core", "0003_audit_head_guard_username_ci")]

    operations = [
        migrations.RunPython(load_codes, migrations.RunPython.noop),
        migrations.RunPython(load_policies, migrations.RunPython.noop),
    ]
