"""Every view and download of personal data, in the access log: ONE decorator for the views.

    @records_access("daftar-pemilih")
    def voter_list(request): ...; access_log.note(request, rows=len(page), cari=...)

The decorator takes the scope from the URL (a village, an election, a list stage), the view
adds what it knows (`note`: how many rows it showed or handed out, a search, a file), and a
successful answer (2xx, GET or POST) writes one row through the store's one writer
(store/audit.record_access): who, agency, what, scope, rows, the agreement it rests on, when.
A refused or redirected request shows nothing and records nothing; a view that turns out to
show no personal data calls `note(request, skip=True)`.
"""
from __future__ import annotations

import functools

from pemilih.domain.masking import mask_digits_in_text
from pemilih.web import access

URL_SCOPE = {"kode_desa": "desa", "code": "pemilihan", "stage": "daftar"}
_NOTE = "_pemilih_access_note"


def note(request, *, rows: int | None = None, skip: bool = False, **scope) -> None:
    """What the view showed: `rows` shown or handed out, more scope (desa, cari, berkas...)."""
    current = getattr(request, _NOTE, None)
    if current is None:
        return  # not a recorded view (a helper shared with one)
    if rows is not None:
        current["rows"] = rows
    if skip:
        current["skip"] = True
    current["scope"].update({k: (mask_digits_in_text(v) if isinstance(v, str) else v) for k, v in scope.items()})


def records_access(action: str):
    """Decorate a view that shows or hands out personal data (see the module docstring)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            scope = {URL_SCOPE[k]: v for k, v in kwargs.items() if k in URL_SCOPE}
            setattr(request, _NOTE, {"rows": None, "scope": scope, "skip": False})
            response = view(request, *args, **kwargs)
            done = getattr(request, _NOTE)
            if 200 <= response.status_code < 300 and not done["skip"]:
                _record(request, action, done)
            return response
        wrapped.records_access = action
        return wrapped
    return decorate


def _record(request, action: str, done: dict) -> None:
    from pemilih.store import audit
    acc = access.account(request)
    scope = done["scope"]
    villages = [scope["desa"]] if scope.get("desa") else None
    name = request.user.get_full_name() or ""
    audit.record_access(actor=request.user.username + (f" ({name})" if name else ""),
                        agency=acc.agency if acc else "", channel=audit.WEB, action=action, scope=scope,
                        rows=done["rows"], agreement=access.agreement_number(request, villages))
