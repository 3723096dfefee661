"""Response headers every page and download carries (the CSP itself comes from django-csp).

Pages and downloads of the agencies hold personal data (names, masked or full NIKs, the
coklit workbooks): no browser or proxy may keep a copy. Every response that reaches this
middleware gets `Cache-Control: no-store`; the static files (styles, scripts) are answered by
WhiteNoise before it and stay cacheable.
"""
from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
