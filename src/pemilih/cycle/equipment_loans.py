"""Step: equipment KPU lends the regency for a village election (pinjam pakai).

1. KPU records its register: per item, store (gudang) and condition, the quantity it holds.
2. DPML requests for an election what its villages' TPS need by the logistics per TPS of the
   election's DPT (cycle/ballots.tps_of, engine/logistics.py), less what each village
   reports it holds.
3. KPU and DPML sign the loan agreement (perjanjian pinjam pakai): items per village, the day
   they are due back; refused when KPU's register cannot cover it.
4. KPU hands the items over (berita acara serah terima), in one go or in parts, never more
   than agreed nor than the register holds in good condition less what is out.
5. Each village gives back what it borrowed (berita acara pengembalian): in good condition,
   damaged, or lost; never more than it still holds.

The rules are the domain's (domain/equipment_loans.py: lent = returned + damaged + lost +
outstanding per item and village); every step is an event (store/equipment_loans.py), every
refusal names the village, the item and the numbers. The documents are numbered by KPU
(cycle/documents.py) and signed by both agencies' signatories as the document settings name
them when the step is recorded.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from pemilih.cycle.common import StepError, Who
from pemilih.domain.equipment_loans import (
    CONDITIONS,
    GOOD,
    ITEMS,
    Returned,
    Tally,
    available,
    item_label,
    item_problem,
    lending_problems,
    quantity_problem,
    reconcile,
    return_problems,
)

LENDER, BORROWER = "KPU", "DPML"
INVENTORY_REASON = "Pencatatan inventaris perlengkapan pemilihan KPU"
REQUEST_REASON = "Permintaan pinjam pakai perlengkapan untuk pemilihan"
AGREEMENT_REASON = "Perjanjian pinjam pakai perlengkapan pemilihan"
HANDOVER_REASON = "Serah terima perlengkapan pinjam pakai"
RETURN_REASON = "Pengembalian perlengkapan pinjam pakai"
PRINT_REASON = "Cetak dokumen pinjam pakai perlengkapan"
# cycle/documents.DOCUMENT_KINDS
AGREEMENT_KIND, HANDOVER_KIND, RETURN_KIND = ("perjanjian_pinjam_pakai", "ba_serah_terima_pinjam_pakai",
                                              "ba_pengembalian_pinjam_pakai")
MAX_QUANTITY = 10**6  # far above a regency's equipment; a larger figure is a typing error


# --- reading the book -----------------------------------------------------------------------------

def book_of(ws, code: str | None = None):
    from pemilih.store import equipment_loans
    found = equipment_loans.book(ws)
    return found.of(code) if code else found


def register(book) -> dict[tuple[str, str, str], tuple[int, int]]:
    """(item, store, condition) -> (quantity, seq): the latest record of each."""
    out = {}
    for h in book.inventory:
        out[(h.data.item, h.data.store, h.data.condition)] = (h.data.quantity, h.seq)
    return out


def lent_of(book) -> dict[tuple[str, str, str], int]:
    """(election, kode_desa, item) -> quantity handed over."""
    out: dict = defaultdict(int)
    for h in book.handovers:
        for r in h.data.rows:
            out[(h.data.election, r["kode_desa"], r["item"])] += r["quantity"]
    return dict(out)


def _returned(row: dict) -> Returned:
    return Returned(row.get("good", 0), row.get("light", 0), row.get("heavy", 0), row.get("lost", 0))


def tallies(book, on: date | None = None) -> dict[tuple[str, str, str], Tally]:
    """(election, kode_desa, item) -> Tally of what was handed over and given back (by `on`)."""
    handovers = [h for h in book.handovers if on is None or h.data.day <= on]
    returns = [h for h in book.returns if on is None or h.data.day <= on]
    lent: dict = defaultdict(int)
    for h in handovers:
        for r in h.data.rows:
            lent[(h.data.election, r["kode_desa"], r["item"])] += r["quantity"]
    back = [((h.data.election, h.data.kode_desa, r["item"]), _returned(r)) for h in returns for r in h.data.rows]
    return reconcile(dict(lent), back)


def free(book) -> dict[str, int]:
    """item -> what KPU may still lend (domain/equipment_loans.available): good in the register,
    less what is out, less what came back damaged or was lost after the item's latest register
    record (the register does not know of it yet)."""
    held = register(book)
    good: dict = defaultdict(int)
    latest: dict = defaultdict(int)
    for (item, _store, condition), (quantity, seq) in held.items():
        latest[item] = max(latest[item], seq)
        if condition == GOOD:
            good[item] += quantity
    out: dict = defaultdict(int)
    for (_e, _v, item), t in tallies(book).items():
        out[item] += t.outstanding
    gone: dict = defaultdict(int)
    for h in book.returns:
        for r in h.data.rows:
            if h.seq > latest[r["item"]]:
                back = _returned(r)
                gone[r["item"]] += back.light + back.heavy + back.lost
    return {item: available(good[item], out[item], gone[item]) for item in ITEMS}


def _election(ws, code: str):
    from pemilih.store import elections
    return elections.election(ws, code)


def _village_problem(e, kode_desa: str, where: str) -> str | None:
    if kode_desa not in e.villages:
        return f"{where}: desa {kode_desa} tidak menyelenggarakan pemilihan {e.code}"
    return None


def _canonical(kode_desa: str) -> str:
    from pemilih.domain.regions import canonical_code
    return canonical_code(kode_desa) or kode_desa


def _refuse(problems: list[str]) -> None:
    if problems:
        raise StepError("; ".join(problems))


def _quantity_problem(value, where: str) -> str | None:
    found = quantity_problem(value, where)
    if found is None and value > MAX_QUANTITY:
        return f"{where}: jumlah {value} terlalu besar (salah ketik?)"
    return found


# --- 1. the register ------------------------------------------------------------------------------

@dataclass(frozen=True)
class InventoryRequest:
    item: str
    store: str
    condition: str
    quantity: int
    who: Who


def record_inventory(ws, request: InventoryRequest) -> int:
    """KPU's register of one item in one condition at one store (the latest holds)."""
    from pemilih.store import equipment_loans, events
    where = f"Inventaris {request.item} di {request.store or '?'}"
    problems = [p for p in (item_problem(request.item, where), _quantity_problem(request.quantity, where)) if p]
    if request.condition not in CONDITIONS:
        problems.append(f"{where}: kondisi '{request.condition}' tidak dikenal; pilih: {', '.join(CONDITIONS)}")
    if not (request.store or "").strip():
        problems.append(f"Inventaris {request.item}: nama gudang wajib diisi")
    if request.who.agency != LENDER:
        problems.append(f"Inventaris perlengkapan dicatat oleh {LENDER}, bukan {request.who.agency}")
    _refuse(problems)
    return equipment_loans.record(ws, events.EQUIPMENT_INVENTORY_RECORDED, events.EquipmentInventoryRecorded(
        request.item, request.store.strip(), request.condition, request.quantity), **request.who.event_args())


