"""Django settings. Everything that differs between machines comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from loopdesk.core import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.env_str("LOOPDESK_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env.env_bool("LOOPDESK_PRODUCTION", False)
DEBUG = env.env_bool("DEBUG", False)
SECRET_KEY = env.secret_key(production=PRODUCTION, var_dir=VAR_DIR)
ALLOWED_HOSTS = env.env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "loopdesk.core",
    "loopdesk.accounts",
    "loopdesk.classification",
    "loopdesk.routing",
    "loopdesk.deadlines",
    "loopdesk.complaints",
    "loopdesk.escalation",
    "loopdesk.notifications",
    "loopdesk.jobs",
    "loopdesk.monitoring",
    "loopdesk.knowledge",
    "loopdesk.improvement",
    "loopdesk.demo",
    "loopdesk.web",
    "loopdesk.web.config",
    "loopdesk.portal",
    "loopdesk.reports",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "loopdesk.urls"
WSGI_APPLICATION = "loopdesk.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "loopdesk.web.context.desk",
            ],
        },
    },
]

# Test databases are per run (inherited by child processes) so parallel runs never share one.
_TEST_RUN = os.environ.setdefault("LOOPDESK_TEST_RUN", str(os.getpid()))
# SQLite file in WAL mode by default (embedded); PostgreSQL by one variable.
_default_db = f"sqlite:///{VAR_DIR / 'loopdesk.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env.env_str("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE avoids "database is locked" when a read transaction upgrades to a write.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{_TEST_RUN}.sqlite3")}
else:
    # Django's backend with a health check that needs no round trip (loopdesk/core/postgresql).
    DATABASES["default"]["ENGINE"] = "loopdesk.core.postgresql"
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side parameters, and psycopg preparing a statement the fifth time a connection runs it
    # (persistent connections, CONN_MAX_AGE; Django leaves preparing off unless prepare_threshold is
    # given): planning a list page's five-table join cost 3-4 ms of database CPU, running the prepared
    # plan 0.7 ms (docs/PERFORMANCE.md). Off (LOOPDESK_DB_PREPARED=0) behind a pooler in transaction
    # mode, which cannot keep prepared statements.
    if env.env_bool("LOOPDESK_DB_PREPARED", True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_TEST_RUN}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env.env_str("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env.env_str("REDIS_URL")}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "loopdesk" / "locale"]
TIME_ZONE = env.env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env.env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are never served by URL; only through the permission-checked API.
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env.env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# For SMTP set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and these.
EMAIL_HOST = env.env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env.env_str("DEFAULT_FROM_EMAIL", "loopdesk@localhost")

# Background jobs scale out to Celery workers + one beat (see loopdesk/celery.py); the embedded
# loop in `serve` needs none of this.
CELERY_BROKER_URL = env.env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Product limits; each can be changed per deployment.
LOOPDESK = {
    "ATTACHMENT_MAX_BYTES": env.env_int("LOOPDESK_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1),
    "LOGIN_MAX_ATTEMPTS": env.env_int("LOOPDESK_LOGIN_MAX_ATTEMPTS", 5, minimum=1),
    "LOGIN_WINDOW_SECONDS": env.env_int("LOOPDESK_LOGIN_WINDOW_SECONDS", 900, minimum=1),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.env_str("LOG_LEVEL", "WARNING")},
}
