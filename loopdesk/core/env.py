"""Strict helpers that read settings from the environment.

Every helper refuses malformed values loudly instead of silently falling back, so a
typo in a production environment fails at start-up rather than at 3 a.m.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "insecure", "django-insecure", "xxx"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_key(*, production: bool, var_dir: Path) -> str:
    """SECRET_KEY from the environment; generated once and kept in var/ for local use."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if production and (len(key) < 32 or key.lower() in PLACEHOLDER_SECRETS):
            raise ImproperlyConfigured("SECRET_KEY is a placeholder or shorter than 32 characters")
        return key
    if production:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (LOOPDESK_PRODUCTION=1)")
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