def inventory_rows(ws) -> list[dict]:
    """The register as it stands: barang, gudang, kondisi, jumlah (contract.LOAN_INVENTORY_HEADERS)."""
    held = register(book_of(ws))
    order = {item: i for i, item in enumerate(ITEMS)}
    cond = {c: i for i, c in enumerate(CONDITIONS)}
    keys = sorted(held, key=lambda k: (order.get(k[0], 99), k[1], cond.get(k[2], 9)))
    return [{"barang": item_label(i), "gudang": s, "kondisi": CONDITIONS[c], "jumlah": held[(i, s, c)][0]}
            for i, s, c in keys]


# --- 2. the request -------------------------------------------------------------------------------

def needs(ws, code: str) -> dict[tuple[str, str], int]:
    """(kode_desa, item) -> what the village's TPS need by the logistics per TPS of the DPT."""
    from pemilih.cycle import ballots
    from pemilih.store import elections
    e = _election(ws, code)
    if elections.latest(e, "DPT") is None:
        raise StepError(f"DPT {e.code} belum ditetapkan: kebutuhan perlengkapan dihitung dari logistik per TPS DPT")
    out: dict = defaultdict(int)
    for place in ballots.tps_of(ws, e.code):
        for item in ITEMS:
            out[(place.kode_desa, item)] += place.amounts[item]
    return dict(out)


@dataclass(frozen=True)
class LoanRequest:
    code: str
    held: dict  # (kode_desa, item) -> what the village reports it holds (missing: 0)
    who: Who


