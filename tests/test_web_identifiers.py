"""No NIK in a URL, and no transfer of personal data from a plain link.

- The voter search finds a NIK only through a POST form (a NIK in `/pemilih/?q=` would stay in
  the browser's history, the server's access log and the Referer of the next request).
- A coklit workbook download records a transfer event: it is a POST with the CSRF token, so a
  link or an image on another site cannot fill the audit log."""
from __future__ import annotations

from pemilih.web.roles import Role

from webcoklit import NIKS, A, agree, receive


def _site(website, maker):
    receive(website.ws, maker)
    agree(website.ws)
    return website


def _events() -> int:
    from pemilih.store.models import Event
    return Event.objects.count()


def test_the_voter_search_form_is_a_post(website, maker):
    site = _site(website, maker)
    page = site.client(Role.KPU).get("/pemilih/").content.decode()
    form = page.split('class="filters"')[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form
    assert "csrfmiddlewaretoken" in page.split('class="filters"')[1].split("</form>")[0]


def test_a_nik_in_the_url_finds_nobody_a_nik_posted_finds_the_voter(website, maker):
    site = _site(website, maker)
    client = site.client(Role.KPU)
    nik = NIKS[A][0]  # MARKUS TANDI
    in_url = client.get("/pemilih/", {"q": nik}).content.decode()
    assert "NIK dicari lewat formulir pencarian" in in_url
    assert nik not in in_url
    posted = client.post("/pemilih/", {"q": nik})
    assert posted.status_code == 200
    page = posted.content.decode()
    assert "MARKUS TANDI" in page and "NE&#x27; RANTE" not in page and "NE' RANTE" not in page
    assert nik not in page  # shown masked, and not put back into the search box


def test_a_name_posted_is_sent_on_to_a_page_that_can_be_paged(website, maker):
    site = _site(website, maker)
    client = site.client(Role.KPU)
    posted = client.post("/pemilih/", {"q": "markus", "desa": A})
    assert posted.status_code == 302
    assert posted["Location"] == f"/pemilih/?desa={A}&q=markus"
    page = client.get(posted["Location"]).content.decode()
    assert "MARKUS TANDI" in page and "YOHANIS" not in page


def test_the_voter_search_needs_the_csrf_token(website, maker):
    from django.test import Client
    site = _site(website, maker)
    account = site.client(Role.KPU, username="kpu-csrf")  # makes the account
    assert account is not None
    from django.contrib.auth.models import User
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.get(username="kpu-csrf"))
    assert strict.post("/pemilih/", {"q": NIKS[A][0]}).status_code == 403


def test_a_plain_get_of_a_coklit_download_records_nothing(website, maker):
    site = _site(website, maker)
    dpml = site.client(Role.DPML)
    before = _events()
    response = dpml.get(f"/coklit/{A}/unduh/")
    assert response.status_code == 405
    assert _events() == before
    page = dpml.get("/coklit/").content.decode()
    assert f'<form method="post" action="/coklit/{A}/unduh/"' in page
    assert f'href="/coklit/{A}/unduh/' not in page


def test_a_coklit_download_without_the_csrf_token_is_refused(website, maker):
    from django.contrib.auth.models import User
    from django.test import Client
    site = _site(website, maker)
    site.client(Role.DPML, username="dpml-csrf")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.get(username="dpml-csrf"))
    before = _events()
    assert strict.post(f"/coklit/{A}/unduh/").status_code == 403
    assert _events() == before
    # With the page's token it goes out, and the transfer is recorded.
    page = strict.get("/coklit/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = strict.post(f"/coklit/{A}/unduh/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]  # personal data: no cache keeps a copy
    assert _events() == before + 1


NEW_NIK = "7326014101060004"  # a new voter added by a committee's response, keyed baru:<NIK>


def test_a_new_voters_key_shows_no_nik_on_any_page(website, maker):
    """Every GET URL of tests/test_web_malformed.py's walk, as every role: a new voter's key
    (`baru:<NIK>` as stored in the log) never shows her full NIK, on a page or in a link."""
    from test_web_malformed import urls

    from pemilih.store import changes, events
    site = _site(website, maker)
    new = changes.new_voter_row(changes.new_voter_key(NEW_NIK), 1000,
                                {"nik": NEW_NIK, "nama": "LINA SAMPE", "kode_desa": A, "tps": "001"})
    changes.record(events.RESPONSE_RECORDED, [changes.add(new, "Tanggapan")], actor="Panitia", agency="PANITIA",
                   reason="Tanggapan masyarakat")
    shown = []
    for role in Role.values:
        client = site.client(role, kode_desa=A if role == Role.PANITIA else "")
        for _pattern, url, real in urls():
            if not real or "/unduh/" in url:
                continue
            response = client.get(url, {"desa": A, "q": "LINA"})
            if response.get("Content-Disposition", "").startswith("attachment"):
                continue  # a file under the agreement (its NIK column is the full NIK by design)
            body = response.content.decode(errors="replace")
            if "LINA SAMPE" in body and role in (Role.KPU, Role.DPML):
                shown.append(url)
            assert NEW_NIK not in body, f"{url} as {role}"
            assert NEW_NIK not in response.get("Location", ""), f"{url} as {role}"
    assert "/pemilih/" in shown  # she is listed: the pages did show her


def test_a_job_output_is_a_post_with_the_csrf_token(website, maker):
    from django.contrib.auth.models import User
    from django.test import Client

    from pemilih.web import jobs
    from pemilih.web.models import Job
    site = _site(website, maker)
    site.client(Role.DPML, username="dpml-job")
    user = User.objects.get(username="dpml-job")
    job = Job.objects.create(kind="uji", status=Job.DONE, files=["daftar.csv"], user=user,
                             params={"personal_data": True})
    (jobs.output_dir(job) / "daftar.csv").write_text("nama\nLINA\n", encoding="utf-8")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    url = f"/pekerjaan/{job.pk}/unduh/daftar.csv"
    assert strict.get(url).status_code == 405
    assert strict.post(url).status_code == 403  # no token
    page = strict.get(f"/pekerjaan/{job.pk}/").content.decode()
    assert f'<form method="post" action="{url}"' in page and f'href="{url}"' not in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = strict.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"nama\nLINA\n"
    assert "no-store" in response["Cache-Control"]
