"""One public response at the village office counter: a NIK search and three one-record forms
(removal, correction, addition) over the step cycle/response_form.py, which records each as
the row a responses workbook would give (one path with the upload, one set of rules).

A NIK never goes into a URL, a browser history or a server log: the search is a POST, and the
voter found is named to the next form by a token kept in the session (a voter's key may hold
a NIK: an added voter's does), never by the key itself. Every page that shows a voter is in
the access log (web/access_log.py). A committee works in its own village only.
"""
from __future__ import annotations

import secrets

from django.shortcuts import redirect, render

from pemilih.contract import RESPONSE_ADD, RESPONSE_CHANGE, RESPONSE_REMOVE
from pemilih.cycle import election as election_step
from pemilih.cycle import response_form as step
from pemilih.cycle.common import Who, is_refusal
from pemilih.domain.fields import FIELD_NAMES
from pemilih.web import access, access_log, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.views.election import _election_or_404
from pemilih.web.villages import title_of, villages

REASON = election_step.RESPONSES_REASON + " (formulir web)"
TOKENS = "tanggapan_pemilih"  # session: token -> the key of a voter found by NIK
KEEP_TOKENS = 20  # the voters last found in this session that a form may still name
RECORDED = "tanggapan_tercatat"  # session: what the last form recorded (masked), for its page


def _remember(request, key: str) -> str:
    """A token for the voter found, kept in the session (the newest KEEP_TOKENS)."""
    tokens = dict(request.session.get(TOKENS, {}))
    token = secrets.token_urlsafe(12)
    tokens[token] = key
    request.session[TOKENS] = dict(list(tokens.items())[-KEEP_TOKENS:])
    return token


def _recall(request, token: str) -> str | None:
    return request.session.get(TOKENS, {}).get(token or "")


def _page(request, e, template: str, context: dict, status: int = 200):
    ws = workspace.current()
    closed, late = election_step.responses_window(ws, e.code)
    scope = access.village_scope(request)
    page = {"e": e, "closed": closed, "late": late, "scoped": scope is not None,
            "village_title": title_of(scope) if scope else "", "errors": {}, "general": [], "values": {}, **context}
    if "kind" in page:
        page["fields"] = _fields(page["kind"], page, page["values"], page["errors"], bool(late))
        page["kind_name"] = step.KIND_NAMES[page["kind"]]
        page["first_error"] = next((f["name"] for f in page["fields"] if f["error"]), None)
    return render(request, f"web/election/{template}", page, status=status)


# --- the NIK search --------------------------------------------------------------------------

@access_log.records_access("cari-nik-tanggapan")
def search(request, code: str):
    """GET: the search form. POST: the voters with that NIK in the election's villages (a
    committee's own), each with its actions; the NIK typed is never shown back in full."""
    e = _election_or_404(request, code)
    scope = access.village_scope(request)
    if request.method != "POST":
        access_log.note(request, skip=True)
        return _page(request, e, "response_search.html", {"searched": False})
    try:
        found = step.find(workspace.current(), e.code, request.POST.get("nik", ""), scope)
    except step.FormRefused as exc:
        access_log.note(request, skip=True)
        return _page(request, e, "response_search.html", {"searched": False, "errors": exc.fields}, status=400)
    for voter in found:
        voter["token"] = _remember(request, voter["key"])
        voter["desa_title"] = title_of(voter["kode_desa"])
    access_log.note(request, rows=len(found), desa=scope)
    return _page(request, e, "response_search.html", {"searched": True, "found": found})


# --- the three forms -------------------------------------------------------------------------

@access_log.records_access("tanggapan-hapus")
def removal(request, code: str):
    return _voter_form(request, code, RESPONSE_REMOVE)


@access_log.records_access("tanggapan-ubah")
def correction(request, code: str):
    return _voter_form(request, code, RESPONSE_CHANGE)


def _voter_form(request, code: str, kind: str):
    """A removal or correction of the voter the search found (POST only: the voter comes as
    the search's token); `catat` in the POST records it, else the empty form is shown."""
    e = _election_or_404(request, code)
    if request.method != "POST":
        return redirect("pilkalem_formulir", e.code)
    scope = access.village_scope(request)
    token = request.POST.get("pemilih", "")
    key = _recall(request, token)
    voter = step.voter(workspace.current(), e.code, key, scope) if key else None
    if voter is None:  # an old token, or a voter struck meanwhile: search again
        access_log.note(request, skip=True)
        return _page(request, e, "response_search.html", {
            "searched": False, "general": ["Pemilih tidak ditemukan lagi di daftar desa ini; cari ulang dengan NIK."]},
            status=400)
    access_log.note(request, rows=1, desa=voter["kode_desa"])
    context = {"kind": kind, "voter": voter, "token": token, "desa_title": title_of(voter["kode_desa"]),
               **_choices(request, e, kind)}
    if request.POST.get("langkah") != "catat":
        return _page(request, e, "response_form.html", context)
    return _record(request, e, kind, context, key=key, kode_desa=voter["kode_desa"])


@access_log.records_access("tanggapan-tambah")
def addition(request, code: str):
    """A new voter: the committee's own village, or (DPML) one of the election's."""
    e = _election_or_404(request, code)
    context = {"kind": RESPONSE_ADD, **_choices(request, e, RESPONSE_ADD)}
    if request.method != "POST":
        access_log.note(request, skip=True)  # an empty form shows nobody
        return _page(request, e, "response_form.html", context)
    scope = access.village_scope(request)
    kode_desa = scope if scope is not None else request.POST.get("desa", "")
    if kode_desa not in step.villages(workspace.current(), e.code, scope):
        access_log.note(request, skip=True)
        return _page(request, e, "response_form.html", {
            **context, "values": request.POST, "errors": {"desa": "Pilih desa pemilihan ini."}}, status=400)
    access_log.note(request, rows=1, desa=kode_desa)
    return _record(request, e, RESPONSE_ADD, context, key=None, kode_desa=kode_desa)


