"""Django settings for pemilih: the one place they live.

Used two ways: `configure(database)` sets Django up programmatically (the command line and
the tests: no settings module to point at), and `DJANGO_SETTINGS_MODULE=pemilih.store.settings`
works for Django's own tools (makemigrations) and the web server (pemilih.web.wsgi). The web
application's apps, middleware and templates are here too, so the command line, the tests and
the server share one schema and one configuration; production checks are in web/production.py.
"""
from __future__ import annotations

import os
from pathlib import Path

import django
from django.conf import settings as django_settings

from pemilih.store import dburl

DEFAULT_WORKSPACE = Path("pemilih-data")
SQLITE_NAME = "pemilih.sqlite3"


def database_from_env(workspace: Path = DEFAULT_WORKSPACE) -> dict:
    url = os.environ.get("DATABASE_URL")
    return dburl.parse(url) if url else dburl.sqlite_settings(workspace / SQLITE_NAME)


def _default_database() -> dict:
    try:
        return database_from_env(Path(os.environ.get("PEMILIH_WORKSPACE", DEFAULT_WORKSPACE)))
    except dburl.DatabaseUrlError:
        # Importing settings must not fail on a bad DATABASE_URL: open_workspace reports it
        # as a message; Django's own tools get the dummy backend, which refuses to work.
        return {"ENGINE": "django.db.backends.dummy"}


INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "pemilih.store",
    "pemilih.web",
]
DATABASES = {"default": _default_database()}
DEBUG = os.environ.get("PEMILIH_DEBUG", "") not in ("", "0")
ALLOWED_HOSTS = [h for h in os.environ.get("PEMILIH_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
ROOT_URLCONF = "pemilih.web.urls"
WSGI_APPLICATION = "pemilih.web.wsgi.application"
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
    "pemilih.web.access.AccessMiddleware",  # every URL's rule (role, village, agreement)
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.template.context_processors.i18n",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "pemilih.web.access.navigation",
    ]},
}]
STATIC_URL = "/static/"
STATIC_ROOT = None  # whitenoise serves the apps' static folders directly (WHITENOISE_USE_FINDERS)
WHITENOISE_USE_FINDERS = True
LOGIN_URL = "/"
LOGIN_REDIRECT_URL = "/beranda/"
LOGOUT_REDIRECT_URL = "/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # a working day
CSRF_COOKIE_SAMESITE = "Lax"
# Every text is marked for translation ({% translate %}); the source strings are Indonesian.
# An English locale follows by adding ("en", "English") here and a catalog in LOCALE_PATHS;
# until then a browser asking for English still gets Indonesian, never a mix.
LANGUAGES = [("id", "Bahasa Indonesia")]
LOCALE_PATHS = [str(Path(__file__).resolve().parent.parent / "web" / "locale")]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # the fields of a form, files aside
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # a bigger file is streamed to a temporary file
# A body over the largest upload of any kind is refused unread; each page then holds its kind's
# limits (domain/limits.py, web/uploads.py).
FILE_UPLOAD_HANDLERS = ["pemilih.web.uploads.RequestSizeLimit",
                        "django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = 400  # a regency's 151 form-style workbooks in one upload
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pemilih"}}
# The workspace the web application serves (its folder holds uploads and job outputs).
PEMILIH_WORKSPACE = os.environ.get("PEMILIH_WORKSPACE", str(DEFAULT_WORKSPACE))
# Job supervision (web/jobs.py): time limits in minutes ("90" for every kind, "verifikasi=180"
# for one kind, or both: "90,verifikasi=180"; defaults per kind in web/tasks.py) and how long a
# job's output files are kept before the worker deletes them (hours; 0 keeps them for ever).
PEMILIH_JOB_MINUTES = os.environ.get("PEMILIH_JOB_MINUTES", "")
PEMILIH_JOB_OUTPUT_HOURS = os.environ.get("PEMILIH_JOB_OUTPUT_HOURS", "72")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Makassar"  # WITA: Toraja Utara
LANGUAGE_CODE = "id"
USE_I18N = True
# Nothing in the store signs anything; the web app must set a real key and refuse this one.
SECRET_KEY = os.environ.get("PEMILIH_SECRET_KEY", "pemilih-store-only-not-for-web")
LOGGING_CONFIG = None  # pemilih logs nothing personal; keep Django from installing handlers

# --- HTTP hardening (issue 13): CSP, no-store, TLS deployments --------------------------------
# Right after WhiteNoise (whose static files stay cacheable and need no policy): django-csp's
# policy, web/headers.py's `Cache-Control: no-store` on every page and download, and a 400 for
# a NUL in the URL (web/params.py).
MIDDLEWARE[MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1:
           MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1] = [
    "csp.middleware.CSPMiddleware", "pemilih.web.headers.NoStoreMiddleware", "pemilih.web.params.RefuseNulMiddleware"]
# No inline script, style or event handler anywhere (web/static/web/app.js and app.css hold
# them); `data:` images only for the empty favicon of base.html.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# PEMILIH_HTTPS=1: served over TLS behind a reverse proxy that sets X-Forwarded-Proto
# (docs/https.md, with an nginx example): HSTS, Secure cookies, http -> https.
HTTPS = os.environ.get("PEMILIH_HTTPS", "") not in ("", "0")
if HTTPS:
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # the agency's other hosts are not ours to pin
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
# --- end of HTTP hardening ---------------------------------------------------------------------


# --- accounts (issue 13): login throttling, passwords, second factor --------------------------
# django-axes counts failed logins per username and client address (the client as /cek counts
# it: the last X-Forwarded-For hop from a trusted proxy); after PEMILIH_LOGIN_GAGAL failures
# (5) that pair is locked for PEMILIH_KUNCI_MENIT minutes (15), the right password included.
# The administrator sees the locks on /akun/ and can lift one.
INSTALLED_APPS.append("axes")
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# The account gate (a password to change, a second factor to give) before the access rules;
# axes last, as its documentation asks.
MIDDLEWARE.insert(MIDDLEWARE.index("pemilih.web.access.AccessMiddleware"), "pemilih.web.gate.AccountGateMiddleware")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_FAILURE_LIMIT = int(os.environ.get("PEMILIH_LOGIN_GAGAL", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("PEMILIH_KUNCI_MENIT", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures are forgiven only once the whole login is done (password and, when the account has
# one, the second factor: web/gate.py), so a wrong TOTP code counts like a wrong password.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "pemilih.web.views.core.locked_out"
AXES_CLIENT_IP_CALLABLE = "pemilih.web.views.public.client_of"
AXES_VERBOSE = False  # axes would log usernames and addresses on every attempt
# Argon2 first: new passwords and every older hash (upgraded at its next login).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
PASSWORD_MIN_LENGTH = 12
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A second factor (TOTP) for the roles that open personal data (store/roles.py): offered always,
# required when PEMILIH_WAJIB_2FA=1.
PEMILIH_REQUIRE_2FA = os.environ.get("PEMILIH_WAJIB_2FA", "") not in ("", "0")
# --- end of accounts --------------------------------------------------------------------------


def _module_settings() -> dict:
    return {name: value for name, value in globals().items() if name.isupper()}


def configure(database: dict) -> None:
    """Configure Django once per process, with `database` as the default connection."""
    if not django_settings.configured:
        values = _module_settings()
        values["DATABASES"] = {"default": dict(database)}
        django_settings.configure(**values)
    django.setup()  # idempotent: app registry is populated once
    use_database(database)


def ensure_configured() -> None:
    """Make the ORM usable on import: modules that use the models call this first, so
    `from pemilih.store.receive import import_result` works before any workspace is opened.
    Until open_workspace() points it elsewhere, the database is the default one (no
    connection is made before a query)."""
    from django.apps import apps

    if not django_settings.configured:
        configure(_default_database())
    elif not apps.ready and not apps.loading:
        django.setup()


def use_database(database: dict) -> None:
    """Point Django's default connection at `database`.

    Django is configured once per process, but a process may open several workspaces in turn
    (tests, a command that copies one workspace to another): close the current connection and
    swap the settings it is built from; the next query opens the new database.
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    current = connections.settings.get(DEFAULT_DB_ALIAS, {})
    if all(current.get(key) == value for key, value in database.items()):
        # The settings already point there; but a connection is kept per thread and async
        # context, and one made in this context before an earlier switch still holds the old
        # database's settings (a test body after another module's): that one is dropped.
        if hasattr(connections._connections, DEFAULT_DB_ALIAS):
            held = connections[DEFAULT_DB_ALIAS].settings_dict
            if any(held.get(key) != value for key, value in database.items()):
                connections[DEFAULT_DB_ALIAS].close()
                del connections[DEFAULT_DB_ALIAS]
        return
    if hasattr(connections._connections, DEFAULT_DB_ALIAS):
        connections[DEFAULT_DB_ALIAS].close()
        del connections[DEFAULT_DB_ALIAS]
    databases = connections.settings  # the same dict object as settings.DATABASES
    databases[DEFAULT_DB_ALIAS] = dict(database)
    connections.configure_settings(databases)  # fills Django's defaults for the new entry
