"""Settings for Outreach, read from the environment (see README "Configuration")."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from outreach.env import env_bool, env_int, env_list, env_secret_key, env_str, env_timezone

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)

# Required with DEBUG off, and refused at start when weak (outreach/env.py).
SECRET_KEY = env_secret_key("SECRET_KEY", debug=DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from static (no CDN)
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_prometheus",
    "outreach",
    "referrals",
    "careplans",
    "indicators",
]

MIDDLEWARE = [
    # Metrics of every request (outreach/ops/metrics.py), then the request id of every log line.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "outreach.ops.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "outreach.middleware.UserLanguageMiddleware",
    "outreach.middleware.NoStoreMiddleware",
    "outreach.middleware.ApiJsonErrorsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Where a form sent by the phone's outbox led, as JSON (offline work, issue 17).
    "outreach.middleware.OutboxAnswerMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Writes make My work's cached menu counts stale (indicators/mywork/menu.py).
    "indicators.mywork.middleware.WorkChangeMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "outreach.middleware.TwoFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that a replayed answer passes the guards above it (outreach/idempotency.py).
    "outreach.idempotency.IdempotencyKeyMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "outreach.urls"
WSGI_APPLICATION = "outreach.wsgi.application"

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
                # What templates may ask about the signed-in user (the access modules).
                "outreach.context_processors.core_access",
                "referrals.context_processors.referrals_access",
                "indicators.context_processors.indicators_access",
                "indicators.context_processors.my_work_menu",
            ],
            # {% submission_token %} in every create form (outreach/submissions.py).
            "builtins": ["outreach.templatetags.submissions"],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "staticfiles").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'outreach.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
    # Write-ahead log: readers never wait for a writer, and a writer waits (up to the timeout)
    # for another instead of failing at once. The test database is a file for the same reason:
    # an in-memory one shared with the live server's threads answers "table is locked" to a
    # page's parallel requests. Nothing here needs to survive a power cut.
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF"
    )
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_outreach.sqlite3")}
# A read replica (streaming replication) for figures, drill-downs and reports
# (outreach/ops/router.py); writes and everything else stay on the primary.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
DATABASE_ROUTERS = ["outreach.ops.router.ReplicaRouter"]
# Query counts and durations per connection (django-prometheus wraps the engines).
for _db in DATABASES.values():
    _db["ENGINE"] = _db["ENGINE"].replace("django.db.backends.", "django_prometheus.db.backends.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "outreach.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "outreach:login"
LOGIN_REDIRECT_URL = "outreach:home"
LOGOUT_REDIRECT_URL = "outreach:login"

# Lock out after repeated failures, keyed on the username and IP address together.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Proxies in front of the app that append to X-Forwarded-For (1 behind docker-compose's proxy).
# With 0 the client address is REMOTE_ADDR; a client-written header is never trusted.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# The lockout keys on the address the audit log records (outreach/origin.py), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "outreach.origin.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Two-factor authentication (TOTP with recovery codes) for every staff account.
OUTREACH_REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "Outreach"
# django-otp's own switch; the app's admin classes (outreach/admin.py) never show secrets anyway.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# API tokens are made by their owner on the account page and expire after at most this many days.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)

# Sessions: idle timeout, secure cookies outside development.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: only the app's own files, no inline scripts, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Internationalisation: Bulgarian and English, dates and numbers localised.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("bg", _("Bulgarian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/Sofia")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["outreach.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if not env_bool("STATIC_MANIFEST", not DEBUG)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Hours an API POST's Idempotency-Key replays its first answer (outreach/idempotency.py).
IDEMPOTENCY_KEY_HOURS = 24

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a missing or bad token is answered 401 with `WWW-Authenticate: Token`.
        "outreach.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["outreach.permissions.IsVerifiedStaff"],
    # The API speaks JSON (forms cannot say null); another body type is answered 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "outreach.schema.ApiAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "outreach.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Per token, per signed-in user, per address (outreach/throttling.py); over it: 429.
    "DEFAULT_THROTTLE_CLASSES": ["outreach.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("API_THROTTLE_TOKEN", "2000/hour"),
        "user": env_str("API_THROTTLE_USER", "2000/hour"),
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Outreach API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps the API: only for signed-in staff (past the second factor) and tokens.
    "SERVE_PERMISSIONS": ["outreach.permissions.IsVerifiedStaff"],
    "DESCRIPTION": (
        "The case record of Outreach teams, with the same access rules and audit as the pages. "
        "Authenticate with `Authorization: Token <key>` (make a key on /account/tokens/). "
        "Every POST accepts an `Idempotency-Key` header; answers over the rate are 429."
    ),
    # The API docs page (/api/docs/) serves Swagger UI from drf-spectacular-sidecar's files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Names of the choice sets that several API resources share or name alike (outreach/api_enums.py).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "CoerciveMeasureKindEnum": "outreach.api_enums.CoerciveMeasureKind",
    "AdverseEventKindEnum": "outreach.api_enums.AdverseEventKind",
    "MilestoneKindEnum": "outreach.api_enums.MilestoneKind",
    "ExitSurveyAnswerEnum": "outreach.api_enums.ExitSurveyAnswer",
    "AdvanceStatementUpheldEnum": "outreach.models.AdvanceStatementUpheld",
    "ResponsibilityDomainEnum": "outreach.models.LifeDomain",
    "PlanDomainEnum": "careplans.models.LifeDomain",
    "GoalStatusEnum": "careplans.parts_api.GoalStatus",
    "ReferralStatusEnum": "referrals.models.Status",
    "ReportStatusEnum": "indicators.api.ReportStatus",
    "CarerKindEnum": "outreach.api_enums.CarerKind",
    "ContactOutcomeEnum": "outreach.api_enums.ContactOutcome",
    "ComplaintOutcomeEnum": "outreach.api_enums.ComplaintOutcome",
    "ComplaintAboutEnum": "outreach.api_enums.ComplaintAbout",
    "GuardianshipKindEnum": "outreach.api_enums.GuardianshipKind",
    "SupervisionKindEnum": "outreach.api_enums.SupervisionKind",
    "LivingDomainEnum": "outreach.api_enums.LivingDomain",
    "RiskDomainKindEnum": "outreach.api_enums.RiskDomainKind",
    "TrainingKindEnum": "outreach.api_enums.TrainingKind",
}

# Celery: Redis when CELERY_BROKER_URL is set; otherwise tasks run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With acks_late a message stays in Redis, unacknowledged, while its task runs. When a pool
# process dies the worker puts the message back (reject_on_worker_lost); when the whole worker
# dies (SIGKILL, out of memory, a lost machine) nobody does, and Redis gives the message out
# again after this many seconds. It must be longer than the longest task and the longest retry
# countdown (retry_backoff_max: 600 s), or a task still running (or waiting for its retry)
# would run a second time. Tested in tests/outreach/test_chaos_processes.py.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1),
}
CELERY_TIMEZONE = TIME_ZONE
# Queues by kind, so that a heavy report never waits in front of what a user is waiting for:
# `interactive` (a user's own request: the client's copy), `reports` (PDFs and report drafts),
# `indicators` (snapshots, nightly jobs). docker-compose.yml runs a worker per kind.
CELERY_TASK_DEFAULT_QUEUE = "interactive"
CELERY_TASK_ROUTES = {
    "outreach.tasks.client_copy_build": {"queue": "interactive"},
    "outreach.ops.tasks.heartbeat": {"queue": "interactive"},
    "indicators.tasks.render_report_pdf": {"queue": "reports"},
    "indicators.tasks.draft_report": {"queue": "reports"},
    "indicators.tasks.draft_monthly_reports": {"queue": "reports"},
    "indicators.tasks.snapshot_refresh": {"queue": "indicators"},
    "indicators.tasks.snapshot_finalise": {"queue": "indicators"},
    "indicators.tasks.refresh_current_drafts": {"queue": "indicators"},
    "indicators.tasks.finalise_previous_quarter": {"queue": "indicators"},
    "outreach.tasks.anonymise_past_retention": {"queue": "indicators"},
    "outreach.tasks.idempotency_keys_expire": {"queue": "indicators"},
}
# Beat takes a Redis lock before it sends anything, so a second beat started by mistake (or
# for failover) stands by instead of sending every task twice (outreach/ops/beat.py).
CELERY_BEAT_SCHEDULER = "outreach.ops.beat:LockedScheduler"
CELERY_BEAT_MAX_INTERVAL = 10  # seconds between ticks: the lock is renewed on each
OUTREACH_BEAT_LOCK_SECONDS = env_int("BEAT_LOCK_SECONDS", 60, minimum=5)
# The JSON logging below is the workers' too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "refresh-current-drafts": {
        "task": "indicators.tasks.refresh_current_drafts",
        "schedule": crontab(hour=2, minute=15),
    },
    "finalise-previous-quarter": {
        "task": "indicators.tasks.finalise_previous_quarter",
        "schedule": crontab(hour=3, minute=0, day_of_month=1, month_of_year="1,4,7,10"),
    },
    "draft-monthly-reports": {
        "task": "indicators.tasks.draft_monthly_reports",
        "schedule": crontab(hour=3, minute=30, day_of_month=1),
    },
    "idempotency-keys-expire": {
        "task": "outreach.tasks.idempotency_keys_expire",
        "schedule": crontab(minute=45),
    },
    "anonymise-past-retention": {
        "task": "outreach.tasks.anonymise_past_retention",
        "schedule": crontab(hour=1, minute=30),
    },
    # Beat and an interactive worker are alive: /readyz shows when it last ran.
    "heartbeat": {
        "task": "outreach.ops.tasks.heartbeat",
        "schedule": float(env_int("HEARTBEAT_SECONDS", 30, minimum=1)),
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env_str("CACHE_URL"):
    CACHES = {
        "default": {
            # A Redis outage is a cache miss, not an error page (outreach/ops/cache.py).
            "BACKEND": "outreach.ops.cache.TolerantRedisCache",
            "LOCATION": env_str("CACHE_URL"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# One JSON object per line (python-json-logger) with the request id of the request or task
# (outreach/ops/requestid.py); LOG_FORMAT=text for reading in a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "outreach.ops.requestid.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,  # ISO 8601 in UTC
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "text" if LOG_FORMAT == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Years a client's record is kept after their last episode ended, unless the municipality sets
# its own period; then the nightly task anonymises it (outreach/erasure.py).
OUTREACH_RETENTION_YEARS = env_int("OUTREACH_RETENTION_YEARS", 10, minimum=1)
# Days a client's copy that was made but not downloaded is kept before the nightly task drops it.
OUTREACH_COPY_KEEP_DAYS = env_int("OUTREACH_COPY_KEEP_DAYS", 7, minimum=1)

# The currency money spent for clients is recorded in (ISO 4217 code), for the team's costs.
OUTREACH_CURRENCY = env_str("OUTREACH_CURRENCY", "EUR").upper()[:3]

# Clients per team before accepted referrals wait on the list.
OUTREACH_DEFAULT_TEAM_CAPACITY = 45

# Break-the-glass (issue 15): how long an emergency grant to another team's client lasts, and
# how many records outside their own caseload a user may open in a day before the access
# report flags it.
OUTREACH_EMERGENCY_ACCESS_HOURS = env_int("EMERGENCY_ACCESS_HOURS", 4, minimum=1)
OUTREACH_ACCESS_ANOMALY_THRESHOLD = env_int("ACCESS_ANOMALY_THRESHOLD", 10, minimum=1)
# Mail (the supervisors' notices of emergency access): sent only to users with an address.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "outreach@localhost")

# Operations (issue 18): /metrics only for a bearer token or listed addresses (never public),
# /readyz's broker check timeout, optional Sentry error reporting without personal data.
OUTREACH_METRICS_TOKEN = env_str("METRICS_TOKEN", "")
OUTREACH_METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", [])
OUTREACH_READYZ_TIMEOUT = 2
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
if env_str("SENTRY_DSN"):
    from outreach.ops import sentry

    sentry.init(
        env_str("SENTRY_DSN"),
        environment=env_str("SENTRY_ENVIRONMENT", ""),
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )
