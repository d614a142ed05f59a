"""The one settings module. Everything that differs between machines comes from the environment.

Variables (all optional; defaults give the embedded SQLite set-up that `make run` uses):
  LOFIN_DATABASE_URL   sqlite:///path or postgresql://user:pass@host:port/db (default sqlite:///var/lofin.sqlite3)
  LOFIN_SECRET_KEY     required when LOFIN_DEBUG is off and not running tests
  LOFIN_DEBUG          1/0 (default 0)
  LOFIN_ALLOWED_HOSTS  comma-separated (default localhost,127.0.0.1,[::1])
  LOFIN_VAR_DIR        writable directory for the SQLite file, mail drop, metrics (default ./var)
  LOFIN_EMAIL_URL      smtp://host:port (default: files under var/mail)
  LOFIN_SMS_URL        base URL of the SMS/알림톡 gateway (default: the local simulator started by `lofin serve`)
  LOFIN_IDENTITY_URL   base URL of the mobile identity-check service (default: the local simulator, likewise)
  LOFIN_ADMIN_OTP      1/0: the operator admin requires a verified TOTP device (default 1)
  LOFIN_TASKS_IMMEDIATE 1/0: run background tasks in-process right after commit (tests, default 0)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or os.environ.get("LOFIN_TESTING") == "1"
DEBUG = env_flag("LOFIN_DEBUG", False)
VAR_DIR = Path(os.environ.get("LOFIN_VAR_DIR", BASE_DIR / "var")).resolve()
# The embedded database, collected static files and worker metrics live here; a fresh clone has none yet.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

DATABASE_URL = os.environ.get("LOFIN_DATABASE_URL", "")
# Demo mode: the embedded SQLite set-up of `make run` (no database configured), tests, or LOFIN_DEMO=1.
# Anything else is treated as production: it needs its own secrets and refuses to load demo accounts.
LOFIN_DEMO = env_flag("LOFIN_DEMO", not DATABASE_URL or TESTING or DEBUG)

SECRET_KEY = os.environ.get("LOFIN_SECRET_KEY", "")
if not SECRET_KEY:
    if not LOFIN_DEMO:
        raise RuntimeError(
            "LOFIN_SECRET_KEY must be set (a configured database means production; set LOFIN_DEMO=1 for a demo)"
        )
    SECRET_KEY = "lofin-insecure-demo-key-do-not-use-in-production"  # noqa: S105
# The audit chain's HMAC key. Keep it outside the database (and its backups): with it, nobody who can only
# write the tables can forge a consistent chain. Never change it once events exist.
LOFIN_AUDIT_KEY = os.environ.get("LOFIN_AUDIT_KEY", "") or ("lofin-audit:" + SECRET_KEY)

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("LOFIN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # ninja in INSTALLED_APPS makes the API docs use its bundled Swagger UI instead of a CDN.
    "ninja",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "lofin.core",
    "lofin.portal",
    "lofin.budget",
    "lofin.execution",
    "lofin.participation",
    "lofin.accounting",
    "lofin.closing",
    "lofin.gateway",
    "lofin.demo",
]

MIDDLEWARE = [
    "lofin.core.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lofin.core.middleware.LanguageMiddleware",
    "lofin.core.middleware.SessionExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lofin.core.middleware.TenantMiddleware",
    "lofin.core.middleware.ErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lofin.urls"
WSGI_APPLICATION = "lofin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lofin.portal.context.services",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'lofin.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL or DEFAULT_SQLITE, conn_max_age=0)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing with
        # "database is locked" halfway through a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=30000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
    }
    # Tests use a file, not memory: the concurrency tests need real concurrent connections with SQLite's locking.
    _db["TEST"] = {"NAME": os.environ.get("LOFIN_TEST_SQLITE_NAME") or str(VAR_DIR / "test_db.sqlite3")}
elif _db["ENGINE"] in {"django.db.backends.postgresql"}:
    _db.setdefault("OPTIONS", {})
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # argon2 with production cost makes a thousand-user test matrix slow; the hasher itself is
    # exercised by tests that check the stored prefix.
    PASSWORD_HASHERS = ["lofin.core.passwords.FastArgon2PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
SESSION_COOKIE_AGE = int(os.environ.get("LOFIN_SESSION_SECONDS", 8 * 3600))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "lofin.core.views.csrf_failure"
SESSION_COOKIE_SECURE = env_flag("LOFIN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

OTP_TOTP_ISSUER = "Lofin"
LOFIN_ADMIN_OTP = env_flag("LOFIN_ADMIN_OTP", True)

AXES_FAILURE_LIMIT = int(os.environ.get("LOFIN_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("LOFIN_LOGIN_COOLOFF_HOURS", 0.5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "lofin.core.views.login_locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Seoul"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "lofin_language"

# --- static -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- tasks ----------------------------------------------------------------------------------
TASKS: dict[str, dict[str, object]]
if env_flag("LOFIN_TASKS_IMMEDIATE", TESTING):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- notifications --------------------------------------------------------------------------
EMAIL_URL = os.environ.get("LOFIN_EMAIL_URL", "")
if EMAIL_URL.startswith("smtp://"):
    _host, _sep, _port = EMAIL_URL.removeprefix("smtp://").partition(":")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _host
    EMAIL_PORT = int(_port or 25)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("LOFIN_FROM_EMAIL", "Lofin <no-reply@lofin.localhost>")
# SMS and 알림톡 go through a SENS-compatible gateway (NAVER Cloud SENS v2 message formats).
LOFIN_SMS_BACKEND = os.environ.get("LOFIN_SMS_BACKEND", "lofin.gateway.sens.SensClient")
LOFIN_SMS_URL = os.environ.get("LOFIN_SMS_URL", "")
LOFIN_SMS_APP_KEY = os.environ.get("LOFIN_SMS_APP_KEY", "lofin-demo-access-key")
LOFIN_SMS_SECRET = os.environ.get("LOFIN_SMS_SECRET", "lofin-demo-secret")
LOFIN_SENS_SMS_SERVICE_ID = os.environ.get("LOFIN_SENS_SMS_SERVICE_ID", "ncp:sms:kr:000000000001:lofin")
LOFIN_SENS_ALIMTALK_SERVICE_ID = os.environ.get("LOFIN_SENS_ALIMTALK_SERVICE_ID", "ncp:kkobizmsg:kr:0000001:lofin")
LOFIN_SMS_SENDER = os.environ.get("LOFIN_SMS_SENDER", "0212345678")
LOFIN_ALIMTALK_CHANNEL = os.environ.get("LOFIN_ALIMTALK_CHANNEL", "@lofin")
LOFIN_SITE_URL = os.environ.get("LOFIN_SITE_URL", "http://127.0.0.1:8000")
# The 결산 calendar of fiscal year N (core.fiscal): the listed 출납 exceptions until `exceptions` of N+1 (지방회계법 §7②,
# 시행령 §3), every 출납 complete by `completion` (§7③), the 결산서 with the 검사위원 opinion `statement_days` after
# 출납폐쇄 (지방자치법 §150①), the 결산서 to the council by `council` (지방회계법 시행령 §10). Month-day of N+1.
LOFIN_CLOSING_CALENDAR = {
    "exceptions": os.environ.get("LOFIN_CASH_EXCEPTIONS_UNTIL", "01-20"),
    "completion": os.environ.get("LOFIN_CASH_COMPLETION_UNTIL", "02-10"),
    "statement_days": int(os.environ.get("LOFIN_CLOSING_STATEMENT_DAYS", 80)),
    "council": os.environ.get("LOFIN_CLOSING_COUNCIL_UNTIL", "05-31"),
}
# Mobile identity checks (휴대폰 본인확인) for 주민e참여; by default the local simulator that `lofin serve` starts.
LOFIN_IDENTITY_BACKEND = os.environ.get("LOFIN_IDENTITY_BACKEND", "lofin.gateway.identity.IdentityClient")
LOFIN_IDENTITY_URL = os.environ.get("LOFIN_IDENTITY_URL", "")
LOFIN_IDENTITY_CLIENT_ID = os.environ.get("LOFIN_IDENTITY_CLIENT_ID", "lofin-demo")
LOFIN_IDENTITY_SECRET = os.environ.get("LOFIN_IDENTITY_SECRET", "lofin-demo-identity-secret")

# --- security headers ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 1000

# --- logging: JSON lines on stderr (structlog renders, stdlib routes) ------------------------
LOG_LEVEL = os.environ.get("LOFIN_LOG_LEVEL", "ERROR" if TESTING else "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "lofin.core.logging.JsonFormatter"},
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

LOFIN_DEMO_PASSWORD = os.environ.get("LOFIN_DEMO_PASSWORD", "lofin-demo-2026")
