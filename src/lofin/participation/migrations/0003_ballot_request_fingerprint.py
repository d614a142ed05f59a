"""A ballot keeps the scoped retry key (`core.idempotency.scoped_key`, longer than the caller's key) and the
fingerprint of the request that wrote it, so a retry with the same key and another ballot is refused."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0002_follow"),
    ]

    operations = [
        migrations.AddField(
            model_name="ballot",
            name="request_fingerprint",
            field=models.CharField(blank=True, db_default="", default="", max_length=16),
        ),
        migrations.AlterField(
            model_name="ballot",
            name="idempotency_key",
            field=models.CharField(blank=True, max_length=140, null=True),
        ),
    ]
