"""The administrator's audit page: who viewed or took personal data (the access log, newest
first, filtered by days and user) and, on request (POST), the log's hash chain and the current
list against its replay: what `pemilih audit` and `pemilih audit verify` print."""
from __future__ import annotations

from django.shortcuts import render

from pemilih.cycle import audit
from pemilih.cycle.common import StepError
from pemilih.web import params as query
from pemilih.web import workspace
from pemilih.web.access import only, route

SHOWN = 200


def audit_page(request):
    params = request.POST if request.method == "POST" else request.GET
    user = (params.get("pengguna") or "").strip()[:200] or None
    error, rows = None, []
    try:
        # web/params.py: a day the calendar cannot hold (9999-12-31) is a message, not a 500
        since, until = (query.day(params[k]) if params.get(k) else None for k in ("dari", "sampai"))
        rows = audit.accesses(workspace.current(), audit.AccessRequest(since, until, user, SHOWN))
    except (StepError, query.ParamError) as err:
        error = str(err)
    checked = audit.verify(workspace.current()) if request.method == "POST" and "periksa" in request.POST else None
    return render(request, "web/audit.html", {
        "rows": [{"line": r, "when": audit.local_time(r.at), "scope": audit.describe_scope(r.scope)} for r in rows],
        "shown": SHOWN, "dari": params.get("dari", ""), "sampai": params.get("sampai", ""), "pengguna": user or "",
        "error": error, "checked": checked, "lines": checked.lines() if checked else []})


routes = [route("audit/", audit_page, "audit", only())]
