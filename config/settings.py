"""Guanxi settings, read from the environment.

Safe defaults for a shop's network: DEBUG off unless ``DEBUG=1``, SQLite and a generated secret key
under the data directory (``var/``), and a hard failure when DEBUG is off and an explicitly given
secret key is insecure, so a deploy cannot start with the old development secret.
"""

from __future__ import annotations

import os
import tempfile
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


def _generated_secret_key(path: Path) -> str:
    """The data directory's own key, made on first start, so sessions survive a restart.

    Race-safe: the key is written whole into a private temporary file (created with O_EXCL, mode
    0600) and published with a hard link, which fails if another process got there first; the
    loser reads the winner's key. A reader therefore never sees a half-written file.
    """
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    from django.core.management.utils import get_random_secret_key

    key = get_random_secret_key()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
    except OSError as error:
        raise ImproperlyConfigured(
            f"Cannot write a secret key into {path.parent} ({error}). Make GUANXI_DATA_DIR "
            "writable or set SECRET_KEY / SECRET_KEY_FILE. / 无法在数据目录中生成密钥，"
            "请让 GUANXI_DATA_DIR 可写，或设置 SECRET_KEY / SECRET_KEY_FILE。"
        ) from error
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
    finally:
        os.unlink(temporary)
    return key


def _read_secret_key() -> str:
    """An explicitly given key wins, even an empty one, so that the check below can refuse it."""
    key_file = os.environ.get("SECRET_KEY_FILE")
    if key_file:
        return Path(key_file).read_text(encoding="utf-8").strip()
    if "SECRET_KEY" in os.environ:
        return os.environ["SECRET_KEY"]
    return _generated_secret_key(DATA_DIR / "secret_key")


DEBUG = _env_flag("DEBUG", default=False)
SECRET_KEY = _read_secret_key()
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key or shorter than 40 characters. "
        "Set SECRET_KEY or SECRET_KEY_FILE to a long random value, or unset both to use the key "
        "generated in GUANXI_DATA_DIR. / "
        "已关闭 DEBUG，但 SECRET_KEY 仍是开发用密钥或少于 40 个字符，"
        "请设置 SECRET_KEY 或 SECRET_KEY_FILE，或两者都不设置以使用数据目录中生成的密钥。"
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
    "whitenoise.runserver_nostatic",  # static files come from WhiteNoise with DEBUG on or off
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "ninja",  # serves the API docs' Swagger files locally instead of from a CDN
    "guanxi.core",
    "guanxi.platform",
    "guanxi.platform.notifications",
    "guanxi.customers",
    "guanxi.commerce",
    "guanxi.sales",
    "guanxi.analytics",
    "guanxi.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Serves /static/ itself, so `make run` needs no separate web server; after the security and
    # CSP middleware so that static responses carry the same headers as pages.
    "whitenoise.middleware.WhiteNoiseMiddleware",
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
                "guanxi.platform.notifications.context_processors.unread_notifications",
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
# Match probabilities from which a possible duplicate is shown for review / taken as certain
# (docs/duplicates.md).
GUANXI_DUPLICATE_REVIEW = float(os.environ.get("GUANXI_DUPLICATE_REVIEW", "0.5"))
GUANXI_DUPLICATE_CERTAIN = float(os.environ.get("GUANXI_DUPLICATE_CERTAIN", "0.99"))
# How an order import finds a customer it does not know by external id, in this order.
GUANXI_ORDER_IMPORT_MATCH = tuple(
    part
    for part in os.environ.get("GUANXI_ORDER_IMPORT_MATCH", "phone,email").split(",")
    if part.strip()
)
# The largest file an import accepts (uploads and the command line), in MB.
GUANXI_IMPORT_MAX_BYTES = int(os.environ.get("GUANXI_IMPORT_MAX_MB", "100")) * 1024 * 1024
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
# Secure-only cookies are an opt-in: `make run` serves plain http://127.0.0.1:8000 (or the shop's
# LAN address), where a browser would drop them and nobody could sign in. Set it behind HTTPS.
SESSION_COOKIE_SECURE = _env_flag("GUANXI_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if not DEBUG:
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

# Outgoing e-mail (notifications). Django 6.1's MAILERS replaces the EMAIL_* settings; the
# environment keeps the familiar names. Without EMAIL_HOST the default mailer is Django's dummy
# backend, and notification e-mails are recorded as "not configured" (see docs/notifications.md).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "guanxi@localhost")
# The address people open Guanxi at: links in e-mails and group bot posts start with it.
GUANXI_BASE_URL = os.environ.get("GUANXI_BASE_URL", "http://127.0.0.1:8000")
MAILERS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
}
if os.environ.get("EMAIL_HOST"):
    MAILERS["default"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ["EMAIL_HOST"],
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": _env_flag("EMAIL_USE_TLS", default=False),
            "timeout": 30,
        },
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GUANXI_LOG_LEVEL", "WARNING")},
}
