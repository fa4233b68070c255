"""What every staff view shares: sign-in, the domain errors turned into pages, field errors onto forms."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from loopdesk.core.errors import Conflict, DomainError, NotAllowed, NotFound, ValidationFailed

STATUS_OF = {NotFound: 404, NotAllowed: 403, Conflict: 409, ValidationFailed: 400}


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in, active staff only; anyone else goes to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def guarded_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """staff_view whose domain refusals (not found, not allowed, not possible now) become the
    refusal page, so a view states its happy path only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ValidationFailed as exc:
            # Only reached where no form shows the field (a button, a query parameter): say the first reason.
            return refused(request, DomainError(next(iter(exc.errors.values()))[0]))
        except DomainError as exc:
            return refused(request, exc)

    return staff_view(wrapper)


def status_of(exc: DomainError) -> int:
    return next((code for cls, code in STATUS_OF.items() if isinstance(exc, cls)), 400)


def refused(request: HttpRequest, exc: DomainError, *, title: str | None = None) -> HttpResponse:
    """A page (or htmx fragment) that says why, with the matching status code."""
    code = status_of(exc)
    default = {404: _("Not found."), 403: _("Not allowed."), 409: _("Not possible now.")}.get(code, "")
    ctx = {"message": str(exc.message) or default, "title": title or default, "code": code}
    template = "web/_refusal.html" if getattr(request, "htmx", False) else "web/refused.html"
    return render(request, template, ctx, status=code)


def add_domain_errors(form: forms.Form, exc: ValidationFailed, aliases: dict[str, str] | None = None) -> None:
    """Put the domain's field errors on the form's fields (unknown fields become form-wide errors)."""
    for key, messages in exc.errors.items():
        name = (aliases or {}).get(key, key)
        name = name if name in form.fields else None
        for message in messages:
            form.add_error(name, str(message))


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
