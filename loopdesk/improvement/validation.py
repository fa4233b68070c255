"""Field checks shared by the problem and action functions: every error is collected, keyed by the
field's name, so one answer lists everything that needs fixing and nothing is written."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from loopdesk.accounts.models import Department, User
from loopdesk.classification.models import ProblemType
from loopdesk.core.errors import ValidationFailed
from loopdesk.improvement.access import OWNER_ROLES

Errors = dict[str, list[str | Promise]]


def text(errors: Errors, name: str, value: str | None, *, max_length: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(name, []).append(_("Use at most %(n)s characters.") % {"n": max_length})
    return value


def problem_type(errors: Errors, name: str, code: str | None) -> ProblemType | None:
    if not code:
        return None
    pt = ProblemType.objects.filter(code=code, active=True).first()
    if pt is None:
        errors.setdefault(name, []).append(_("Unknown problem type."))
    return pt


def owner(errors: Errors, name: str, user_id: int | None, *, required: bool) -> User | None:
    if user_id is None:
        if required:
            errors.setdefault(name, []).append(_("This field is required."))
        return None
    user = User.objects.filter(pk=user_id, is_active=True, role__in=OWNER_ROLES).first()
    if user is None:
        errors.setdefault(name, []).append(_("Choose an active handler, supervisor, manager, monitor or "
                                             "administrator."))
    return user


def department(errors: Errors, name: str, department_id: int | None) -> Department | None:
    if department_id is None:
        errors.setdefault(name, []).append(_("This field is required."))
        return None
    dept = Department.objects.filter(pk=department_id).first()
    if dept is None:
        errors.setdefault(name, []).append(_("Unknown department."))
    return dept


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationFailed(errors)
