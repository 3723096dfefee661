"""The agencies that hold and exchange the lists: every event names the one that acted."""
from __future__ import annotations

# Code (as written on events and in files) -> name.
AGENCIES = {
    "KPU": "Komisi Pemilihan Umum",
    "DPML": "Dinas Pemberdayaan Masyarakat Lembang",
    "PANITIA": "Panitia pemilihan lembang",
    "DISDUKCAPIL": "Dinas Kependudukan dan Pencatatan Sipil",
    "PUBLIK": "Masyarakat",
}
# The two parties of the data-sharing agreement the cycle rests on.
PROVIDER, RECIPIENT = "KPU", "DPML"
# Agencies that can sign a data-sharing agreement (the public is no party to one).
PARTIES = [code for code in AGENCIES if code != "PUBLIK"]
# Whose agreement with KPU (the list's owner) an agency's access to personal data rests on: a
# village committee works under DPML's; Disdukcapil needs its own. An agreement with one agency
# unlocks nothing for another. KPU needs none for its own list; the public never gets any.
AGREEMENT_PARTY = {"DPML": "DPML", "PANITIA": "DPML", "DISDUKCAPIL": "DISDUKCAPIL"}
