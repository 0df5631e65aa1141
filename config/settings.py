"""Settings for the 红色物业 platform — one file, every value from the environment.

Defaults are for local use on SQLite. Every variable is listed in .env.example.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# ---------------------------------------------------------------- security
INSECURE_DEFAULT_SECRET_KEY = "django-insecure-redproperty-local-development-only"
SECRET_KEY = env("DJANGO_SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", True)
if not DEBUG and SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is off but DJANGO_SECRET_KEY is the built-in development key: "
        "set DJANGO_SECRET_KEY to a long random value before running in production."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Key for the keyed hash of ID numbers (居民身份证号). Separate from SECRET_KEY so that the
# secret key can be rotated without losing the ability to match ID numbers.
PII_HASH_KEY = env("PII_HASH_KEY", SECRET_KEY)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Cookies only over https in production; `make run` (DEBUG off on http://127.0.0.1) turns it off.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# `make run`: the local demo, production-like (DEBUG off) but naming the demo accounts on the
# login page. Never set it on a real deployment.
DEMO_MODE = env_bool("DJANGO_DEMO_MODE", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Django's database sessions, the read of each request written out (apps/accounts/sessions.py).
SESSION_ENGINE = "apps.accounts.sessions"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 3600)

# ---------------------------------------------------------------- apps
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "apps.core",
    "apps.accounts",
    "apps.regions",
    "apps.registry",
    "apps.party",
    "apps.committees",
    "apps.workdays",
    "apps.notifications",
    "apps.jobs",
    "apps.imports",
    "apps.workorders",
    "apps.spaces",
    "apps.programs",
    "apps.voting",
    "apps.campaigns",
    "apps.ratings",
    "apps.dashboards",
    "apps.reports",
    "apps.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # apps/core/middleware.py: CSP + no-store, refusal of NUL / bad UTF-8 / oversized bodies,
    # a Chinese 503 with Retry-After while the database is away.
    "apps.core.middleware.SecurityHeadersMiddleware",
    "apps.core.middleware.DatabaseOutageMiddleware",
    "apps.core.middleware.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.platform",
                "apps.notifications.context_processors.inbox",
                "apps.workdays.context_processors.calendar_banner",
            ],
        },
    },
]

# ---------------------------------------------------------------- database
# SQLite by default so that a fresh machine needs nothing else; PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the development server read while the demo loader writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters bound by the server and statements prepared once per connection (after
    # psycopg's threshold of 5 runs): parsing and planning were a third of PostgreSQL's CPU per
    # whistle (docs/benchmarks.md). Off (0) behind a PgBouncer in transaction mode older than
    # 1.21 or without max_prepared_statements (docs/deployment.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# ModelBackend reading a user's permissions in one query (apps/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["apps.accounts.backends.ModelBackendOneQuery"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# ---------------------------------------------------------------- i18n
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------- files
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Media is private (work-order photos): the app checks who asks, then either streams the file or,
# behind nginx with an `internal` /media/ location (docs/deployment.md), hands it to nginx.
MEDIA_ACCEL_REDIRECT = env_bool("DJANGO_MEDIA_ACCEL_REDIRECT", False)
# DJANGO_STATIC_COMPRESS=0: hashed names without the gzip/brotli copies of every file, which cost
# ~18 s of CPU in collectstatic (900 files) — `make run` serves 127.0.0.1, where they buy nothing.
STATIC_COMPRESS = env_bool("DJANGO_STATIC_COMPRESS", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COMPRESS
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Largest request body outside file uploads (JSON, forms); larger ones get a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 2621440)

# ---------------------------------------------------------------- security headers, errors, logins
# Sent on every HTML answer (apps/core/middleware.py). Scripts only from the site's own static
# files (no inline script anywhere); inline style attributes are allowed (progress bars, ECharts).
CONTENT_SECURITY_POLICY = env(
    "DJANGO_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)
CSRF_FAILURE_VIEW = "apps.core.errorpages.csrf_failure"
# Seconds a client is told to wait (Retry-After) when the database is unavailable (503).
RETRY_AFTER_SECONDS = env_int("RETRY_AFTER_SECONDS", 5)
# Login throttling (apps/accounts/lockout.py), counted in the database so that every process
# shares one count: after LOGIN_MAX_FAILURES failed logins for one account within
# LOGIN_FAILURE_WINDOW seconds, or LOGIN_MAX_FAILURES_PER_IP from one address, further attempts
# are refused for LOGIN_LOCKOUT_SECONDS.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
# Where login and API counters live (apps/core/ratelimit.py): "auto" = the cache when it is
# shared (Redis, Memcached), else the database; "cache" or "database" to force one.
RATE_LIMIT_STORE = env("RATE_LIMIT_STORE", "auto")
LOGIN_MAX_FAILURES_PER_IP = env_int("LOGIN_MAX_FAILURES_PER_IP", 20)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 900)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)

# ---------------------------------------------------------------- mail / logging
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "noreply@redproperty.local")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# ---------------------------------------------------------------- domain rules
# Every number marked configurable in ../shared/domain/RULES.md is a setting here, with the
# documented default. Per-jurisdiction values (owners' committees) live in the database
# (committees.CommitteeRules) and fall back to these.

# §3 A compound is eligible for a party branch with at least this many resident party members.
BRANCH_MIN_PARTY_MEMBERS = env_int("BRANCH_MIN_PARTY_MEMBERS", 3)
# §3 Star rating threshold for the third "100%" target.
RATING_TARGET_MIN_STARS = env_int("RATING_TARGET_MIN_STARS", 3)
# §5 Star rating rounds: public notice (公示) in working days before a result becomes final.
RATING_NOTICE_WORKING_DAYS = env_int("RATING_NOTICE_WORKING_DAYS", 5)
# Satisfaction surveys: aggregates of fewer responses than this show "样本不足".
SURVEY_MIN_SAMPLE = env_int("SURVEY_MIN_SAMPLE", 5)
# Compounds built before this year are proposed as old compounds (老旧小区) on entry.
OLD_COMPOUND_BUILT_BEFORE = env_int("OLD_COMPOUND_BUILT_BEFORE", 2000)
# §8 Programmes (apps/programs, docs/programs.md). 大手牵小手: the transition to market management
# after this many years; the first-year subsidy × each year's factor; the residents' paying share
# per year; the county and street are told this many days before the transition date.
PAIRING_TRANSITION_YEARS = env_int("PAIRING_TRANSITION_YEARS", 3)
PAIRING_SUBSIDY_DECLINE = env("PAIRING_SUBSIDY_DECLINE", "1,0.6,0.3")
PAIRING_RESIDENT_SHARES = env("PAIRING_RESIDENT_SHARES", "0.3,0.6,0.9")
PAIRING_REMINDER_DAYS = env_int("PAIRING_REMINDER_DAYS", 90)
# 兜底: this many failed monthly inspections in a row raise a notice to the company.
FALLBACK_FAILED_INSPECTIONS_NOTICE = env_int("FALLBACK_FAILED_INSPECTIONS_NOTICE", 2)
# Pairing planner: no adopter farther than this; slots per company unless the county sets one.
PLANNER_MAX_DISTANCE_KM = env_int("PLANNER_MAX_DISTANCE_KM", 5)
PLANNER_DEFAULT_CAPACITY = env_int("PLANNER_DEFAULT_CAPACITY", 3)
# Per jurisdiction: region code → the default capacity there (JSON; nearest region wins). A county's
# own limit per company is a row (programs.PlannerCapacity) set on the planner's capacity page.
PLANNER_CAPACITY_BY_REGION = json.loads(env("PLANNER_CAPACITY_BY_REGION", "{}") or "{}")
# A compound built after this year cannot be flagged 老旧小区 (city plans include some early-2000s
# compounds, hence later than the hint above). Entry is refused with a message naming the year.
OLD_COMPOUND_LATEST_YEAR = env_int("OLD_COMPOUND_LATEST_YEAR", 2005)
# §2 Owners' committee defaults (Shandong; Heze adds the street-office takeover at 30 days).
COMMITTEE_RULES_DEFAULT = {
    "min_members": 5,
    "max_members": 11,
    "require_odd": True,
    "max_term_years": 5,
    "reelection_window_days": 90,
    "street_organises_days": None,
    "red_min_cross_appointed": 3,
    "red_min_party_share": "1/2",
    "management_min_owner_share": "1/2",
}

# §6 Space norms (山东 第12–13条, 菏泽 第17条; community facilities: national plan 2022). Defaults;
# per-jurisdiction rows (spaces.SpaceRules) override them, nearest region first. Decimal text.
SPACE_RULES_DEFAULT = {
    "property_permille_min": env("SPACE_PROPERTY_PERMILLE_MIN", "3"),
    "property_permille_max": env("SPACE_PROPERTY_PERMILLE_MAX", "5"),
    "property_min_area": env("SPACE_PROPERTY_MIN_AREA", "100"),
    "committee_office_min_area": env("SPACE_COMMITTEE_OFFICE_MIN_AREA", "20"),
    "government_min_area": env("SPACE_GOVERNMENT_MIN_AREA", "50"),
    "community_area_per_100_households": env("SPACE_COMMUNITY_AREA_PER_100_HOUSEHOLDS", "30"),
    "min_clear_height": env("SPACE_MIN_CLEAR_HEIGHT", "2.2"),
    "max_floor_without_lift": env_int("SPACE_MAX_FLOOR_WITHOUT_LIFT", 3),
}
# Documents of spaces and recovery cases (PDF or image) at most this many bytes.
SPACES_DOCUMENT_MAX_BYTES = env_int("SPACES_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
# Bookings: how far ahead a resident may book (days), a booking's longest duration (hours),
# check-in opens this many minutes before the start; a recurring series spans at most this many weeks.
SPACES_BOOKING_HORIZON_DAYS = env_int("SPACES_BOOKING_HORIZON_DAYS", 120)
SPACES_BOOKING_MAX_HOURS = env_int("SPACES_BOOKING_MAX_HOURS", 8)
SPACES_CHECKIN_EARLY_MINUTES = env_int("SPACES_CHECKIN_EARLY_MINUTES", 30)
SPACES_SERIES_MAX_WEEKS = env_int("SPACES_SERIES_MAX_WEEKS", 26)
# The home page's count of compounds missing a space norm is recomputed at most this often (seconds).
SPACES_TILE_CACHE_SECONDS = env_int("SPACES_TILE_CACHE_SECONDS", 300)
# §1 Owners' joint decisions (apps/voting; docs/voting.md). Per jurisdiction: VOTING_RULES_BY_REGION
# maps a region code to the values that differ there (JSON in the environment); the nearest wins.
VOTING_RULES_DEFAULT = {
    # owners one agent may represent in one decision (潍坊 第32条: 每一业主接受的委托不得超过三人)
    "proxy_limit": env_int("VOTING_PROXY_LIMIT", 3),
    # days between opening the roll and the start of voting (物业管理条例 第14条: 15日以前通知)
    "advance_notice_days": env_int("VOTING_ADVANCE_NOTICE_DAYS", 15),
    # the result is posted within this many days of the decision (山东 第32条: 三日内公告)
    "publish_within_days": env_int("VOTING_PUBLISH_WITHIN_DAYS", 3),
    # how long the result notice stays up (calendar days) [PRACTICE]
    "notice_period_days": env_int("VOTING_NOTICE_PERIOD_DAYS", 15),
    # ballots and audit trail kept at least (民法典 第280条, 司法解释 第12条: 一年内可诉请撤销)
    "retention_years": env_int("VOTING_RETENTION_YEARS", 10),
}
VOTING_RULES_BY_REGION = json.loads(env("VOTING_RULES_BY_REGION", "{}") or "{}")

# ---------------------------------------------------------------- working-day calendar
# The per-process calendar cache re-checks the override tables at most this often (seconds);
# the process that edits them clears its cache at once.
WORKDAY_CALENDAR_CACHE_SECONDS = env_int("WORKDAY_CALENDAR_CACHE_SECONDS", 60)
# `manage.py check` and the sweep warn when next year's holidays are missing this many days
# before the end of the year.
WORKDAY_COVERAGE_WARNING_DAYS = env_int("WORKDAY_COVERAGE_WARNING_DAYS", 60)

# ---------------------------------------------------------------- work orders (RULES.md §4)
# Stage time limits live per category in the database (workorders.Category / CategoryLimit).
# Yellow card: this many working days before a day-based deadline (province practice: 1) ...
WORKORDER_YELLOW_BEFORE_WORKING_DAYS = env_int("WORKORDER_YELLOW_BEFORE_WORKING_DAYS", 1)
# ... and, for an hour-based limit, when this share (%) of the limit is left.
WORKORDER_YELLOW_BEFORE_HOURS_PERCENT = env_int("WORKORDER_YELLOW_BEFORE_HOURS_PERCENT", 25)
# A unit may return a mis-assigned order within this many working days of dispatch (Shandong
# hotline practice: 2); afterwards it owns it (首接负责).
WORKORDER_RETURN_LIMIT_WORKING_DAYS = env_int("WORKORDER_RETURN_LIMIT_WORKING_DAYS", 2)
# A unit may ask once per dispatch for more time to resolve, at most this many working days
# (Shandong hotline practice: extension <= 10 working days); the dispatching desk decides.
WORKORDER_EXTENSION_MAX_WORKING_DAYS = env_int("WORKORDER_EXTENSION_MAX_WORKING_DAYS", 10)
# The community calls the reporter back within this many working days of the resolution.
WORKORDER_CALLBACK_LIMIT_WORKING_DAYS = env_int("WORKORDER_CALLBACK_LIMIT_WORKING_DAYS", 2)
# Joint requests (菏泽条例 第28条): at least this many owners, accepted within this many working days.
WORKORDER_JOINT_MIN_OWNERS = env_int("WORKORDER_JOINT_MIN_OWNERS", 10)
WORKORDER_JOINT_ACCEPT_LIMIT_WORKING_DAYS = env_int("WORKORDER_JOINT_ACCEPT_LIMIT_WORKING_DAYS", 2)
# Automatic escalation by `sla_sweep` (济南热线条例 第28条; 潍坊 第26条). Overdue: this many working
# days after the deadline (0 = at the deadline); off with WORKORDER_AUTO_ESCALATE_OVERDUE=0.
WORKORDER_AUTO_ESCALATE_OVERDUE = env_bool("WORKORDER_AUTO_ESCALATE_OVERDUE", True)
WORKORDER_ESCALATE_AFTER_OVERDUE_WORKING_DAYS = env_int("WORKORDER_ESCALATE_AFTER_OVERDUE_WORKING_DAYS", 1)
# From the community level: after this many duplicates merged in (repeated reports), returns
# (refused; 菏泽条例 第28条 allows one re-transfer) or reworks (badly handled). 0 = never.
WORKORDER_ESCALATE_AFTER_DUPLICATES = env_int("WORKORDER_ESCALATE_AFTER_DUPLICATES", 3)
WORKORDER_ESCALATE_AFTER_RETURNS = env_int("WORKORDER_ESCALATE_AFTER_RETURNS", 2)
WORKORDER_ESCALATE_AFTER_REWORKS = env_int("WORKORDER_ESCALATE_AFTER_REWORKS", 2)
# Photos: at most this many per intake and per resolution, each at most this many bytes and pixels.
WORKORDER_PHOTO_MAX_COUNT = env_int("WORKORDER_PHOTO_MAX_COUNT", 6)
WORKORDER_PHOTO_MAX_BYTES = env_int("WORKORDER_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
WORKORDER_PHOTO_MAX_PIXELS = env_int("WORKORDER_PHOTO_MAX_PIXELS", 40_000_000)
WORKORDER_DESCRIPTION_MAX_LENGTH = env_int("WORKORDER_DESCRIPTION_MAX_LENGTH", 2000)
# Composite score = w1 × 响应率 + w2 × 解决率 + w3 × 满意率 (another city uses 0.3,0.35,0.35), and
# 满意率 = (满意 + factor × 基本满意) ÷ valid call-backs. Exact decimals, kept as strings.
WORKORDER_SCORE_WEIGHTS = env_list("WORKORDER_SCORE_WEIGHTS", "0.1,0.5,0.4")
WORKORDER_BASIC_SATISFACTION_FACTOR = env("WORKORDER_BASIC_SATISFACTION_FACTOR", "0.9")
# Monthly red/black lists: this many entries each; entities with fewer valid call-backs are not ranked.
WORKORDER_RANKING_SIZE = env_int("WORKORDER_RANKING_SIZE", 5)
WORKORDER_RANKING_MIN_CALLBACKS = env_int("WORKORDER_RANKING_MIN_CALLBACKS", 5)
# Category time limits are cached per process this long (seconds); editing clears the editor's cache.
WORKORDER_LIMITS_CACHE_SECONDS = env_int("WORKORDER_LIMITS_CACHE_SECONDS", 60)
# Rows per transaction in `sla_sweep` (each batch is locked with SKIP LOCKED on PostgreSQL).
WORKORDER_SWEEP_BATCH = env_int("WORKORDER_SWEEP_BATCH", 2000)

# ---------------------------------------------------------------- notifications
# SMS: apps.notifications.sms.ConsoleBackend (log), LocmemBackend (tests), DummyBackend, or a gateway class.
SMS_BACKEND = env("SMS_BACKEND", "apps.notifications.sms.ConsoleBackend")
SMS_SIGNATURE = env("SMS_SIGNATURE", "【红色物业】")
NOTIFY_BY_EMAIL = env_bool("NOTIFY_BY_EMAIL", True)
# A delivery job (e-mail/SMS) ends after this long without a new row to send; web processes ask
# whether one is waiting at most every half of it (docs/jobs.md). 0: ask on every change.
NOTIFY_DELIVERY_LINGER_SECONDS = env_float("NOTIFY_DELIVERY_LINGER_SECONDS", 2.0)
# Absolute links in e-mails.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# ---------------------------------------------------------------- platform
PLATFORM_NAME = env("PLATFORM_NAME", "红色物业治理平台")
# Password of the demo users that `manage.py seed_demo` creates (one per role). seed_demo
# refuses to create them with this default when DEBUG is off.
INSECURE_DEFAULT_DEMO_PASSWORD = "demo12345"
DEMO_PASSWORD = env("DEMO_PASSWORD", INSECURE_DEFAULT_DEMO_PASSWORD)
LIST_PAGE_SIZE = env_int("LIST_PAGE_SIZE", 25)
EXPORT_MAX_ROWS = env_int("EXPORT_MAX_ROWS", 200_000)

# ---------------------------------------------------------------- open API (/api/v1/, /open311/v2/)
# Throttling counts requests in Django's cache. The default LocMem cache is per process: behind
# several app servers (or gunicorn workers) each counts alone, so production needs a shared cache,
# e.g. DJANGO_CACHE_BACKEND=django.core.cache.backends.redis.RedisCache with
# DJANGO_CACHE_LOCATION=redis://127.0.0.1:6379/1 (needs the redis package). See docs/api.md.
CACHES = {
    "default": {
        "BACKEND": env("DJANGO_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env("DJANGO_CACHE_LOCATION", "redproperty"),
    }
}
# Rates as "<count>/<s|min|hour|day>"; an empty value switches that throttle off.
API_THROTTLE_ANON = env("API_THROTTLE_ANON", "60/min")  # per client IP, no credentials
API_THROTTLE_TOKEN = env("API_THROTTLE_TOKEN", "600/min")  # per API client (Bearer key)
API_THROTTLE_SESSION = env("API_THROTTLE_SESSION", "300/min")  # per signed-in browser user
# Number of reverse proxies in front of the app; the client IP is taken from X-Forwarded-For
# only when this is above 0 (else REMOTE_ADDR), so that clients cannot forge their identity.
API_NUM_PROXIES = env_int("API_NUM_PROXIES", 0)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 25)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100)
# Days an API client's key stays valid when `create_api_client` is not given --days.
API_CLIENT_DEFAULT_DAYS = env_int("API_CLIENT_DEFAULT_DAYS", 365)

# ---------------------------------------------------------------- campaigns, projects, joint meetings (RULES.md §8)
# Sub-items and decisions: yellow card during the last N working days before the planned finish /
# deadline (practice, configurable) ...
CAMPAIGNS_YELLOW_BEFORE_WORKING_DAYS = env_int("CAMPAIGNS_YELLOW_BEFORE_WORKING_DAYS", 3)
# ... and an open decision escalates to the convening level this many working days after its
# deadline (0 = as soon as it is overdue).
CAMPAIGNS_DECISION_ESCALATE_AFTER_WORKING_DAYS = env_int("CAMPAIGNS_DECISION_ESCALATE_AFTER_WORKING_DAYS", 0)
# A decision's default deadline: this many working days after the meeting (the form's suggestion).
CAMPAIGNS_DECISION_DEFAULT_WORKING_DAYS = env_int("CAMPAIGNS_DECISION_DEFAULT_WORKING_DAYS", 10)

# ---------------------------------------------------------------- background jobs (apps/jobs)
# Django's tasks interface (the django-tasks backport). "database" needs no other server (a
# worker: `manage.py db_worker`, started by `make run`); "rq" uses Redis (JOBS_REDIS_URL) and
# `manage.py rqworker`; "immediate" runs a job inside the request (tests of single steps only).
JOBS_BACKEND = env("JOBS_BACKEND", "database")
JOBS_REDIS_URL = env("JOBS_REDIS_URL", "redis://127.0.0.1:6379/2")
TASKS = {
    "default": {
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
        "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
        "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }[JOBS_BACKEND]
}
# django-rq reads RQ_QUEUES when a queue is used; the app (its `rqworker` command) is installed
# only with the rq backend. DEFAULT_TIMEOUT: RQ kills a job running longer (JOBS_RQ_TIMEOUT_S).
RQ_QUEUES = {"default": {"URL": JOBS_REDIS_URL, "DEFAULT_TIMEOUT": env_int("JOBS_RQ_TIMEOUT_S", 3600)}}
if JOBS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)  # a job that raises is tried this often in all
JOBS_RETRY_BASE_S = env_int("JOBS_RETRY_BASE_S", 30)  # backoff: 30 s, 2 min, 8 min … (cap 1 h)
JOBS_STALE_S = env_int("JOBS_STALE_S", 900)  # 进行中 without a heartbeat this long: worker died, rerun
# A running job's heartbeat is written from a side thread this often (default JOBS_STALE_S / 3),
# so a handler that reports no progress for a while is not taken for dead.
JOBS_HEARTBEAT_S = env_int("JOBS_HEARTBEAT_S", 0) or max(1, JOBS_STALE_S // 3)
JOBS_RECOVER_EVERY_S = env_int("JOBS_RECOVER_EVERY_S", 120)  # jobs_worker: recover_stale() this often
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 30)  # finished system jobs (no owner) pruned after this
JOBS_PAGE_SIZE = 20  # 我的任务: jobs per page

# ---------------------------------------------------------------- ledger imports (apps/imports)
# Largest uploaded file, in MB: a larger request is refused before it is read (middleware).
UPLOAD_MAX_MB = env_int("DJANGO_UPLOAD_MAX_MB", 30)
IMPORTS_ROOT = Path(env("IMPORTS_ROOT", str(BASE_DIR / "private" / "imports")))  # private: never served
IMPORTS_MAX_ROWS = env_int("IMPORTS_MAX_ROWS", 300000)  # data rows of one file
IMPORTS_KEEP_DAYS = env_int("IMPORTS_KEEP_DAYS", 30)  # uploads (and marked copies) deleted after this
