"""The administrator's page of accounts."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from pemilih.web import accounts
from pemilih.web.access import only, route
from pemilih.web.models import Account
from pemilih.web.roles import Role
from pemilih.web.villages import villages


def account_list(request):
    if request.method == "POST":
        p = request.POST
        try:
            accounts.create(p.get("username", "").strip(), p.get("password", ""), p.get("role", ""),
                            full_name=p.get("full_name", "").strip(), kode_desa=p.get("kode_desa", "").strip())
            messages.success(request, f"Akun {p.get('username')} dibuat.")
            return redirect("akun")
        except accounts.AccountError as exc:
            messages.error(request, str(exc))
    return render(request, "web/accounts.html", {
        "accounts": Account.objects.select_related("user").order_by("role", "user__username"),
        "roles": Role.choices, "villages": villages()})


routes = [route("akun/", account_list, "akun", only())]
