"""The ballot is secret (issue 13): who voted moves to the turnout roll (`RollEntry`), what was voted stays on the
ballot, with nothing that links the two.

The data move, for databases made before this change (`make run`):
- every ballot becomes a roll entry (person, channel, day, entering official, active or replaced, retry key, and the
  request's fingerprint now keyed with the server's secret);
- a counted ballot is written again under a random id, in a random order, with its choices (random ids too), and
  carries the seal of its person; the old rows go, so the old ids — the receipts voters were shown, and the ids the
  audit trail named — no longer point at any ballot (the audit trail itself is append-only and stays as it was);
- a replaced online ballot is deleted: it was never counted, and kept it would tie the people the roll shows as
  replaced to what they first voted.
Old receipts are void; voters of an open vote have no receipt code (they still see their vote on "my vote").
The move cannot be reversed: the link it removes is not kept anywhere.
"""

import hashlib
import hmac
import random
import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import lofin.participation.models.voting


def _key() -> bytes:
    # As queries.ballots._key at the time of this migration.
    return hmac.new(settings.LOFIN_AUDIT_KEY.encode(), b"participation-ballot-seal", hashlib.sha256).digest()


def _seal(key: bytes, cycle_id: int, identity_hash: str) -> str:
    return hmac.new(key, f"{cycle_id}:{identity_hash}".encode(), hashlib.sha256).hexdigest()


def _sealed(key: bytes, fingerprint: str) -> str:
    return hmac.new(key, f"fingerprint:{fingerprint}".encode(), hashlib.sha256).hexdigest()


def _random_id() -> int:
    return secrets.randbits(62) + 1


def move_to_the_roll(apps, schema_editor):
    Ballot = apps.get_model("participation", "Ballot")
    BallotChoice = apps.get_model("participation", "BallotChoice")
    RollEntry = apps.get_model("participation", "RollEntry")
    if not Ballot.objects.exists():
        return
    key = _key()
    old = list(Ballot.objects.order_by("id").values())
    RollEntry.objects.bulk_create(
        [
            RollEntry(
                government_id=b["government_id"],
                cycle_id=b["cycle_id"],
                voter_key=b["voter_key"],
                channel=b["channel"],
                resident_id=b["resident_id"],
                census_entry_id=b["census_entry_id"],
                basis=b["basis"],
                entered_by_id=b["entered_by_id"],
                voted_on=b["cast_on"],
                is_active=b["is_active"],
                idempotency_key=b["idempotency_key"],
                request_fingerprint=_sealed(key, b["request_fingerprint"]) if b["request_fingerprint"] else "",
            )
            for b in old
        ],
        batch_size=2000,
    )
    counted = [b for b in old if b["is_active"]]
    random.SystemRandom().shuffle(counted)
    new_id = {b["id"]: _random_id() for b in counted}
    choices = list(BallotChoice.objects.filter(ballot_id__in=list(new_id)).values())
    random.SystemRandom().shuffle(choices)
    BallotChoice.objects.all().delete()
    Ballot.objects.update(replaced_by=None)
    Ballot.objects.all().delete()
    # The old columns are still there (dropped below); the new rows carry placeholders in them.
    Ballot.objects.bulk_create(
        [
            Ballot(
                id=new_id[b["id"]],
                government_id=b["government_id"],
                cycle_id=b["cycle_id"],
                seal=_seal(key, b["cycle_id"], b["voter_key"]),
                voter_key="",
                channel="",
                cast_on=b["cast_on"],
                is_active=True,
            )
            for b in counted
        ],
        batch_size=2000,
    )
    BallotChoice.objects.bulk_create(
        [
            BallotChoice(
                id=_random_id(),
                government_id=c["government_id"],
                ballot_id=new_id[c["ballot_id"]],
                proposal_id=c["proposal_id"],
                points=c["points"],
                rank=c["rank"],
            )
            for c in choices
        ],
        batch_size=5000,
    )
    if schema_editor.connection.vendor == "postgresql":
        # The deferred foreign-key checks of these rows run now: PostgreSQL refuses to alter a table with pending
        # trigger events, and the old columns are dropped next, in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_audit_head_prev_hash"),
        ("participation", "0003_ballot_request_fingerprint"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RollEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("voter_key", models.CharField(max_length=64)),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("online", "online"),
                            ("paper", "paper ballot"),
                            ("in_person", "in person at a polling station"),
                        ],
                        max_length=10,
                        verbose_name="channel",
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("resident", "lives in the area"),
                            ("worker", "works in the area"),
                            ("student", "studies in the area"),
                        ],
                        max_length=10,
                    ),
                ),
                ("voted_on", models.DateField(verbose_name="voting day")),
                ("is_active", models.BooleanField(default=True)),
                ("idempotency_key", models.CharField(blank=True, max_length=140, null=True)),
                ("request_fingerprint", models.CharField(blank=True, db_default="", default="", max_length=64)),
            ],
            options={
                "ordering": ["cycle_id", "id"],
            },
        ),
        migrations.AddField(
            model_name="rollentry",
            name="census_entry",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="participation.censusentry",
            ),
        ),
        migrations.AddField(
            model_name="rollentry",
            name="cycle",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="roll", to="participation.cycle"
            ),
        ),
        migrations.AddField(
            model_name="rollentry",
            name="entered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="rollentry",
            name="government",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.localgovernment"
            ),
        ),
        migrations.AddField(
            model_name="rollentry",
            name="resident",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="participation.resident",
            ),
        ),
        migrations.AddField(
            model_name="ballot",
            name="seal",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="ballot",
            name="receipt_digest",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.RemoveConstraint(
            model_name="ballot",
            name="pb_ballot_one_active_per_person",
        ),
        migrations.RemoveConstraint(
            model_name="ballot",
            name="pb_ballot_unique_key",
        ),
        migrations.RemoveConstraint(
            model_name="ballot",
            name="pb_ballot_active_not_replaced",
        ),
        migrations.AlterModelOptions(
            name="ballotchoice",
            options={"ordering": ["ballot_id", "rank", "proposal_id"]},
        ),
        migrations.RunPython(move_to_the_roll, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(
            model_name="ballot",
            name="basis",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="cast_at",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="cast_on",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="census_entry",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="channel",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="entered_by",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="idempotency_key",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="is_active",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="replaced_by",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="request_fingerprint",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="resident",
        ),
        migrations.RemoveField(
            model_name="ballot",
            name="voter_key",
        ),
        migrations.AlterField(
            model_name="ballot",
            name="id",
            field=models.BigIntegerField(
                default=lofin.participation.models.voting.random_id, editable=False, primary_key=True, serialize=False
            ),
        ),
        migrations.AlterField(
            model_name="ballotchoice",
            name="id",
            field=models.BigIntegerField(
                default=lofin.participation.models.voting.random_id, editable=False, primary_key=True, serialize=False
            ),
        ),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.UniqueConstraint(fields=("cycle", "seal"), name="pb_ballot_one_per_seal"),
        ),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.UniqueConstraint(fields=("cycle", "receipt_digest"), name="pb_ballot_unique_receipt"),
        ),
        migrations.AddConstraint(
            model_name="rollentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)),
                fields=("cycle", "voter_key"),
                name="pb_roll_one_active_per_person",
            ),
        ),
        migrations.AddConstraint(
            model_name="rollentry",
            constraint=models.UniqueConstraint(fields=("cycle", "idempotency_key"), name="pb_roll_unique_key"),
        ),
    ]
