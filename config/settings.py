"""Guanxi settings, read from the environment.

Safe defaults for a laptop (SQLite under ``var/``, DEBUG on when nothing says otherwise) and a
hard failure on insecure settings when DEBUG is off, so a production deploy cannot start with the
development secret.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("GUANXI_DATA_DIR", BASE_DIR / "var")).resolve()

_DEV_SECRET = "guanxi-development-secret-key-do-not-use-in-production"  # noqa: S105


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _read_secret_key() -> str:
    key_file = os.environ.get("SECRET_KEY_FILE")
    if key_file:
        return Path(key_file).read_text(encoding="utf-8").strip()
    return os.environ.get("SECRET_KEY", _DEV_SECRET)


DEBUG = _env_flag("DEBUG", default=True)
SECRET_KEY = _read_secret_key()
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key or shorter than 40 characters. "
        "Set SECRET_KEY or SECRET_KEY_FILE to a long random value. / "
        "已关闭 DEBUG，但 SECRET_KEY 仍是开发用密钥或少于 40 个字符，"
        "请设置 SECRET_KEY 或 SECRET_KEY_FILE。"
    )

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]
if DEBUG:
    ALLOWED_HOSTS.append("testserver")
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "ninja",  # serves the API docs' Swagger files locally instead of from a CDN
    "guanxi.core",
    "guanxi.platform",
    "guanxi.customers",
    "guanxi.commerce",
    "guanxi.analytics",
    "guanxi.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "guanxi.platform.middleware.UserLanguageMiddleware",
    "guanxi.platform.middleware.ActivateUserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guanxi.platform.context_processors.navigation",
            ],
        },
    }
]


def _database_settings() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "guanxi.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at the
        # start of a transaction so that two writers queue instead of failing half-way.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA cache_size=-65536;PRAGMA mmap_size=268435456;PRAGMA temp_store=MEMORY"
            ),
        }
        config.setdefault("TEST", {"NAME": None})
    return config


DATABASES = {"default": _database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "platform.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: this many failures for one user name or one address within the window
# blocks further attempts until the window has passed.
LOGIN_FAILURE_LIMIT = int(os.environ.get("GUANXI_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("GUANXI_LOGIN_FAILURE_WINDOW", "900"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("GUANXI_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True
GUANXI_PHONE_REGION = os.environ.get("GUANXI_PHONE_REGION", "CN")
GUANXI_SOFT_DELETE_DAYS = 30
GUANXI_CURRENCY = os.environ.get("GUANXI_CURRENCY", "CNY")
# How an order import finds a customer it does not know by external id, in this order.
GUANXI_ORDER_IMPORT_MATCH = tuple(
    part
    for part in os.environ.get("GUANXI_ORDER_IMPORT_MATCH", "phone,email").split(",")
    if part.strip()
)
# Local times at which `guanxi worker` starts the daily jobs.
GUANXI_DAILY_REFRESH_AT = os.environ.get("GUANXI_DAILY_REFRESH_AT", "02:30")
GUANXI_DAILY_PURGE_AT = os.environ.get("GUANXI_DAILY_PURGE_AT", "03:30")
# Overrides of the analytics defaults in guanxi/analytics/config.py (see docs/analytics.md).
GUANXI_ANALYTICS: dict[str, object] = {}

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = _env_flag("GUANXI_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = _env_flag("GUANXI_SSL_REDIRECT", default=False)
    SECURE_HSTS_SECONDS = int(os.environ.get("GUANXI_HSTS_SECONDS", "0"))
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Requests bigger than this are refused before any parsing (API bodies included).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("GUANXI_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GUANXI_LOG_LEVEL", "WARNING")},
}
