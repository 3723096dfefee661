"""Every GET URL, as every role, with malformed values of every query parameter and path
parameter: never a server error (5xx). A bad value is a 400, a 404 or a message on the page.

The URLs are walked from web/urls.py (a new URL is covered without editing this test); the
query parameters are the ones the web code reads (found in its source, plus the ones read
through a helper), so a new parameter is covered too."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pemilih.store import settings

from webcoklit import agree

settings.ensure_configured()

from django.urls import URLPattern, URLResolver, get_resolver, reverse  # noqa: E402

from pemilih.web.roles import Role  # noqa: E402

OWN = "73.26.01.2001"
WEB = Path(__file__).resolve().parent.parent / "src" / "pemilih" / "web"

# Read through a helper: a QueryDict passed on (review filters), the pager.
HELPER_PARAMS = {"status", "kode", "desa", "skor_min", "skor_max", "hal"}

BAD_VALUES = [
    "9999-12-31", "0000-01-01", "2024-02-30", "x", "-1", "0", "9" * 40, "-" + "9" * 40,
    "1e309", "nan", "a" * 5000, "ñ€𝔘 ﷽ \u202e", "%00", "\x00", "a\x00b", "' OR 1=1 --", "<script>",
    "bulan-0000-01", "bulan-9999-12", "rentang-99991231-99991231", "rentang-00000101-20240101",
    "daftar-99999999999999999999999", "daftar--1",
]

PATH_VALUES = {
    "kode_desa": [OWN, "x", "73.26.01.9999", "9" * 300],
    "pk": [1, 2**63, 10**30],
    "code": ["PILKALEM-UJI", "x" * 300],
    "name": ["berkas.xlsx", "..", "%2e%2e%2fetc%2fpasswd", "n" * 300],
    "kecamatan": ["73.26.01", "x", "9" * 300],
    "stage": ["DPT", "x"],
    "kind": ["pdf", "x"],
    "seq": [1, 10**30],
    "sha256": ["0" * 64, "x" * 300],
}


def query_params() -> set[str]:
    found = set(HELPER_PARAMS)
    for path in WEB.rglob("*.py"):
        found |= set(re.findall(r"\b(?:GET|asked|params)\.(?:get|getlist)\(\"(\w+)\"", path.read_text(encoding="utf-8")))
    return found


def _patterns(resolver=None):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p)
        elif isinstance(p, URLPattern):
            yield p


def _module_params(pattern: URLPattern, params: set[str]) -> list[str]:
    """The parameters the module of the URL's view names (as a quoted string)."""
    import inspect
    module = inspect.getmodule(pattern.callback)
    text = Path(inspect.getsourcefile(module)).read_text(encoding="utf-8") if module else ""
    return sorted(p for p in params if f'"{p}"' in text) or sorted(params)


def urls() -> list[tuple[URLPattern, str, bool]]:
    """(pattern, URL, whether every path value in it is a real one) for every GET URL."""
    out = []
    for pattern in _patterns():
        if pattern.name == "keluar":
            continue  # signs the client out
        converters = list(pattern.pattern.converters)
        missing = [k for k in converters if k not in PATH_VALUES]
        assert not missing, f"URL {pattern.name}: no sample values for {missing}; add them to this test"
        combos = [({}, True)]
        for key in converters:
            combos = [({**c, key: v}, real and i == 0) for c, real in combos for i, v in enumerate(PATH_VALUES[key])]
        for kwargs, real in combos:
            try:
                out.append((pattern, reverse(pattern.name, kwargs=kwargs), real))
            except Exception:  # a value the converter refuses cannot be in a URL at all
                continue
    return out


@pytest.fixture
def loaded(website, maker):
    from pemilih.store.receive import import_result
    import_result(website.ws, maker.generated_kpu(40), actor="uji", agency="KPU", reason="uji")
    agree(website.ws, "1/PKS/UJI")
    return website


def _server_errors(client, url: str, params: list[str]) -> list[str]:
    errors = []
    for value in BAD_VALUES:
        query = {name: value for name in params}
        response = client.get(url, query)
        if response.status_code >= 500:
            errors.append(f"GET {url}?{'&'.join(f'{n}={value[:30]}' for n in params)}: {response.status_code}")
    # Each parameter given twice, with two different bad values.
    response = client.get(url, {name: ["9999-12-31", "x"] for name in params})
    if response.status_code >= 500:
        errors.append(f"GET {url} (repeated parameters): {response.status_code}")
    return errors


