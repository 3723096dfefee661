"""Every URL, as every role: allowed or denied exactly as its rule says (table-driven).

The table is the rules in pemilih.web.access (one per URL name); this test fails when a URL has
no rule, and checks each rule's verdict on the running application for anonymous visitors and
each role, plus the village scope: a committee is refused every URL of another village."""
from __future__ import annotations

import pytest

from pemilih.store import settings

from webcoklit import agree

settings.ensure_configured()  # the roles are Django choices, needed to build the parameters

from django.urls import URLPattern, URLResolver, get_resolver  # noqa: E402

from pemilih.web.access import RULES  # noqa: E402
from pemilih.web.roles import Role  # noqa: E402

pytestmark = pytest.mark.postgres

OWN, OTHER = "73.26.01.2001", "73.26.01.2002"


def _patterns(resolver=None, prefix=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield p, prefix + str(p.pattern)


def _url(pattern: URLPattern, kode_desa: str) -> str:
    from django.urls import reverse
    samples = {"kode_desa": kode_desa, "pk": 1, "code": "PILKALEM-UJI", "name": "berkas.xlsx",
               "kecamatan": "73.26.01", "stage": "DPT", "kind": "pdf", "seq": 1, "sha256": "0" * 64}
    kwargs = {}
    for key in pattern.pattern.converters:
        if key not in samples:
            pytest.fail(f"URL {pattern.name}: no sample value for <{key}>; add one to this test")
        kwargs[key] = samples[key]
    return reverse(pattern.name, kwargs=kwargs)


def test_every_url_has_an_access_rule():
    names = [p.name for p, _ in _patterns()]
    assert None not in names, "a URL without a name cannot have a rule"
    assert sorted(n for n in names if n not in RULES) == []
    assert len(names) == len(set(names))


def _denied(response) -> bool:
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response["Location"].startswith("/?next=")


@pytest.fixture
def loaded(website, maker):
    from pemilih.store.receive import import_result
    import_result(website.ws, maker.generated_kpu(40), actor="uji", agency="KPU", reason="uji")
    agree(website.ws, "1/PKS/UJI")
    agree(website.ws, "2/PKS/UJI", recipient="DISDUKCAPIL")  # Disdukcapil's own (DPML's unlocks nothing for it)
    return website


@pytest.mark.parametrize("role", [None, *Role.values])
def test_each_role_reaches_exactly_what_its_rules_allow(loaded, role):
    client = loaded.client(role, kode_desa=OWN if role == Role.PANITIA else "")
    wrong = []
    # Signing out last: it ends the session the other requests need.
    for pattern, _ in sorted(_patterns(), key=lambda p: p[0].name == "keluar"):
        rule = RULES[pattern.name]
        url = _url(pattern, OWN)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            expected_denied = not rule.allows(role)
            if _denied(response) != expected_denied:
                wrong.append(f"{method.upper()} {url} as {role}: {response.status_code}, "
                             f"expected {'denied' if expected_denied else 'allowed'}")
            assert response.status_code < 500, f"{method.upper()} {url} as {role}: {response.status_code}"
    assert wrong == []


def test_a_committee_never_reaches_another_village(loaded):
    client = loaded.client(Role.PANITIA, kode_desa=OWN)
    village_urls = [p for p, _ in _patterns() if "kode_desa" in p.pattern.converters]
    for pattern in village_urls:
        url = _url(pattern, OTHER)
        for method in ("get", "post"):
            assert getattr(client, method)(url).status_code == 403, f"{method.upper()} {url}"


def test_a_committee_without_a_village_sees_no_voter(loaded):
    from pemilih.web.models import Account
    client = loaded.client(Role.PANITIA, kode_desa=OWN)
    Account.objects.filter(role=Role.PANITIA).update(kode_desa="")
    page = client.get("/pemilih/").content.decode()
    assert "PEMILIH 0" not in page and "LEMBANG" not in page.split("<table")[1]
