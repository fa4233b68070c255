"""Who may use the configuration pages: active administrators. Everyone else signed in gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from loopdesk.accounts.models import Role


def is_config_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def admin_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_config_admin(request.user):
            return render(request, "config/forbidden.html", {}, status=403)
        return view(request, *args, **kwargs)

    return guarded