def test_the_parameters_found_include_the_dates_and_periods():
    assert {"dari", "sampai", "p", "hal", "q", "desa"} <= query_params()


@pytest.mark.parametrize("role", [None, *Role.values])
@pytest.mark.postgres
def test_no_get_url_answers_a_server_error_to_malformed_values(loaded, role):
    """Every URL with real and malformed path values; with the real ones, every parameter at
    once with each bad value, and (as the administrator, who reaches every URL) each parameter
    its view reads alone."""
    client = loaded.client(role, kode_desa=OWN if role == Role.PANITIA else "")
    params = query_params()
    errors = []
    for pattern, url, real in urls():
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(f"GET {url}: {response.status_code}")
        if not real:
            continue
        errors += _server_errors(client, url, sorted(params))
        if role == Role.ADMIN:
            for name in _module_params(pattern, params):
                errors += _server_errors(client, url, [name])
    assert errors == []


@pytest.mark.parametrize("url", ["/rekap/?sampai=9999-12-31", "/rekap/banding/?p=bulan-0000-01",
                                 "/rekap/?dari=0001-01-01", "/rekap/unduh/xlsx/?sampai=9999-12-31",
                                 "/rekap/banding/?p=rentang-00010101-99991231"])
def test_the_dates_that_gave_a_server_error_get_a_message(loaded, url):
    response = loaded.client(Role.KPU).get(url)
    assert response.status_code in (200, 400), response.status_code
    page = response.content.decode()
    assert "tidak sah" in page or "di luar rentang" in page or "Bulan tidak dikenal: 0000-01" in page


def test_a_comparison_counts_a_bounded_number_of_periods(loaded, monkeypatch):
    """135 months asked in one request: at most MAX_COLUMNS replays of the log, and a message."""
    from pemilih.web import rakor
    from pemilih.web.views.dashboard import MAX_COLUMNS
    rakor.clear_cache()
    replays = []
    real = rakor.step.replay
    monkeypatch.setattr(rakor.step, "replay", lambda *a, **k: replays.append(a[1:]) or real(*a, **k))
    months = [f"bulan-{2015 + i // 12}-{i % 12 + 1:02d}" for i in range(135)]
    response = loaded.client(Role.KPU).get("/rekap/banding/", {"p": months})
    assert response.status_code == 200
    assert 0 < len(replays) <= MAX_COLUMNS == 6
    page = response.content.decode()
    assert "Paling banyak 6 periode" in page and "129 periode lainnya tidak dihitung" in page


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2024-02-30", "x" * 300])
def test_the_forms_with_dates_answer_extreme_days_without_a_server_error(loaded, day):
    dpml, kpu = loaded.client(Role.DPML), loaded.client(Role.KPU)
    answers = {
        "pilkalem_buat": dpml.post("/pilkalem/buat/", {
            "kode": "PK99", "nama": "Uji", "rezim": "PILKALEM", "hari": day, "dps": day, "umumkan": day,
            "tanggapan": day, "dpt": day, "maks_tps": "9" * 30, "cadangan": "1e309", "cakupan": "semua",
            "alasan": "uji"}),
        "serah": dpml.post("/serah/", {"periode": "2027-Q1", "perjanjian": "1/PKS/UJI", "tanggal": day,
                                       "acuan": day, "tempat": "Rantepao"}),
        "perjanjian": kpu.post("/perjanjian/", {"number": "2/PKS/UJI", "purpose": "Coklit", "legal_basis": "UU",
                                                "valid_from": day, "valid_to": day, "retention": "3 bulan",
                                                "title": "PKS", "villages": "*"}),
    }
    assert {name: r.status_code for name, r in answers.items() if r.status_code >= 500} == {}


def test_a_nul_in_the_url_is_a_400(loaded):
    """PostgreSQL cannot hold a NUL in text: asked for one, it answered a server error."""
    client = loaded.client(Role.KPU)
    for url, query in (("/pemilih/", {"q": "a\x00b"}), ("/tinjau/", {"kode": "\x00"}), ("/rekap/", {"x\x00": "1"})):
        response = client.get(url, query)
        assert response.status_code == 400 and "NUL" in response.content.decode(), url


def test_the_audit_page_answers_a_day_out_of_range_with_a_message(loaded):
    response = loaded.client(Role.ADMIN).get("/audit/", {"sampai": "9999-12-31"})
    assert response.status_code == 200 and "di luar rentang 1900-2199" in response.content.decode()
