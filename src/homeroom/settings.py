"""Homeroom settings, configured from environment variables (see the README)."""

import os
import secrets
from pathlib import Path

import dj_database_url


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HOMEROOM_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def load_secret_key() -> str:
    """The key comes from the environment or from a file made in the data dir on first run."""
    if key := os.environ.get("HOMEROOM_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Written whole under a private name, then linked into place: a process starting at
        # the same moment never reads a half-written key, and the first link wins.
        draft = DATA_DIR / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


SECRET_KEY = load_secret_key()
DEBUG = env_bool("HOMEROOM_DEBUG")
ALLOWED_HOSTS = env_list("HOMEROOM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("HOMEROOM_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("HOMEROOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The acceptable-use policy students and families sign now; a new version asks everyone again.
ACCEPTABLE_USE_POLICY_VERSION = os.environ.get("HOMEROOM_ACCEPTABLE_USE_POLICY", "2026-27")

INSTALLED_APPS = [
    "homeroom.core",
    "homeroom.people",
    "homeroom.devices",
    "homeroom.helpdesk",
    "homeroom.repairs",
    "homeroom.fees",
    "homeroom.reports",
    "homeroom.training",
    "homeroom.software",
    "homeroom.testday",
    "homeroom.library",
    "homeroom.classrooms",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "template_partials",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "homeroom.core.middleware.ContentSecurityPolicyMiddleware",
    "homeroom.core.middleware.AuditInterfaceMiddleware",
    "homeroom.core.middleware.CurrentSiteMiddleware",
    "axes.middleware.AxesMiddleware",
]

FORM_RENDERER = "homeroom.core.forms.FormRenderer"
ROOT_URLCONF = "homeroom.urls"
WSGI_APPLICATION = "homeroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "homeroom.core.context_processors.shell",
            ],
        },
    },
]

# SQLite by default: WAL lets readers work beside a writer, and IMMEDIATE transactions make
# concurrent writers wait for the lock (busy_timeout) instead of failing mid-transaction.
SQLITE_PATH = DATA_DIR / "homeroom.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-64000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:today"
LOGOUT_REDIRECT_URL = "login"

# Whole schools often share one public address, so lockout counts failures per username
# and address together: one pupil guessing cannot lock out the building.
AXES_FAILURE_LIMIT = int(os.environ.get("HOMEROOM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("HOMEROOM_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Password-reset mails an address, and a client address, may ask for in an hour.
PASSWORD_LINKS_PER_ADDRESS = int(os.environ.get("HOMEROOM_PASSWORD_LINKS_PER_ADDRESS", "3"))
PASSWORD_LINKS_PER_CLIENT = int(os.environ.get("HOMEROOM_PASSWORD_LINKS_PER_CLIENT", "30"))

# Production serves Homeroom over HTTPS, usually behind a reverse proxy (see the README).
HTTPS = env_bool("HOMEROOM_HTTPS")
# Behind a proxy, the client's address and scheme come from the headers the proxy sets.
BEHIND_PROXY = env_bool("HOMEROOM_BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
AXES_CLIENT_IP_CALLABLE = "homeroom.core.middleware.client_ip"
SECURE_SSL_REDIRECT = env_bool("HOMEROOM_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's plain health check
SECURE_HSTS_SECONDS = int(os.environ.get("HOMEROOM_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HOMEROOM_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("HOMEROOM_HSTS_PRELOAD", HTTPS)
# Pages load scripts, styles, fonts and images from Homeroom itself only, and no inline
# script runs (homeroom.core.middleware.ContentSecurityPolicy).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("HOMEROOM_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 12

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("HOMEROOM_TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "media/"

EMAIL_BACKEND = os.environ.get(
    "HOMEROOM_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("HOMEROOM_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("HOMEROOM_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("HOMEROOM_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HOMEROOM_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HOMEROOM_EMAIL_TLS")
# Mail is sent right after the change it reports; a slow server must not hold the page long.
EMAIL_TIMEOUT = int(os.environ.get("HOMEROOM_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("HOMEROOM_FROM_EMAIL", "Homeroom <homeroom@localhost>")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("HOMEROOM_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Limits on imported files (rosters and device lists), read by homeroom.core.import_limits.
# The defaults take a district of 100,000 devices and a roster of 300,000 enrollments with room
# to spare, and refuse files that would hold the only worker for minutes or gigabytes.
IMPORT_MAX_UPLOAD_MB = int(os.environ.get("HOMEROOM_IMPORT_MAX_UPLOAD_MB", "100"))
IMPORT_MAX_UNZIPPED_MB = int(os.environ.get("HOMEROOM_IMPORT_MAX_UNZIPPED_MB", "500"))
IMPORT_MAX_ZIP_RATIO = int(os.environ.get("HOMEROOM_IMPORT_MAX_ZIP_RATIO", "100"))
IMPORT_MAX_LINE_BYTES = int(os.environ.get("HOMEROOM_IMPORT_MAX_LINE_BYTES", "1048576"))
IMPORT_MAX_ROWS = int(os.environ.get("HOMEROOM_IMPORT_MAX_ROWS", "1000000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("HOMEROOM_IMPORT_MAX_COLUMNS", "500"))
IMPORT_REFUSED_RETENTION_DAYS = int(os.environ.get("HOMEROOM_IMPORT_REFUSED_RETENTION_DAYS", "30"))
# A check or apply whose task shows no sign of life for this long is taken as dead.
IMPORT_STALE_MINUTES = int(os.environ.get("HOMEROOM_IMPORT_STALE_MINUTES", "120"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": "homeroom.core.logs.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["refusals_on_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("HOMEROOM_LOG_LEVEL", "WARNING")},
}
