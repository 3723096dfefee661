"""Verification against the civil registry, and the review queue of its findings.

`verifikasi/` runs the verify step (cycle/verify.py, as `pemilih verify`: the current list
against the latest registry extract received) as a job, which writes findings.csv/.xlsx for
download and loads them as proposals (the review step). `tinjau/` lists the proposals with
filters, one line per proposal (code and its meaning, village, name, masked NIK, status, the
reason's first words) opened on demand (<details>, no script) onto the per-field evidence of
the link side by side and a form to accept or reject that one proposal with a reason
(cycle/review.py); ticked lines are decided together; `tinjau/batal/` undoes a decision. Fifty
expanded cards made a page 17,000 px tall; fifty lines fit a desktop screen or two.

A page of 50 must answer fast with tens of thousands of proposals: the filters (status
included: the verdict of a proposal's latest decision not undone, as store/review.py defines
it) select ids from an in-memory index rebuilt when the event log moves (web/review_index.py);
`queue()` is the same selection in SQL, the reference the index is tested against.
"""
from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from pemilih.cycle.common import DEFAULT_LEGAL_BASIS as LEGAL_BASIS
from pemilih.cycle.common import StepError, Who, is_refusal, thousands
from pemilih.domain.masking import digit_difference, mask_digits_in_text, mask_field, mask_id
from pemilih.web import access, access_log, jobs, review_index, tasks, village_options, workspace
from pemilih.web.access import only, route
from pemilih.web.roles import Role
from pemilih.web.villages import title_of, villages

PAGE = 50  # proposals per page, one line each; bulk decisions take the whole filter
SHORT_REASON = 70  # characters of the reason on a proposal's line (the whole of it when opened)
STATUSES = {"terbuka": "Terbuka", "diterima": "Diterima", "ditolak": "Ditolak"}
VERDICT_STATUS = {"accept": "diterima", "reject": "ditolak"}
HISTORY = 15
# Side by side: (label, list column, registry column); registry-only columns live in payload.
EVIDENCE_FIELDS = [
    ("NIK", "nik", "nik"), ("NKK", "nkk", "nkk"), ("NAMA", "nama", "nama"),
    ("TEMPAT LAHIR", "tempat_lahir", "tempat_lahir"), ("TANGGAL LAHIR", "tanggal_lahir", "tanggal_lahir"),
    ("JENIS KELAMIN", "jenis_kelamin", "jenis_kelamin"), ("STATUS PERKAWINAN", "status_kawin", "status_kawin"),
    ("ALAMAT", "alamat", "alamat"), ("RT", "rt", "rt"), ("RW", "rw", "rw"),
    ("KODE DESA", "kode_desa", "kode_wilayah"),
]
REGISTRY_EXTRA = ["status", "pekerjaan", "tgl_mati", "tgl_pindah", "kode_wilayah_tujuan", "tgl_datang"]


# --- verification -------------------------------------------------------------------------------

def latest_registry():
    from pemilih.contract import KIND_REGISTRY
    from pemilih.store.receive import latest_batch
    return latest_batch(workspace.current(), KIND_REGISTRY)


def _defaults() -> dict:
    """The form's defaults: the latest election's dates and regime, else today's date."""
    from pemilih.cycle.verify import default_regime
    from pemilih.store.elections import latest_election
    election = latest_election(workspace.current())
    if election is None:
        return {"hari": timezone.localdate().isoformat(), "dps": "", "rezim": default_regime(None)}
    return {"hari": election.voting_day.isoformat(), "dps": election.dps_set_on.isoformat(),
            "rezim": election.regime}


def _verify_form(data) -> tuple[dict, str | None]:
    """The verification parameters from the form, or the reason they cannot be used (the
    verify step's own checks and defaults: its request is made here and thrown away)."""
    from pemilih.cycle.verify import VerifyRequest
    values = {k: (data.get(k) or "").strip() for k in ("hari", "dps", "rezim")}
    try:
        on = date.fromisoformat(values["hari"])
        dps = date.fromisoformat(values["dps"]) if values["dps"] else None
    except ValueError:
        return values, "Tanggal harus ditulis lengkap (TTTT-BB-HH)."
    try:
        asked = VerifyRequest(on=on, out_dir="", dps_set_on=dps, regime=values["rezim"] or None)
    except StepError as exc:
        return values, str(exc)
    return {"hari": on.isoformat(), "dps": dps.isoformat() if dps else "", "rezim": asked.regime}, None


