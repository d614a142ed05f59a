"""The writers of who takes part: the government's resident list (only hashes of the identities are kept) and a
person's verified identity, matched against that list."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock
from lofin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import has_permission, require

from ..access import MANAGE, PARTICIPATE
from ..models import CensusEntry, CensusList, Resident, VerificationMethod
from ..queries.residents import census_entry
from ..rules import residents as rules


def identity_key() -> bytes:
    """The identity hash is keyed outside the database, like the audit chain, so a copy of the tables alone
    cannot be used to test guesses of who voted."""
    return hmac.new(settings.LOFIN_AUDIT_KEY.encode(), b"participation-identity", hashlib.sha256).digest()


def person_hash(name: str, birth_date: dt.date, sex_digit: str) -> str:
    return rules.identity_hash(identity_key(), name, birth_date, sex_digit)


def do_upload_census(government: LocalGovernment, *, name: str, data: bytes, actor: User) -> CensusList:
    """Replace the government's current resident list. Only hashes of the identities are kept."""
    require(actor, MANAGE, government)
    rows = rules.parse_census(data)
    key = identity_key()
    with transaction.atomic():
        CensusList.objects.filter(government=government, is_current=True).update(is_current=False)
        census = CensusList.objects.create(
            government=government,
            name=(name or "").strip()[:120] or "resident list",
            uploaded_by=actor,
            row_count=len(rows),
            digest=hashlib.sha256(data).hexdigest(),
        )
        CensusEntry.objects.bulk_create(
            [
                CensusEntry(
                    government=government,
                    census=census,
                    name=n,
                    birth_date=b,
                    identity_hash=rules.identity_hash(key, n, b, s),
                    basis=basis,
                    area=area,
                )
                for n, b, s, basis, area in rows
            ],
            batch_size=2000,
        )
        audit.record(actor, "participation.census.upload", census, data={"rows": len(rows), "digest": census.digest})
    return census


@dataclass(frozen=True)
class VerifiedIdentity:
    """What an identity service (or an official checking an ID card) confirmed."""

    name: str
    birth_date: dt.date
    sex_digit: str
    ci: str = ""
    phone: str = ""


def do_verify_resident(
    government: LocalGovernment, *, user: User, identity: VerifiedIdentity, method: str, actor: User
) -> Resident:
    """Record a person's verified identity for a government and match it against the current resident list."""
    if method not in VerificationMethod.values:
        raise InvalidInput(_("Unknown verification method."), field="method")
    if method == VerificationMethod.IDENTITY:
        # An ID card is checked by an official in person.
        require(actor, MANAGE, government)
    else:
        require(actor, PARTICIPATE, government)
        if actor.pk != user.pk:
            raise PermissionDenied()
    if not has_permission(user, PARTICIPATE, government):
        raise NotFound()
    rules.check_verified_identity(identity.name, identity.birth_date, clock.today())
    digest = person_hash(identity.name, identity.birth_date, identity.sex_digit)
    entry = census_entry(government, digest)
    now = clock.now()
    fields = {
        "method": method,
        "verified_name": identity.name.strip()[:60],
        "birth_date": identity.birth_date,
        "identity_hash": digest,
        "ci_hash": hashlib.sha256(identity.ci.encode()).hexdigest() if identity.ci else "",
        "verified_at": now,
        "census_entry": entry,
        "basis": entry.basis if entry else "",
        "census_matched_at": now if entry else None,
    }
    with transaction.atomic():
        other = Resident.objects.filter(government=government, identity_hash=digest).exclude(user=user).first()
        if other is not None:
            raise Conflict(
                _("This person is already verified under another account of this government."), field="identity"
            )
        try:
            with transaction.atomic():
                resident, created = Resident.objects.update_or_create(government=government, user=user, defaults=fields)
        except IntegrityError:
            raise Conflict(
                _("This person is already verified under another account of this government."), field="identity"
            ) from None
        audit.record(
            actor,
            "participation.resident.verify",
            resident,
            data={"method": method, "census": bool(entry), "basis": fields["basis"], "new": created},
        )
    return resident
