"""The production entry point (gunicorn pemilih.web.wsgi:application), started by `pemilih serve`.

The workspace comes from PEMILIH_WORKSPACE (and DATABASE_URL for PostgreSQL); the settings are
checked before the first request: no default secret key, no DEBUG.
"""
import os

from pemilih.store import owner_only

owner_only.start_process()  # uploads and downloads made here hold personal data: owner-only
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pemilih.store.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from pemilih.web import production  # noqa: E402

production.check()