def verification(request):
    from pemilih.domain.codes import regimes
    from pemilih.store.models import Proposal, Voter
    batch = latest_registry()
    values, error = _defaults(), None
    if request.method == "POST":
        values, error = _verify_form(request.POST)
        if error is None and batch is None:
            error = "Belum ada ekstrak Disdukcapil yang diterima; unggah ekstraknya lebih dulu."
        if error is None:
            who = access.who(request, "Verifikasi daftar pemilih terhadap data Disdukcapil")
            job = jobs.enqueue(request, tasks.VERIFY, {
                **values, "batch": batch.pk, "who": {**who, "legal_basis": LEGAL_BASIS},
                "personal_data": "temuan", "next_url": reverse("tinjau")})
            return redirect("pekerjaan", job.pk)
    return render(request, "web/review/verification.html", {
        "batch": batch, "files": list(batch.files.order_by("name").values_list("name", flat=True)) if batch else [],
        "voters": Voter.objects.count(), "proposals": Proposal.objects.count(),
        "values": values, "error": error, "regimes": regimes()})


# --- the review queue ---------------------------------------------------------------------------

def standing(rows):
    """`rows` (Proposals) with `verdict` and `decided_by`: their standing decision, i.e. the
    latest decision not undone (store/review.py's rule); both null for an open proposal."""
    from pemilih.store.models import Event, ReviewDecision
    undone = Event.objects.filter(undoes_id=OuterRef("event_id"))
    latest = (ReviewDecision.objects.filter(finding_key=OuterRef("finding_key"))
              .filter(~Exists(undone)).order_by("-event_id"))
    return rows.annotate(verdict=Subquery(latest.values("verdict")[:1]),
                         decided_by=Subquery(latest.values("event_id")[:1]))


def queue(code=None, kode_desa=None, score_min=None, score_max=None, status=None):
    """The Proposals the filters select, in list order, filtered in SQL (the status through
    the standing decision only when asked for: a correlated subquery per row costs)."""
    from pemilih.store.models import Proposal
    rows = Proposal.objects.all()
    if code:
        rows = rows.filter(code=code)
    if kode_desa:
        rows = rows.filter(kode_desa=kode_desa)
    if score_min is not None:
        rows = rows.filter(score__gte=score_min)
    if score_max is not None:
        rows = rows.filter(score__lte=score_max)
    if status == "terbuka":  # open: no decision that stands (is not undone)
        rows = rows.exclude(finding_key__in=_standing_keys())
    elif status in ("diterima", "ditolak"):
        verdict = {"diterima": "accept", "ditolak": "reject"}[status]
        # The key set narrows cheaply (one uncorrelated subquery); the standing verdict is
        # then checked on those few rows only, by the same rule as store/review.py.
        rows = standing(rows.filter(finding_key__in=_standing_keys(verdict))).filter(verdict=verdict)
    return rows.order_by("id")


def _standing_keys(verdict: str | None = None):
    """finding_keys with a decision (of this verdict) that was not undone: a subquery."""
    from pemilih.store.models import Event, ReviewDecision
    rows = ReviewDecision.objects.filter(~Exists(Event.objects.filter(undoes_id=OuterRef("event_id"))))
    if verdict:
        rows = rows.filter(verdict=verdict)
    return rows.values("finding_key")


def _score(text: str | None) -> float | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def filters_of(params) -> dict:
    """The queue's filters from a query string; status 'terbuka' unless asked otherwise."""
    status = params.get("status", "terbuka")
    return {"code": params.get("kode") or None, "kode_desa": params.get("desa") or None,
            "score_min": _score(params.get("skor_min")), "score_max": _score(params.get("skor_max")),
            "status": status if status in STATUSES else None}


@access_log.records_access("antrean-tinjau")
def review_queue(request):
    return _queue_page(request, request.GET)