def request(ws, asked: LoanRequest) -> tuple[int, list[dict]]:
    """DPML's request: per village and item, need, held, requested (need less held, not below
    0). Returns (seq, rows)."""
    from pemilih.store import equipment_loans, events
    e = _election(ws, asked.code)
    needed = needs(ws, e.code)
    problems, held = [], {}
    for (kode, item), quantity in asked.held.items():
        kode = _canonical(kode)
        where = f"Permintaan {e.code}, desa {kode}"
        problems += [p for p in (_village_problem(e, kode, where), item_problem(item, where),
                                 _quantity_problem(quantity, f"{where}, {item_label(item)} yang dimiliki")) if p]
        held[(kode, item)] = quantity
    _refuse(problems)
    rows = []
    for (kode, item), need in sorted(needed.items(), key=lambda kv: (kv[0][0], ITEMS.index(kv[0][1]))):
        own = held.get((kode, item), 0)
        rows.append({"kode_desa": kode, "item": item, "need": need, "held": own, "requested": max(need - own, 0)})
    seq = equipment_loans.record(ws, events.LOAN_REQUESTED, events.LoanRequested(e.code, rows),
                                 **asked.who.event_args())
    return seq, rows


def latest_request(ws, code: str) -> list[dict]:
    found = book_of(ws, code).requests
    return found[-1].data.rows if found else []


# --- 3. the agreement -----------------------------------------------------------------------------

def _party(profile) -> dict:
    return {"agency": profile.agency, "name": profile.signer, "position": profile.position,
            "full_name": profile.full_name, "nip": profile.nip}


def parties(ws) -> list[dict]:
    """KPU (PIHAK PERTAMA, who lends) and DPML (PIHAK KEDUA, who borrows) as printed today."""
    from pemilih.cycle import documents
    stored, regency = documents.settings(ws), documents.regency_of(ws)
    return [_party(documents.profile(stored, agency, regency)) for agency in (LENDER, BORROWER)]


@dataclass(frozen=True)
class AgreementRequest:
    code: str
    day: date
    due: date  # the day the items are due back
    who: Who
    number: str = ""  # empty: KPU's next number (cycle/documents.py)
    quantities: dict | None = None  # (kode_desa, item) -> quantity; None: the latest request's


def _totals(quantities: dict) -> dict[str, int]:
    out: dict = defaultdict(int)
    for (_kode, item), q in quantities.items():
        out[item] += q
    return dict(out)


def agree(ws, asked: AgreementRequest) -> tuple[int, str]:
    """The loan agreement of an election; (seq, its number). A later agreement replaces an
    earlier one only while nothing has been handed over under it."""
    from pemilih.cycle import documents
    from pemilih.store import equipment_loans, events
    e = _election(ws, asked.code)
    book = book_of(ws)
    mine = book.of(e.code)
    if mine.handovers:
        raise StepError(f"Perjanjian pinjam pakai {e.code} sudah dilaksanakan (barang sudah diserahkan): "
                        "perjanjian tidak dapat diganti")
    if asked.quantities is None:
        if not mine.requests:
            raise StepError(f"Belum ada permintaan pinjam pakai untuk {e.code}: catat permintaan DPML dahulu "
                            "atau sebutkan jumlah per desa")
        wanted = {(r["kode_desa"], r["item"]): r["requested"] for r in mine.requests[-1].data.rows}
    else:
        wanted = {(_canonical(k), i): q for (k, i), q in asked.quantities.items()}
    problems = []
    for (kode, item), q in wanted.items():
        where = f"Perjanjian {e.code}, desa {kode}"
        problems += [p for p in (_village_problem(e, kode, where), item_problem(item, where),
                                 _quantity_problem(q, f"{where}, {item_label(item)}")) if p]
    if asked.due < asked.day:
        problems.append(f"Perjanjian {e.code}: tanggal pengembalian {asked.due:%d-%m-%Y} sebelum tanggal perjanjian "
                        f"{asked.day:%d-%m-%Y}")
    _refuse(problems)
    wanted = {k: q for k, q in wanted.items() if q > 0}
    if not wanted:
        raise StepError(f"Perjanjian {e.code}: tidak ada barang yang dipinjam (semua jumlah 0)")
    _refuse(lending_problems(_totals(wanted), free(book), f"Perjanjian {e.code}"))
    number = asked.number.strip() or documents.issue(ws, LENDER, AGREEMENT_KIND, asked.day, f"{e.code}/pinjam-pakai",
                                                     asked.who)
    rows = [{"kode_desa": k, "item": i, "quantity": q}
            for (k, i), q in sorted(wanted.items(), key=lambda kv: (kv[0][0], ITEMS.index(kv[0][1])))]
    seq = equipment_loans.record(ws, events.LOAN_AGREED, events.LoanAgreed(
        e.code, number, asked.day, asked.due, parties(ws), rows), **asked.who.event_args())
    return seq, number


