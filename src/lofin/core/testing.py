"""Builders of people and organisations for tests (and the demo loader), through the real actions."""

from __future__ import annotations

import itertools
from typing import Any

from django.db import transaction

from lofin.core import actions, audit
from lofin.core.models import Department, LocalGovernment, Membership, User
from lofin.core.roles import AccountType, Position, Role

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


def bootstrap_operator(username: str = "operator", *, password: str | None = PASSWORD, **fields: Any) -> User:
    """The first operator account. Every later account is created by an operator through the actions."""
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                account_type=AccountType.OPERATOR,
                display_name=fields.pop("display_name", "운영자"),
                **fields,
            )
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.is_staff = True
            user.save()
            Membership.objects.create(user=user, government=None, role=Role.OPERATOR)
            audit.record(None, "core.operator.bootstrap", user, data={"username": username})
    return user


def government(code: str) -> LocalGovernment:
    return LocalGovernment.objects.get(code=code)


def department(
    gov: LocalGovernment, code: str, name: str, parent: Department | None = None, *, by: User | None = None
) -> Department:
    existing = Department.objects.filter(government=gov, code=code).first()
    if existing:
        return existing
    return actions.do_create_department(gov, code=code, name=name, parent=parent, actor=by or bootstrap_operator())


def official(
    gov: LocalGovernment,
    *roles: str,
    username: str | None = None,
    position: int = Position.STAFF,
    dept: Department | None = None,
    name: str | None = None,
    email: str = "",
    phone: str = "",
    password: str = PASSWORD,
    by: User | None = None,
) -> User:
    op = by or bootstrap_operator()
    username = username or f"official{next(_counter)}"
    user = actions.do_create_user(
        username=username,
        display_name=name or username,
        account_type=AccountType.OFFICIAL,
        actor=op,
        password=password,
        email=email,
        phone=phone,
    )
    for role in roles:
        actions.do_grant_membership(user, role=role, government=gov, actor=op)
    actions.do_set_post(user, government=gov, position=position, department=dept, actor=op)
    return user


def person(
    gov: LocalGovernment, account_type: str = AccountType.RESIDENT, *, username: str | None = None, **kwargs: Any
) -> User:
    username = username or f"person{next(_counter)}"
    extra: dict[str, Any] = {}
    if account_type in (AccountType.SUPPLIER, AccountType.SUBSIDY_OPERATOR):
        extra = {"business_number": "2048631263", "organisation": "주식회사 테스트"}
    extra.update(kwargs)
    return actions.do_register(
        username=username,
        password=PASSWORD,
        display_name=extra.pop("display_name", username),
        account_type=account_type,
        government=gov,
        **extra,
    )
