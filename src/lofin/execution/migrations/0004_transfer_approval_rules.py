"""National default 위임전결 rules of transfer requests (전용·이용·이체·예비비 사용); see execution/rules/transfers.py."""

from django.db import migrations

from lofin.execution.actions import transfers


def load_policies(apps, schema_editor):
    transfers.load_policies(apps.get_model("core", "ApprovalPolicy"))


def unload_policies(apps, schema_editor):
    transfers.unload_policies(apps.get_model("core", "ApprovalPolicy"))


class Migration(migrations.Migration):
    dependencies = [("execution", "0003_revenue_transfers_yearend")]

    operations = [migrations.RunPython(load_policies, unload_policies)]
