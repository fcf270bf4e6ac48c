"""Settings for Minsheng, read from the environment.

DATABASE_URL     default: SQLite file var/minsheng.sqlite3 (WAL)
SECRET_KEY       default: generated once into var/secret_key
AUDIT_KEY        default: generated once into var/audit_key (keys the audit chain)
PERSONAL_DATA_KEY default: generated once into var/personal_data_key (keys the audit trail's personal-data tokens)
DEBUG            "1"/"true" to enable; off by default
ALLOWED_HOSTS    comma-separated; default localhost names
EMAIL_BACKEND    default: console backend in DEBUG, SMTP otherwise
EMAIL_HOST ...   the usual Django SMTP settings
CACHE_URL        redis://... for several application servers; default: local memory
MINSHENG_VAR     folder for the SQLite file, the secret key and uploads (default: var/ of the checkout)
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
# var/ of the checkout when running from one (wherever the command is started), else of the working directory.
_CHECKOUT = BASE_DIR.parent.parent
_DEFAULT_VAR = _CHECKOUT / "var" if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd() / "var"
VAR_DIR = Path(os.environ.get("MINSHENG_VAR", _DEFAULT_VAR)).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret(name: str) -> str:
    """A key from the environment, or one generated into var/ on first run (never committed)."""
    if os.environ.get(name):
        return os.environ[name]
    key_file = VAR_DIR / name.lower()
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret("SECRET_KEY")
# Keys the audit chain's HMAC; kept apart from SECRET_KEY so that rotating one leaves the other.
AUDIT_KEY = _secret("AUDIT_KEY")
# Keys the tokens that stand for people's contact details in the audit trail (core/personal.py); outside the
# database, so a copy of the database alone cannot test guesses against them.
PERSONAL_DATA_KEY = _secret("PERSONAL_DATA_KEY")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "minsheng.core",
    "minsheng.accounts",
    "minsheng.policy",
    "minsheng.registry",
    "minsheng.outcomes",
    "minsheng.calls",
    "minsheng.applications",
    "minsheng.review",
    "minsheng.funding",
    "minsheng.contracts",
    "minsheng.portal",
    "minsheng.demo",
]

MIDDLEWARE = [
    "minsheng.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "minsheng.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "minsheng.core.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "minsheng.urls"
WSGI_APPLICATION = "minsheng.wsgi.application"
ASGI_APPLICATION = "minsheng.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minsheng.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'minsheng.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN,
    # so two writers queue instead of failing half-way (the audit chain reads then writes).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, login lockout) -----------------------------------------------------
if os.environ.get("CACHE_URL", "").startswith("redis"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["CACHE_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "minsheng"}}

# --- Accounts and sessions ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "minsheng.accounts.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "portal:index"
# Idle timeout: a session ends after this many seconds without a request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Login lockout (accounts/lockout.py): per account and, more loosely, per address.
LOCKOUT_ACCOUNT_FAILURES = 5
LOCKOUT_ADDRESS_FAILURES = 20
LOCKOUT_SECONDS = 15 * 60
# Second sign-in factor (TOTP authenticator) for the roles that decide and watch over money (quality promise 7).
# `make run` turns it off for the local demo, so the demo accounts sign in with their password alone.
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", default=True)
SECOND_FACTOR_ROLES = {"officer", "department_officer", "district_officer", "finance", "auditor", "admin"}
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# --- Security (production: DEBUG off) -------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and env_bool("HTTPS", default=False):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
RATELIMIT_VIEW = "minsheng.core.views.rate_limited"
# Behind a load balancer or reverse proxy: how many proxies append to X-Forwarded-For, so that rate limits and the
# login lockout count the client's address rather than the proxy's (0: believe only REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "minsheng_language"

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request until collectstatic has run
# The project's own assets (vendored Bootstrap, HTMX, ECharts; css/; js/): minsheng itself is not an app,
# so its static folder must be listed for the finders and collectstatic.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": VAR_DIR / "uploads"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                    if DEBUG else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "minsheng@localhost")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min"},
    "EXCEPTION_HANDLER": "minsheng.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Minsheng API",
    "DESCRIPTION": "The livelihood S&T programme platform: policy catalogue, registry and workflows.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "state" or "kind" field with their own choices: name each set once.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStateEnum": "minsheng.applications.models.Application.State",
        "AssignmentStateEnum": "minsheng.review.models.Assignment.State",
        "ReviewStateEnum": "minsheng.review.models.Review.State",
        "CallStateEnum": "minsheng.calls.models.Call.State",
        "IPKindEnum": "minsheng.outcomes.models.IPAsset.Kind",
        "FundingPlanStateEnum": "minsheng.funding.models.FundingPlan.State",
        "ObjectionStateEnum": "minsheng.funding.models.Objection.State",
        "ProjectStateEnum": "minsheng.funding.models.Project.State",
    },
}

# --- Logging: one JSON object per line, with the request id ---------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "minsheng.core.logging.RequestContextFilter"}},
    "formatters": {"json": {"()": "minsheng.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_context"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "jieba": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "minsheng.core.views.csrf_failure"