def _queue_page(request, params, error: str | None = None, checked=(), reason: str = "", status: int = 200):
    from pemilih.store.models import Proposal
    f = filters_of(params)
    scope = access.village_scope(request)  # committees do not review; narrowed all the same
    if scope:
        f["kode_desa"] = scope
    # Page over ids first (from the in-memory index, see web/review_index.py), then read the
    # page's 50 rows with their status and evidence.
    page = Paginator(review_index.ids(**f), PAGE).get_page(params.get("hal"))
    shown = standing(Proposal.objects.filter(id__in=page.object_list.to_list())).order_by("id").values(
        "id", "finding_key", "code", "source_ref", "field", "current", "proposed", "registry_nik",
        "duplicate_of", "score", "reason", "evidence", "kode_desa", "verdict", "decided_by")
    names = {v["kode_desa"]: v["desa"] for v in villages()}
    rows = _with_evidence(list(shown), names, _regime())
    access_log.note(request, rows=len(rows), desa=f.get("kode_desa"), kode=f.get("code"), halaman=page.number)
    codes = review_index.codes()
    desa = review_index.villages()
    query = params.copy() if isinstance(params, QueryDict) else QueryDict(mutable=True)
    query.pop("hal", None)
    return render(request, "web/review/queue.html", {
        "page": page, "rows": rows, "codes": codes, "statuses": STATUSES,
        "village_options": village_options.options(
            "tinjau", lambda: [(k, f"{k} {names.get(k, '')}") for k in desa], f.get("kode_desa")),
        "f": {**f, "skor_min": params.get("skor_min", ""), "skor_max": params.get("skor_max", ""),
              "status_raw": params.get("status", "terbuka")},
        "filtered": any(f[k] is not None for k in ("code", "kode_desa", "score_min", "score_max")),
        "query": query.urlencode(), "error": error, "checked": set(checked), "reason": reason,
        # a decision refused for one proposal (its own form) reopens that proposal's line
        "opened": set(checked) if error and len(checked) == 1 else set(),
        "history": _history()}, status=status)


def _regime() -> str:
    from pemilih.cycle.common import working_regime
    return working_regime(workspace.current())


def meaning(code: str, regime: str) -> str:
    """A finding's code in words, as the verification minutes say it (cycle.review.code_meaning):
    its code table's label, else (a data-quality code such as NIK-NOT-FOUND or
    LINK-UNCERTAIN) the problem it names."""
    from pemilih.cycle.review import code_meaning
    return code_meaning(code, regime)


def slip_of(row: dict, voter: dict | None) -> str:
    """A NIK/NKK typing slip between what the list holds and what the registry says
    (domain/masking.digit_difference: the position and digits only), or ""."""
    if _is_id_field(row["field"]) and row["current"] and row["proposed"]:
        return digit_difference(row["current"], row["proposed"]) or ""
    listed = (voter or {}).get("nik") or (row["current"] if _is_id_field(row["field"]) else "")
    return digit_difference(listed, row["registry_nik"]) or ""


def _is_id_field(field: str | None) -> bool:
    return (field or "").strip().upper() in ("NIK", "NKK")


def _with_evidence(rows: list[dict], names: dict, regime: str) -> list[dict]:
    """Each proposal with its line (code's meaning, name, masked NIK, short reason) and its list
    record and registry record side by side."""
    from pemilih.store.models import SourceRecord, Voter
    keys = [r["source_ref"] for r in rows if r["source_ref"]]
    listed = {v["key"]: v for v in Voter.objects.filter(key__in=keys).values(
        "key", *{c for _, c, _ in EVIDENCE_FIELDS})}
    niks = {r["registry_nik"] for r in rows if r["registry_nik"]}
    registry = {}
    shared = [c for _, _, c in EVIDENCE_FIELDS if c != "kode_wilayah"]
    for rec in (SourceRecord.objects.filter(nik__in=niks, batch__kind="registry").order_by("id")
                .values(*shared, "payload")):
        payload = rec.pop("payload") or {}
        if isinstance(payload, str):
            payload = json.loads(payload)
        registry[rec["nik"]] = {**rec, **{k: payload.get(k) for k in ["kode_wilayah", *REGISTRY_EXTRA]}}
    titles: dict[str, str] = {}  # a village as a person names it, once per village of the page
    for r in rows:
        r["status"] = VERDICT_STATUS.get(r["verdict"], "terbuka")
        r["desa"] = names.get(r["kode_desa"], "")
        r["score_text"] = "" if r["score"] is None else f"{r['score']:.2f}".replace(".", ",")
        # Every value as `pemilih review daftar` prints it (domain/masking.mask_field).
        r["current_shown"] = mask_field(r["field"], r["current"])
        r["proposed_shown"] = mask_field(r["field"], r["proposed"])
        person = registry.get(r["registry_nik"] or "")
        voter = listed.get(r["source_ref"])
        r["meaning"] = meaning(r["code"], regime)
        if r["kode_desa"] and r["kode_desa"] not in titles:
            titles[r["kode_desa"]] = title_of(r["kode_desa"])
        r["village"] = titles.get(r["kode_desa"] or "", "-")
        r["name"] = (voter or person or {}).get("nama") or ""
        r["nik_shown"] = mask_id((voter or {}).get("nik") or r["registry_nik"]) or "-"
        r["slip"] = slip_of(r, voter)
        # A slip is what the reviewer must see on the closed line: it leads the short reason.
        short = (f"{r['field'] or 'NIK'} beda {r['slip']}" if r["slip"]
                 else mask_digits_in_text(r["reason"]).split("; ")[0])
        r["short_reason"] = short if len(short) <= SHORT_REASON else short[:SHORT_REASON - 1].rstrip() + "…"
        r["side"] = _rows_html(_side_by_side(voter, person))
        r["note"] = _note(r["source_ref"], r["source_ref"] in listed, person)
        r["how"] = _how_linked(r["evidence"], bool(r["registry_nik"]))
        for text in ("reason", "duplicate_of", "source_ref"):  # as shown: a new voter's key holds a NIK
            r[text] = mask_digits_in_text(r[text])
    return rows


