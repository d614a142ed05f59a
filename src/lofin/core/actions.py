"""The only writers of people, memberships, posts and tokens. Each call is one audited transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock, rules, types
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import ApiToken, Department, LocalGovernment, Membership, Official, User
from lofin.core.permissions import forget_roles, require_operator
from lofin.core.roles import AccountType, Position, Role

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,40}$")
PHONE_RE = re.compile(r"^01[016789]\d{7,8}$")

# The role a self-service account type receives in the government it signs up with.
SIGNUP_ROLE = {
    AccountType.RESIDENT: Role.RESIDENT,
    AccountType.SUPPLIER: Role.SUPPLIER,
    AccountType.SUBSIDY_OPERATOR: Role.SUBSIDY_OPERATOR,
}


def _clean_phone(phone: str) -> str:
    digits = re.sub(r"[\s\-]", "", phone or "")
    if digits and not PHONE_RE.fullmatch(digits):
        raise InvalidInput(_("Enter a mobile phone number such as 010-1234-5678."), field="phone")
    return digits


def _clean_identity(username: str, email: str, phone: str) -> tuple[str, str, str]:
    username = (username or "").strip()
    if not USERNAME_RE.fullmatch(username):
        raise InvalidInput(_("A user name has 3 to 40 letters, digits, dots, dashes or underscores."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("This user name is taken."), field="username")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    return username, email, _clean_phone(phone)


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(str(m) for m in exc.messages), field="password") from None


def do_register(
    *,
    username: str,
    password: str,
    display_name: str,
    account_type: str,
    government: LocalGovernment,
    email: str = "",
    phone: str = "",
    business_number: str = "",
    organisation: str = "",
    language: str = "ko",
) -> User:
    """Self-service sign-up of a resident, supplier or subsidy operator with one government."""
    try:
        account = AccountType(account_type)
    except ValueError:
        raise InvalidInput(_("Choose what kind of account you need."), field="account_type") from None
    if account not in SIGNUP_ROLE:
        raise InvalidInput(
            _("Officials, analysts and operators are created by a system operator, not by sign-up."),
            field="account_type",
        )
    username, email, phone = _clean_identity(username, email, phone)
    display_name = (display_name or "").strip()
    if not display_name:
        raise InvalidInput(_("Enter your name."), field="display_name")
    if account not in (AccountType.SUPPLIER, AccountType.SUBSIDY_OPERATOR):
        # A resident has no business number to keep.
        business_number = ""
    else:
        try:
            business_number = types.parse_business_number(business_number)
        except ValueError as error:
            raise InvalidInput(str(error), field="business_number") from None
        if not organisation.strip():
            raise InvalidInput(_("Enter the name of your business or organisation."), field="organisation")
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        phone=phone,
        account_type=account,
        business_number=business_number,
        organisation=organisation.strip(),
        preferred_language=language if language in ("ko", "en") else "ko",
    )
    _check_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # Someone took the name between our check and the insert.
            raise Conflict(_("This user name is taken."), field="username") from None
        membership = Membership.objects.create(user=user, government=government, role=SIGNUP_ROLE[account])
        audit.record(
            user,
            "core.user.register",
            user,
            government=government,
            data={"username": username, "account_type": account, "role": membership.role},
        )
    return user


def do_create_user(
    *,
    username: str,
    display_name: str,
    account_type: str,
    actor: User,
    password: str | None = None,
    email: str = "",
    phone: str = "",
    language: str = "ko",
    is_demo: bool = False,
) -> User:
    """An operator creates an account (officials, analysts, other operators). Without a password the
    account cannot log in until one is set."""
    require_operator(actor)
    try:
        account = AccountType(account_type)
    except ValueError:
        raise InvalidInput(_("Unknown account type."), field="account_type") from None
    username, email, phone = _clean_identity(username, email, phone)
    user = User(
        username=username,
        display_name=(display_name or "").strip(),
        email=email,
        phone=phone,
        account_type=account,
        preferred_language=language if language in ("ko", "en") else "ko",
        is_demo=is_demo,
    )
    if password:
        if not is_demo:
            _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise Conflict(_("This user name is taken."), field="username") from None
        audit.record(actor, "core.user.create", user, data={"username": username, "account_type": account})
    return user


def do_grant_membership(
    user: User,
    *,
    role: str,
    government: LocalGovernment | None,
    actor: User,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Membership:
    require_operator(actor)
    problem = rules.membership_problem(
        role=role,
        has_government=government is not None,
        account_type=user.account_type,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if problem:
        raise InvalidInput(problem, field="role")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user,
            government=government,
            role=role,
            defaults={"valid_from": valid_from, "valid_until": valid_until, "granted_by": actor},
        )
        if not created:
            Membership.objects.filter(pk=membership.pk).update(valid_from=valid_from, valid_until=valid_until)
            membership.refresh_from_db()
        if role == Role.OPERATOR and not user.is_staff:
            User.objects.filter(pk=user.pk).update(is_staff=True)
        audit.record(
            actor,
            "core.membership.grant",
            membership,
            government=government,
            data={"user": user.pk, "role": role, "valid_from": valid_from, "valid_until": valid_until},
        )
    forget_roles(user)
    return membership


def do_revoke_membership(membership_id: int, *, actor: User) -> None:
    require_operator(actor)
    with transaction.atomic():
        try:
            membership = (
                Membership.objects.select_for_update(of=("self",))
                .select_related("user", "government")
                .get(pk=membership_id)
            )
        except Membership.DoesNotExist:
            raise NotFound() from None
        data = {"user": membership.user_id, "role": membership.role}
        government = membership.government
        membership.delete()
        if membership.role == Role.OPERATOR:
            User.objects.filter(pk=membership.user_id).update(is_staff=False)
        audit.record(
            actor,
            "core.membership.revoke",
            government=government,
            object_type="core.membership",
            object_id=membership_id,
            data=data,
        )


def do_set_post(
    user: User,
    *,
    government: LocalGovernment,
    position: int,
    actor: User,
    department: Department | None = None,
    title: str = "",
) -> Official:
    """Record where an official sits (department, 직위): approval lines are built from this."""
    require_operator(actor)
    if user.account_type != AccountType.OFFICIAL:
        raise InvalidInput(_("Only officials hold posts."), field="user")
    if position not in Position.values:
        raise InvalidInput(_("Unknown position."), field="position")
    if department is not None and department.government_id != government.pk:
        raise NotFound()
    with transaction.atomic():
        post, _created = Official.objects.update_or_create(
            user=user,
            government=government,
            defaults={"position": position, "department": department, "title": title},
        )
        audit.record(
            actor,
            "core.official.set_post",
            post,
            data={"user": user.pk, "position": position, "department": department.pk if department else None},
        )
    return post


def do_create_department(
    government: LocalGovernment, *, code: str, name: str, actor: User, parent: Department | None = None
) -> Department:
    require_operator(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise InvalidInput(_("A department needs a code and a name."))
    if parent is not None and parent.government_id != government.pk:
        raise NotFound()
    with transaction.atomic():
        try:
            with transaction.atomic():
                department = Department.objects.create(government=government, code=code, name=name, parent=parent)
        except IntegrityError:
            raise Conflict(_("A department with this code exists already."), field="code") from None
        audit.record(actor, "core.department.create", department, data={"code": code, "name": name})
    return department


TOKEN_PREFIX = "lofin_"  # noqa: S105 - a public prefix that marks our tokens, not a secret


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def do_create_token(user: User, *, actor: User, name: str = "", days: int | None = None) -> tuple[str, ApiToken]:
    """Create a bearer token for the API. The token itself is returned once and never stored."""
    if actor.pk != user.pk:
        require_operator(actor)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:80],
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            key_hash=_token_hash(raw),
            expires_at=clock.now() + dt.timedelta(days=days) if days else None,
        )
        audit.record(actor, "core.token.create", token, data={"user": user.pk, "prefix": token.prefix})
    return raw, token


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= clock.now()):
        return None
    # Recording use at most once a minute keeps reads from turning into a write per request.
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def do_set_language(user: User, language: str) -> None:
    if language not in ("ko", "en"):
        return
    if user.preferred_language == language:
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(preferred_language=language)
        user.preferred_language = language
        audit.record(user, "core.user.set_language", user, data={"language": language})
