"""Every API error is JSON in the caller's language:
{"detail": "...", "code": "...", "errors": {"field.path": ["message", ...]}}."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from loopdesk.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed


def _message(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        name = str((err.get("loc") or ("",))[-1])
        if name == "email":
            return _("Enter a valid email address.")
        if name == "phone":
            return _("Enter a valid phone number.")
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long", "too_long"):
        return _("Use at most %(n)s characters.") % {"n": ctx.get("max_length", "?")}
    if kind in ("string_too_short", "too_short"):
        return _("This field is required.") if ctx.get("min_length", 1) <= 1 else (
            _("Use at least %(n)s characters.") % {"n": ctx.get("min_length")})
    if kind in ("int_parsing", "int_type", "int_from_float", "float_parsing", "float_type", "decimal_parsing",
                "decimal_type", "finite_number"):
        return _("Enter a number.")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _("The number is out of range.")
    if kind in ("decimal_max_digits", "decimal_max_places", "decimal_whole_digits"):
        return _("The amount has too many digits.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind.startswith("datetime") or kind.startswith("date_") or kind == "timezone_aware":
        return _("Enter a date and time with its time zone, e.g. 2026-11-23T09:30:00+08:00.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind in ("string_type", "model_type", "model_attributes_type", "dict_type", "list_type"):
        return _("This value has the wrong type.")
    if kind == "value_error":
        return str(ctx.get("error", "")) or _("This value is not valid.")
    if kind in ("extra_forbidden",):
        return _("This field is not accepted.")
    return _("This value is not valid.")


_SOURCES = ("body", "query", "path", "form", "file", "header", "cookie")
_PARAMS = ("payload", "filters", "data")


def _path(loc) -> str:
    parts = [str(p) for p in loc]
    # ("body", "payload", "customer", "phone") → "customer.phone"; ("file", "file") → "file"
    if parts and parts[0] in _SOURCES:
        parts.pop(0)
    if parts and parts[0] in _PARAMS:
        parts.pop(0)
    return ".".join(parts) or "body"


@contextmanager
def field_names(**renames: str) -> Iterator[None]:
    """Domain errors name a field by its meaning ("owner"); report it under the request's name ("owner_id")
    so a client can put the message next to the input it came from."""
    try:
        yield
    except ValidationFailed as exc:
        exc.errors = {renames.get(k, k): v for k, v in exc.errors.items()}
        raise


def _body(detail: str, code: str, errors: dict | None = None) -> dict:
    out = {"detail": detail, "code": code}
    if errors is not None:
        out["errors"] = errors
    return out


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def validation(request: HttpRequest, exc: NinjaValidationError):
        errors: dict[str, list[str]] = {}
        for err in exc.errors:
            errors.setdefault(_path(err.get("loc", ())), []).append(_message(err))
        return api.create_response(request, _body(_("Some fields are not valid."), "invalid", errors), status=422)

    @api.exception_handler(ValidationFailed)
    def domain_validation(request: HttpRequest, exc: ValidationFailed):
        errors = {k: [str(m) for m in v] for k, v in exc.errors.items()}
        return api.create_response(request, _body(_("Some fields are not valid."), "invalid", errors), status=422)

    @api.exception_handler(NotFound)
    def not_found(request: HttpRequest, exc: NotFound):
        return api.create_response(request, _body(str(exc.message) or _("Not found."), "not_found"), status=404)

    @api.exception_handler(NotAllowed)
    def not_allowed(request: HttpRequest, exc: NotAllowed):
        return api.create_response(request, _body(str(exc.message) or _("Not allowed."), "forbidden"), status=403)

    @api.exception_handler(Conflict)
    def conflict(request: HttpRequest, exc: Conflict):
        return api.create_response(request, _body(str(exc.message), "conflict"), status=409)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError):
        return api.create_response(request, _body(_("Sign in or send a valid API token."), "unauthenticated"),
                                   status=401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return api.create_response(
                request, _body(_("The request body is not valid JSON."), "malformed", {"body": [
                    _("The request body is not valid JSON.")]}), status=400)
        if exc.status_code == 403:
            return api.create_response(request, _body(_("Not allowed."), "forbidden"), status=403)
        return api.create_response(request, _body(str(exc), "error"), status=exc.status_code)