def _note(source_ref: str, in_list: bool, person: dict | None) -> tuple[str, str] | None:
    """What the two columns lack, said above them (a new voter has no list row yet)."""
    left = "" if in_list else ("tidak ada lagi di daftar saat ini" if source_ref else "belum ada di daftar")
    right = "tidak ada rekaman" if person is None else ""
    return (left, right) if left or right else None


def _side_by_side(voter: dict | None, person: dict | None) -> list[dict]:
    """One row per field: the list's value, the registry's value, and whether they differ;
    then what only the registry says (death, move, occupation, status)."""
    out = []
    for label, list_col, reg_col in EVIDENCE_FIELDS:
        left = (voter or {}).get(list_col)
        right = (person or {}).get(reg_col)
        differs = (voter is not None and person is not None
                   and (left or "").strip().upper() != (right or "").strip().upper())
        shown = [mask_field(label, value) or "-" for value in (left, right)]
        # masked, two NIKs a digit apart look the same: the slip is said beside them
        slip = digit_difference(left, right) if differs and label in ("NIK", "NKK") else None
        out.append({"label": label, "list": shown[0], "registry": shown[1], "differs": differs,
                    "slip": slip or ""})
    for column in REGISTRY_EXTRA:
        if person and person.get(column):
            out.append({"label": column.upper().replace("_", " "), "list": "",
                        "registry": mask_field(column, person[column]), "differs": False, "slip": ""})
    return out


def _rows_html(side: list[dict]):
    """The side-by-side rows as HTML: built here rather than in the template because the
    queue renders about a thousand of them per page and must answer fast (values escaped)."""
    return format_html_join("", '<tr class="{}"><td>{}</td><td>{}</td><td>{}</td></tr>', (
        ("warn" if s["differs"] else "",
         format_html('{}<br><span class="slip">{}</span>', s["label"], s["slip"]) if s["slip"] else s["label"],
         s["list"], s["registry"]) for s in side))


def _how_linked(evidence: str, has_registry: bool) -> dict:
    """The link's evidence as the page shows it: method, score and each field's level/weight."""
    if not evidence:
        return {"method": "NIK sama persis" if has_registry else "", "fields": ""}
    try:
        doc = json.loads(evidence)
    except ValueError:
        return {"method": evidence, "fields": ""}
    fields = format_html_join("", '<tr><td>{}</td><td>{}</td><td class="num {}">{}</td></tr>', (
        (f.get("field"), f.get("level"), "ok" if (f.get("weight") or 0) > 0 else "warn",
         "" if f.get("weight") is None else f"{f['weight']:+.2f}".replace(".", ",")) for f in doc.get("fields", [])))
    score = doc.get("score")
    return {"method": f"pencocokan {doc.get('method', 'probabilistik')}"
            + ("" if score is None else f", skor {score:.4f}".replace(".", ",")), "fields": fields}


