"""The public page /cek: a resident checks whether and where they are listed."""
from __future__ import annotations

import os

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from pemilih.web import lookup
from pemilih.web.access import PUBLIC, route

# Behind a reverse proxy on the same machine, the client is the last X-Forwarded-For entry.
TRUSTED_PROXIES = {p for p in os.environ.get("PEMILIH_TRUSTED_PROXIES", "").split(",") if p}


def client_of(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded and remote in TRUSTED_PROXIES:
        return forwarded.split(",")[-1].strip()
    return remote


@never_cache
def cek(request):
    context: dict = {}
    if request.method == "POST":
        nik = "".join(ch for ch in request.POST.get("nik", "") if not ch.isspace())
        if not lookup.allowed(client_of(request)):
            lookup.count("dibatasi")
            context["limited"] = True
            return render(request, "web/cek.html", context, status=429)
        if not lookup.well_formed(nik):
            lookup.count("ditolak")
            context["invalid"] = True
        else:
            answer = lookup.find(nik)
            lookup.count("ditemukan" if answer.found else "tidak-ditemukan")
            context["answer"] = answer
    return render(request, "web/cek.html", context)


routes = [route("cek", cek, "cek", PUBLIC)]
