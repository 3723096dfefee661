"""Refuse to serve with unsafe settings: the default secret key, or DEBUG on."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_KEY = "pemilih-store-only-not-for-web"


def check() -> None:
    if settings.DEBUG:
        raise ImproperlyConfigured("DEBUG menyala: server produksi tidak dijalankan (hapus PEMILIH_DEBUG).")
    key = settings.SECRET_KEY or ""
    if key == DEFAULT_KEY or len(key) < 32:
        raise ImproperlyConfigured("PEMILIH_SECRET_KEY belum diatur (atau terlalu pendek, minimal 32 "
                                   "karakter): server produksi tidak dijalankan.")
