"""Settings for Minsheng, read from the environment.

DATABASE_URL     default: SQLite file var/minsheng.sqlite3 (WAL)
MIGRATIONS_DATABASE_URL  PostgreSQL only, optional: the tables' owner, used by `migrate` and `backup restore`
                 alone, so that the platform's own role (DATABASE_URL) owns no table
SECRET_KEY       default: generated once into var/secret_key
SECOND_FACTOR_KEY  default: generated once into var/second_factor_key (encrypts authenticator secrets)
AUDIT_KEY        default: generated once into var/audit_key (keys the audit chain and signs its checkpoints)
BACKUP_KEY       default: generated once into var/backup_key (signs backup manifests; keep it with the other keys,
                 never with the backups)
AUDIT_CHECKPOINTS_FILE  default: var/audit-checkpoints.jsonl (signed checkpoints of the audit chain's head)
PERSONAL_DATA_KEY default: generated once into var/personal_data_key (keys the audit trail's personal-data tokens)
DEBUG            "1"/"true" to enable; off by default
ALLOWED_HOSTS    comma-separated; default localhost names
EMAIL_BACKEND    default: console backend in DEBUG, SMTP otherwise
EMAIL_HOST ...   the usual Django SMTP settings
CACHE_URL        where rate limits and lock-outs count: empty = the database cache (default), redis://…,
                 or locmem:// (one process, DEBUG only); CACHE_KEY_PREFIX for Redis (default "minsheng")
SESSION_STORE    where sessions live: db (default), cached_db (the database, read through CACHE_URL's cache) or
                 cache (the cache alone); every server must reach the same store
UPLOADS_DIR      default: uploads/ in MINSHENG_VAR; several servers mount one shared folder here
ARGON2_MEMORY_KIB, ARGON2_TIME_COST, ARGON2_PARALLELISM   password hashing cost (default 19456 KiB, 2, 1)
DATABASE_LOCK_TIMEOUT    seconds a request waits for a lock another connection holds (default 10), then 503
DATABASE_CONNECT_TIMEOUT seconds to reach PostgreSQL before giving up (default 5), then 503
CONN_MAX_AGE     seconds a thread keeps its database connection between requests (default 60; 0 = one per request)
MINSHENG_VAR     folder for the SQLite file, the secret key and uploads (default: var/ of the checkout)
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
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
# Encrypts the authenticator secrets and keys the recovery codes' digests (accounts/crypto.py). Outside the
# database, so that a copy of it alone does not yield anyone's second factor. "new,old" while replacing a key.
SECOND_FACTOR_KEY = _secret("SECOND_FACTOR_KEY")
# Signs backup manifests. Kept apart from the archives it signs: whoever holds a backup cannot re-sign it.
BACKUP_KEY = _secret("BACKUP_KEY")
# Signed checkpoints of the audit chain's head, appended outside the database (see core/checkpoints.py).
# How many days before an IP right's annual fee or expiry date its owner is warned (M19 early warning).
IP_WARNING_DAYS = int(os.environ.get("IP_WARNING_DAYS", "60"))
AUDIT_CHECKPOINTS_FILE = Path(os.environ.get("AUDIT_CHECKPOINTS_FILE", VAR_DIR / "audit-checkpoints.jsonl"))
# Keys the tokens that stand for people's contact details in the audit trail (core/personal.py); outside the
# database, so a copy of the database alone cannot test guesses against them.
PERSONAL_DATA_KEY = _secret("PERSONAL_DATA_KEY")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Django's admin, signed in through the platform's own sign-in (accounts/admin_site.py).
    "minsheng.accounts.admin_config.AdminConfig",
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
    "django_tasks",
    "django_tasks_db",
    "minsheng.core",
    "minsheng.accounts",
    "minsheng.notifications",
    "minsheng.policy",
    "minsheng.registry",
    "minsheng.outcomes",
    "minsheng.calls",
    "minsheng.problems",
    "minsheng.applications",
    "minsheng.checks",
    "minsheng.review",
    "minsheng.funding",
    "minsheng.contracts",
    "minsheng.projects",
    "minsheng.portal",
    "minsheng.demo",
]

# The to-do inbox (core/inbox.py): each app's `waiting.py` answers what waits for a person; a new capability adds
# its module here.
INBOX_SOURCES = [
    "minsheng.registry.waiting",
    "minsheng.problems.waiting",
    "minsheng.calls.waiting",
    "minsheng.applications.waiting",
    "minsheng.checks.waiting",
    "minsheng.review.waiting",
    "minsheng.funding.waiting",
    "minsheng.contracts.waiting",
    "minsheng.projects.waiting",
    "minsheng.outcomes.waiting",
]
# Days before a call closes from which an applicant's draft shows in the inbox.
INBOX_DRAFT_DAYS = int(os.environ.get("INBOX_DRAFT_DAYS", "14"))

MIDDLEWARE = [
    "minsheng.core.middleware.RequestContextMiddleware",
    "minsheng.core.middleware.DatabaseFaultMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "minsheng.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minsheng.core.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is chosen, so a refusal reads in it; before any view or form reads the request.
    "minsheng.core.middleware.StrictInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "minsheng.core.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages, so that the session it ends can say why on the sign-in page.
    "minsheng.accounts.middleware.SecondFactorMiddleware",
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
                "minsheng.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'minsheng.sqlite3'}"),
        # Each gunicorn thread keeps its connection for a minute instead of opening one per request: on PostgreSQL
        # a new connection is a new server process, which cost more than an autosave's own work on deadline day.
        # The health check reconnects after a database restart.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A request waits this long for a lock that another connection holds, then fails and answers 503 "try again in a
# moment" (core/faults.py) instead of hanging: SQLite's busy timeout, PostgreSQL's lock_timeout.
DATABASE_LOCK_TIMEOUT = float(os.environ.get("DATABASE_LOCK_TIMEOUT", "10"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN,
    # so two writers queue instead of failing half-way (the audit chain reads then writes).
    # core/sqlite: the threads of a process queue in order for the write lock instead of polling SQLite for it.
    DATABASES["default"]["ENGINE"] = "minsheng.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": DATABASE_LOCK_TIMEOUT,
    }
    # Tests use an in-memory database, as Django does for its own SQLite engine; said here because pytest-django's
    # per-worker naming recognises that engine only by its name and would make a file name of the path.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer is given up after DATABASE_CONNECT_TIMEOUT seconds. No statement_timeout:
    # long reads (exports, audit verify) are legitimate; what hangs a request is a lock, and lock_timeout bounds it.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")))
    _options["options"] = f"{_options.get('options', '')} -c lock_timeout={int(DATABASE_LOCK_TIMEOUT * 1000)}".strip()
# The tables' owner on PostgreSQL, for `minsheng migrate` and `backup restore` only (core/database_roles.py): the
# running platform connects as a role that owns no table, so it cannot switch the audit triggers off.
MIGRATIONS_DATABASE_URL = os.environ.get("MIGRATIONS_DATABASE_URL", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: where the rate limits and the sign-in lock-out count -------------------------------
# Every worker process and every server must share it, or each one grants its own quota (core/checks.py refuses
# a per-process cache outside DEBUG). Default: the database cache (table minsheng_cache, made by `migrate`);
# CACHE_URL=redis://… for Redis; CACHE_URL=locmem:// only for a one-process development server with DEBUG on.
def _cache(url: str) -> dict:
    scheme = url.split(":", 1)[0].lower()
    if not url:
        # Expired entries are purged once the table holds more than MAX_ENTRIES; live ones are never evicted.
        return {"BACKEND": "minsheng.core.cache.DatabaseCache", "LOCATION": "minsheng_cache",
                "OPTIONS": {"MAX_ENTRIES": 20000}}
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "minsheng")}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "minsheng"}
    raise ImproperlyConfigured(f"CACHE_URL must be empty (the database cache), redis://…, rediss://… or locmem://, "
                               f"not {url!r}")


CACHES = {"default": _cache(os.environ.get("CACHE_URL", "").strip())}
# Rate limits count callers with core.limits (the account, else core.middleware.client_address); should anything use
# django-ratelimit's own "ip" key, it reads the same address as the lock-out.
RATELIMIT_IP_META_KEY = "minsheng.core.middleware.client_address"

# --- Accounts and sessions ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id sized for the server, as OWASP's Password Storage Cheat Sheet recommends: 19 MiB, 2 passes, 1 lane is
# its baseline (about 0.03 s of one core here, where Django's default of 100 MiB and 8 lanes took 0.27 s of both
# cores: 200 sign-ins at once needed the whole machine for about a minute). A larger server may raise
# ARGON2_MEMORY_KIB or ARGON2_TIME_COST; core/checks.py refuses anything below OWASP's minimum. Old hashes are
# redone at their owner's next sign-in.
ARGON2_MEMORY_KIB = int(os.environ.get("ARGON2_MEMORY_KIB", "19456"))
ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "2"))
ARGON2_PARALLELISM = int(os.environ.get("ARGON2_PARALLELISM", "1"))
PASSWORD_HASHERS = [
    "minsheng.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "minsheng.accounts.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Repetition, keyboard runs, sequences, dates, common words and the person's own details (zxcvbn).
    {"NAME": "minsheng.accounts.password_validation.GuessabilityValidator", "OPTIONS": {"min_score": 3}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "portal:index"
# Idle timeout: a session ends after this many seconds without a request. Its expiry is pushed forward at most
# once every SESSION_REFRESH_SECONDS (core.middleware.IdleSessionMiddleware) instead of by a write on every
# request, so reading a page never needs the database to take a write.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Where sessions live. Every server must read the same store, so a person signed in through one server is signed in
# on all of them: the database (default: `make run` needs nothing else), the database read through the shared cache
# (cached_db: fewer reads of the database, sessions survive a restart of Redis), or the shared cache alone (cache:
# no session row at all; a Redis restart without persistence signs everyone out). core/checks.py refuses a session
# store in a per-process cache outside DEBUG. docs/decisions.md says why db stays the default.
SESSION_ENGINES = {"db": "django.contrib.sessions.backends.db",
                   "cached_db": "django.contrib.sessions.backends.cached_db",
                   "cache": "django.contrib.sessions.backends.cache"}
SESSION_STORE = os.environ.get("SESSION_STORE", "db").strip().lower() or "db"
if SESSION_STORE not in SESSION_ENGINES:
    raise ImproperlyConfigured(f"SESSION_STORE must be one of {', '.join(SESSION_ENGINES)}, not {SESSION_STORE!r}")
SESSION_ENGINE = SESSION_ENGINES[SESSION_STORE]
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
# Uploaded files. Several web servers and the workers must all see one folder (a shared mount), or a file written
# through one server cannot be downloaded through another (docs/deployment.md).
UPLOADS_DIR = Path(os.environ.get("UPLOADS_DIR", VAR_DIR / "uploads")).resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": UPLOADS_DIR}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                    if DEBUG else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
# Background jobs (core/jobs.py): rows in the platform's own database, run by `minsheng worker`.
# TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs each job at once, after the commit, in the
# process that queued it (the unit tests' choice: no worker to start).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# What runs on its own (core/schedule.py): `minsheng scheduler` queues each entry when due, the worker runs it.
# Times are local (TIME_ZONE). An entry fires once per slot, however many schedulers run.
SCHEDULE = [
    {"name": "reminders", "job": "minsheng.notifications.reminders.send_due", "every_minutes": 15},
    {"name": "audit-verify", "job": "minsheng.core.nightly.verify_audit_trail", "at": "02:30"},
    {"name": "backup", "job": "minsheng.core.backup_jobs.run_backup", "at": "03:00"},
    {"name": "exports-prune", "job": "minsheng.core.export_jobs.prune_old_exports", "at": "04:00"},
]
# Each app's reminders (`<app>/reminders.py`, function `due(now)`); a new capability adds its line here.
REMINDER_SOURCES = [
    "minsheng.applications.reminders",
    "minsheng.review.reminders",
    "minsheng.checks.reminders",
    "minsheng.contracts.reminders",
    "minsheng.funding.reminders",
]
# A deadline is announced this many days ahead; work waiting on someone is recalled after these many days.
REMINDER_DAYS_BEFORE = 3
REMINDER_WAITING_DAYS = 3

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
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (a staging server keeping its mail as files).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's parsers with the platform's input rule on every body (core/strict_input.py).
    "DEFAULT_PARSER_CLASSES": ["minsheng.api.parsers.JSONParser", "minsheng.api.parsers.FormParser",
                               "minsheng.api.parsers.MultiPartParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Counted in the shared cache like every other limit (api/throttles.py): per client address for anonymous
    # callers, per account once signed in, and a scope of its own for the schema, which is costly to build.
    "DEFAULT_THROTTLE_CLASSES": ["minsheng.api.throttles.AnonymousThrottle", "minsheng.api.throttles.UserThrottle",
                                 "minsheng.api.throttles.ScopedThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min", "schema": "20/min"},
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
    # The answers around every view (400, 403, 404, 415, 429, 503) in the API's error format (api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "minsheng.api.schema.add_shared_errors"],
    # Several models have a "state" or "kind" field with their own choices: name each set once.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStateEnum": "minsheng.applications.models.Application.State",
        "AssignmentStateEnum": "minsheng.review.models.Assignment.State",
        "ReviewStateEnum": "minsheng.review.models.Review.State",
        "CallStateEnum": "minsheng.calls.models.Call.State",
        "IPKindEnum": "minsheng.outcomes.models.IPAsset.Kind",
        "AchievementKindEnum": "minsheng.outcomes.models.Achievement.Kind",
        "AchievementStateEnum": "minsheng.outcomes.models.Achievement.State",
        "SiteKindEnum": "minsheng.outcomes.models.DemonstrationSite.Kind",
        "TransferKindEnum": "minsheng.outcomes.models.Transfer.Kind",
        "TransferRegionEnum": "minsheng.outcomes.models.Transfer.Region",
        "OrganisationKindEnum": "minsheng.registry.models.Organisation.Kind",
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