def _fields(kind: str, context: dict, values, errors: dict, late: bool) -> list[dict]:
    """The form's fields in order, each with its label, value, hint and error (the template
    draws them all alike: label above, the error under the field)."""
    def one(name, label, *, options=None, kind="text", hint="", required=False, inputmode=None):
        return {"name": name, "label": label, "options": options, "type": kind, "hint": hint, "required": required,
                "inputmode": inputmode, "value": values.get(name, "") if values else "", "error": errors.get(name)}
    names = FIELD_NAMES
    shown = []
    if kind == RESPONSE_REMOVE:
        moves = [c["code"] for c in context["codes"] if c["moves"]]
        shown += [one("kode", "Alasan dihapus (kode TMS)", required=True,
                      options=[("", "— pilih —"), *[(c["code"], c["label"]) for c in context["codes"]]])]
        if moves:
            shown.append(one("tps_tujuan", "TPS tujuan", inputmode="numeric",
                             hint=f"Hanya untuk {', '.join(moves)}: pemilih tetap terdaftar, dipindah ke TPS lain "
                                  "di desa yang sama."))
    elif kind == RESPONSE_CHANGE:
        shown += [one("kolom", "Data yang diperbaiki", required=True,
                      options=[("", "— pilih —"), *[(c["column"], c["label"]) for c in context["columns"]]]),
                  one("nilai_baru", "Isi yang benar", required=True,
                      hint="Tanggal ditulis HH-BB-TTTT; jenis kelamin L atau P; status perkawinan B, S atau P.")]
    else:
        if len(context["villages"]) > 1:
            shown.append(one("desa", "Desa", required=True,
                             options=[("", "— pilih —"), *[(v["kode_desa"], v["title"]) for v in context["villages"]]]))
        for column in step.NEW_VOTER_COLUMNS:
            options = context["choices"].get(column)
            shown.append(one(column, names[column], required=column in step.required_new(),
                             options=[("", "— pilih —"), *options] if options else None,
                             kind="date" if column == "tanggal_lahir" else "text",
                             inputmode="numeric" if column in ("nik", "nkk", "rt", "rw") else None))
    shown.append(one("bukti", "Bukti (dokumen yang ditunjukkan warga)", required=True,
                     hint="Misalnya: akta kematian no. ..., KTP-el, kartu keluarga, surat keterangan pindah."))
    if late:
        shown.append(one(step.SCHEDULE_FIELD, "Alasan mencatat sesudah batas tanggapan", required=True))
    return shown


def _choices(request, e, kind: str) -> dict:
    ws = workspace.current()
    if kind == RESPONSE_REMOVE:
        return {"codes": step.removal_codes(ws, e.code)}
    if kind == RESPONSE_CHANGE:
        return {"columns": step.correctable()}
    scope = access.village_scope(request)
    return {"choices": step.choices(),
            "villages": [{"kode_desa": v, "title": title_of(v)} for v in step.villages(ws, e.code, scope)]}


def _record(request, e, kind: str, context: dict, *, key: str | None, kode_desa: str):
    fields = {name: request.POST.get(name, "") for name in step.FIELDS[kind]}
    names = next((v for v in villages() if v["kode_desa"] == kode_desa), {})  # as the list spells them
    try:
        asked = step.FormRequest(e.code, kind, fields, Who(**access.who(request, REASON)), key=key,
                                 village=access.village_scope(request), kode_desa=kode_desa,
                                 schedule_reason=request.POST.get(step.SCHEDULE_FIELD, "").strip() or None,
                                 names={"desa": names.get("desa"), "kecamatan": names.get("kecamatan")})
        done = step.record(workspace.current(), asked)
    except step.FormRefused as exc:
        access_log.note(request, skip=True)  # the page shows the form again, and what was typed
        return _page(request, e, "response_form.html", {
            **context, "values": request.POST, "errors": exc.fields, "general": exc.general}, status=400)
    except Exception as exc:  # the step's or the store's refusal: its message is for the user
        if not is_refusal(exc):
            raise
        return _page(request, e, "response_form.html", {**context, "values": request.POST, "general": [str(exc)]},
                     status=400)
    request.session[RECORDED] = {"code": e.code, "kind": kind, "changed": done.changed, "lines": done.lines}
    return redirect("pilkalem_formulir_tercatat", e.code)


@access_log.records_access("tanggapan-tercatat")
def recorded(request, code: str):
    """What the last form recorded (masked), with the way back: after a redirect, so reloading
    the page never records twice."""
    e = _election_or_404(request, code)
    done = request.session.get(RECORDED)
    if not done or done.get("code") != e.code:
        access_log.note(request, skip=True)
        return redirect("pilkalem_formulir", e.code)
    access_log.note(request, rows=1)
    return _page(request, e, "response_recorded.html", {"done": done})


FORMS = only(Role.DPML, Role.PANITIA, personal_data="daftar")
routes = [
    route("pilkalem/<str:code>/tanggapan/formulir/", search, "pilkalem_formulir", FORMS),
    route("pilkalem/<str:code>/tanggapan/formulir/hapus/", removal, "pilkalem_formulir_hapus", FORMS),
    route("pilkalem/<str:code>/tanggapan/formulir/ubah/", correction, "pilkalem_formulir_ubah", FORMS),
    route("pilkalem/<str:code>/tanggapan/formulir/tambah/", addition, "pilkalem_formulir_tambah", FORMS),
    route("pilkalem/<str:code>/tanggapan/formulir/tercatat/", recorded, "pilkalem_formulir_tercatat", FORMS),
]