def agreement(ws, code: str):
    """The election's agreement in force (store Held), None before one is recorded."""
    found = book_of(ws, code).agreements
    return found[-1] if found else None


# --- 4. the hand-over -----------------------------------------------------------------------------

@dataclass(frozen=True)
class HandoverRequest:
    code: str
    day: date
    place: str
    who: Who
    quantities: dict | None = None  # (kode_desa, item) -> quantity; None: all agreed not yet handed over


def to_hand_over(ws, code: str) -> dict[tuple[str, str], int]:
    """(kode_desa, item) -> agreed and not yet handed over."""
    found = agreement(ws, code)
    if found is None:
        return {}
    lent = lent_of(book_of(ws, code))
    return {(r["kode_desa"], r["item"]): r["quantity"] - lent.get((code, r["kode_desa"], r["item"]), 0)
            for r in found.data.rows}


def hand_over(ws, asked: HandoverRequest) -> tuple[int, str]:
    """Items handed over under the election's agreement, in good condition; (seq, the minutes' number)."""
    from pemilih.cycle import documents
    from pemilih.store import equipment_loans, events
    e = _election(ws, asked.code)
    found = agreement(ws, e.code)
    if found is None:
        raise StepError(f"Belum ada perjanjian pinjam pakai untuk {e.code}: barang diserahkan menurut perjanjian")
    left = to_hand_over(ws, e.code)
    wanted = left if asked.quantities is None else {(_canonical(k), i): q for (k, i), q in asked.quantities.items()}
    problems = []
    for (kode, item), q in wanted.items():
        where = f"Serah terima {e.code}, desa {kode}"
        wrong = [p for p in (_village_problem(e, kode, where), item_problem(item, where),
                             _quantity_problem(q, f"{where}, {item_label(item)}")) if p]
        if not wrong and q > left.get((kode, item), 0):
            agreed = next((r["quantity"] for r in found.data.rows if (r["kode_desa"], r["item"]) == (kode, item)), 0)
            wrong.append(f"{where}: {item_label(item)} {q} melebihi yang disepakati dan belum diserahkan "
                         f"({left.get((kode, item), 0)} dari {agreed} menurut perjanjian {found.data.number})")
        problems += wrong
    _refuse(problems)
    wanted = {k: q for k, q in wanted.items() if q > 0}
    if not wanted:
        raise StepError(f"Serah terima {e.code}: tidak ada barang yang diserahkan (semua sudah diserahkan atau 0)")
    book = book_of(ws)
    _refuse(lending_problems(_totals(wanted), free(book), f"Serah terima {e.code}"))
    n = len(book.of(e.code).handovers) + 1
    number = documents.issue(ws, LENDER, HANDOVER_KIND, asked.day, f"{e.code}/serah-terima/{n}", asked.who)
    rows = [{"kode_desa": k, "item": i, "quantity": q, "condition": GOOD}
            for (k, i), q in sorted(wanted.items(), key=lambda kv: (kv[0][0], ITEMS.index(kv[0][1])))]
    seq = equipment_loans.record(ws, events.LOAN_HANDED_OVER, events.LoanHandedOver(
        e.code, found.data.number, number, asked.day, asked.place.strip(), parties(ws), rows),
        **asked.who.event_args())
    return seq, number


# --- 5. the returns -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReturnRequest:
    code: str
    kode_desa: str
    day: date
    who: Who
    items: dict = field(default_factory=dict)  # item -> Returned