def _history() -> list[dict]:
    """Recent decision events, newest first, with whether (and by what) each was undone.

    The events' payloads are not read: a decision over a whole code holds tens of thousands of
    changes, and parsing them for a table of counts cost most of the page. The counts come
    from the decision rows instead (one per proposal decided)."""
    from django.db.models import Count

    from pemilih.store.events import label
    from pemilih.store.models import Event, ReviewDecision
    from pemilih.store.projection import REVIEW_ACCEPTED, REVIEW_REJECTED, REVIEW_UNDONE
    kinds = [REVIEW_ACCEPTED, REVIEW_REJECTED, REVIEW_UNDONE]
    events = list(Event.objects.filter(kind__in=kinds).defer("payload").order_by("-seq")[:HISTORY])
    seqs = [e.seq for e in events]
    undone = dict(Event.objects.filter(undoes__in=seqs).values_list("undoes_id", "seq"))
    decided = dict(ReviewDecision.objects.filter(event_id__in=seqs).values("event_id")
                   .annotate(n=Count("id")).values_list("event_id", "n"))
    return [{"seq": e.seq, "label": label(e.kind), "kind": e.kind, "actor": e.actor, "agency": e.agency,
             "when": e.happened_at, "reason": e.reason, "proposals": decided.get(e.seq),
             "undoes": e.undoes_id, "undone_by": undone.get(e.seq),
             "can_undo": e.kind != REVIEW_UNDONE and e.seq not in undone} for e in events]


def _back(query: str) -> str:
    return reverse("tinjau") + (f"?{query}" if query else "")


@access_log.records_access("antrean-tinjau")
def decide(request):
    """Accept or reject the proposals ticked (or every open one the filters select)."""
    from pemilih.cycle import review
    if request.method != "POST":
        return redirect("tinjau")
    p = request.POST
    query = p.get("saringan", "")
    params = QueryDict(query)
    keys = tuple(k for k in p.getlist("kunci") if k)
    reason = (p.get("alasan") or "").strip()
    verdict = p.get("putusan")
    error = None
    if verdict not in ("terima", "tolak"):
        error = "Pilih keputusan: terima atau tolak."
    elif not reason:
        error = "Alasan keputusan wajib diisi; tidak ada yang diputuskan."
    elif not keys and p.get("lingkup") != "saringan":
        error = "Pilih temuan yang diputuskan (centang barisnya)."
    if error is None:
        if p.get("lingkup") == "saringan":
            f = filters_of(params)
            selection = review.selection(code=f["code"], kode_desa=f["kode_desa"], score_min=f["score_min"],
                                         score_max=f["score_max"])
        else:
            selection = review.selection(keys=keys)
        try:
            asked = review.DecideRequest(verdict, selection, _reviewer(request, reason))
            out = review.decide(workspace.current(), asked)
        except Exception as exc:
            if not is_refusal(exc):
                raise
            error = str(exc)
    if error is not None:
        return _queue_page(request, params, error=error, checked=keys, reason=reason)
    label = "diterima" if verdict == "terima" else "ditolak"
    text = (f"{thousands(out.decided)} usulan {label} (peristiwa #{out.event_seq}); "
            f"{thousands(out.changed)} perubahan pada daftar.")
    if out.skipped:
        text += f" {thousands(len(out.skipped))} tanpa perubahan daftar: " + "; ".join(out.skipped[:5])
    messages.success(request, text)
    return redirect(_back(query))


def _reviewer(request, reason: str) -> Who:
    return Who(**access.who(request, reason), legal_basis=LEGAL_BASIS)


@access_log.records_access("antrean-tinjau")
def undo(request):
    from pemilih.cycle import review
    if request.method != "POST":
        return redirect("tinjau")
    p = request.POST
    back = _back(p.get("saringan", ""))
    reason = (p.get("alasan") or "").strip()
    try:
        seq = int(p.get("peristiwa", ""))
    except ValueError:
        messages.error(request, "Pilih keputusan yang dibatalkan.")
        return redirect(back)
    if not reason:
        messages.error(request, f"Alasan pembatalan keputusan #{seq} wajib diisi; tidak ada yang dibatalkan.")
        return redirect(back)
    try:
        new = review.undo(workspace.current(), review.UndoRequest(seq, _reviewer(request, reason)))
    except Exception as exc:
        if not is_refusal(exc):
            raise
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, f"Keputusan #{seq} dibatalkan (peristiwa #{new}).")
    return redirect(back)


REVIEWERS = only(Role.DISDUKCAPIL, Role.DPML, personal_data="temuan")
routes = [
    route("verifikasi/", verification, "verifikasi", only(Role.DISDUKCAPIL, personal_data="temuan")),
    route("tinjau/", review_queue, "tinjau", REVIEWERS),
    route("tinjau/putus/", decide, "tinjau_putus", REVIEWERS),
    route("tinjau/batal/", undo, "tinjau_batal", REVIEWERS),
]