def give_back(ws, asked: ReturnRequest) -> tuple[int, str]:
    """A village's items given back; (seq, the minutes' number). Refused when more comes back
    than the village still holds of an item, naming the village, the item and the numbers."""
    from pemilih.cycle import documents
    from pemilih.store import equipment_loans, events
    e = _election(ws, asked.code)
    kode = _canonical(asked.kode_desa)
    where = f"Pengembalian {e.code}, desa {kode}"
    _refuse([p for p in (_village_problem(e, kode, where),) if p])
    held = tallies(book_of(ws, e.code))
    problems = []
    for item, back in asked.items.items():
        wrong = item_problem(item, where)
        problems += [wrong] if wrong else return_problems(held.get((e.code, kode, item), Tally()), back,
                                                          f"{where}, {item_label(item)}")
    _refuse(problems)
    rows = [{"item": i, "good": b.good, "light": b.light, "heavy": b.heavy, "lost": b.lost}
            for i, b in sorted(asked.items.items(), key=lambda kv: ITEMS.index(kv[0])) if b.total]
    if not rows:
        raise StepError(f"{where}: tidak ada barang yang dikembalikan (semua jumlah 0)")
    n = len([h for h in book_of(ws, e.code).returns if h.data.kode_desa == kode]) + 1
    number = documents.issue(ws, LENDER, RETURN_KIND, asked.day, f"{e.code}/{kode}/pengembalian/{n}", asked.who)
    seq = equipment_loans.record(ws, events.LOAN_RETURNED, events.LoanReturned(
        e.code, kode, number, asked.day, parties(ws), rows), **asked.who.event_args())
    return seq, number


# --- the report -----------------------------------------------------------------------------------

def _village_title(kode_desa: str) -> str:
    from pemilih.cycle.documents import village_of
    return village_of(kode_desa)[1]


def village_label(kode_desa: str) -> str:
    """`Lembang Limbong (73.26.01.2010)`; the code alone for a village the reference lacks."""
    title = _village_title(kode_desa)
    return kode_desa if title == kode_desa else f"{title} ({kode_desa})"


def report_rows(ws, code: str | None = None, kode_desa: str | None = None, on: date | None = None) -> list[dict]:
    """Per election, village and item: dipinjam, kembali_baik, rusak, hilang, belum_kembali
    (contract.LOAN_REPORT_HEADERS), in election, village and item order."""
    out = []
    for (e, kode, item), t in sorted(tallies(book_of(ws, code), on).items(),
                                     key=lambda kv: (kv[0][0], kv[0][1], ITEMS.index(kv[0][2]))):
        if kode_desa is not None and kode != kode_desa:
            continue
        out.append({"pemilihan": e, "kode_desa": kode, "desa": _village_title(kode), "barang": item_label(item),
                    "item": item, "dipinjam": t.lent, "kembali_baik": t.returned, "rusak": t.damaged,
                    "hilang": t.lost, "belum_kembali": t.outstanding})
    return out


def by_item(rows: list[dict]) -> list[dict]:
    """The report summed per item: barang, desa (villages with the item lent), the counts."""
    out: dict = {}
    for r in rows:
        s = out.setdefault(r["item"], {"barang": r["barang"], "item": r["item"], "desa": set(), "dipinjam": 0,
                                       "kembali_baik": 0, "rusak": 0, "hilang": 0, "belum_kembali": 0})
        s["desa"].add(r["kode_desa"])
        for k in ("dipinjam", "kembali_baik", "rusak", "hilang", "belum_kembali"):
            s[k] += r[k]
    return [{**s, "desa": len(s["desa"])} for _item, s in sorted(out.items(), key=lambda kv: ITEMS.index(kv[0]))]


def rakor_lines(ws, on: date) -> list[tuple[str, str]]:
    """A few lines on the loans for the Rakor report (label, value), as of `on`."""
    rows = report_rows(ws, on=on)
    items = by_item(rows)
    stock = free(book_of(ws))

    def per_item(key: str) -> str:
        return ", ".join(f"{s['barang']} {s[key]}" for s in items) or "-"
    owing = sorted({r["kode_desa"] for r in rows if r["belum_kembali"]})
    return [("Pinjam pakai: perlengkapan KPU tersedia (kondisi baik)",
             ", ".join(f"{item_label(i)} {stock[i]}" for i in ITEMS)),
            ("Pinjam pakai: dipinjamkan", per_item("dipinjam")),
            ("Pinjam pakai: kembali baik", per_item("kembali_baik")),
            ("Pinjam pakai: kembali rusak / hilang",
             ", ".join(f"{s['barang']} {s['rusak']} / {s['hilang']}" for s in items) or "-"),
            ("Pinjam pakai: belum kembali", f"{per_item('belum_kembali')} ({len(owing)} desa)")]
