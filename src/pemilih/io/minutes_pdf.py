"""The berita acara (hand-over minutes) of the hand-back package (formats.md section 5).

Title and number; the opening sentence with the day and date written out in words, as
official minutes do; the parties; a table of the counts handed over; the SHA-256 of the
package's manifest in full, in a monospaced font, so anyone can check the files against
it; notes; a signature block per party.

Nothing in it may look like a NIK: free text passes through domain/masking's
mask_digits_in_text (imported as scrub), the hash is printed in groups of 8 characters (see
grouped_hash), counts are small.
The page count is known only after laying everything out, so the minutes are laid out
twice: once to count pages, once to draw with `Halaman i dari n`.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.document_flow import (
    Flow,
    counts_table,
    heading,
    letterhead,
    opening,
    party,
    party_name,
    signatures,
    write_document,
)
from pemilih.io.pdf_common import BOLD, MONO
from pemilih.io.signing import grouped

__all__ = ["grouped_hash", "opening", "party_name", "write_minutes"]


def write_minutes(path, *, title: str, number: str, place: str, day: date, parties: list[dict],
                  counts: list[tuple], manifest_sha256: str, notes: list[str],
                  signer_fingerprint: str | None = None, letterhead_of: tuple[str, ...] | None = None) -> Path:
    """Write the minutes to path (A4 portrait); returns the path. Each party is a dict with
    name, role and agency, and optionally position (jabatan) and nip; each row of `counts` is
    (label, total) or (label, men, women, total) (then the table has L and P columns);
    `signer_fingerprint`: the fingerprint of the key that signs the
    package (io/signing.py), printed under the manifest hash; `letterhead_of`: the issuing
    agency's full name and the lines under it, printed as the letterhead."""
    content = dict(title=title, number=number, place=place, day=day, parties=parties, counts=counts,
                   manifest_sha256=manifest_sha256, notes=notes, signer_fingerprint=signer_fingerprint,
                   letterhead_of=letterhead_of)
    return write_document(path, title, lambda flow: _lay_out(flow, **content), note=f"Nomor {number}")


def grouped_hash(sha256: str) -> str:
    """The hash in groups of 8, as fingerprints are printed: easier to compare by eye, and a
    hex string can hold 16 decimal digits in a row (about one hash in a hundred), which
    printed whole would look like a NIK."""
    text = (sha256 or "").strip().lower()
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise ValueError("manifest_sha256 harus 64 karakter heksadesimal")
    return grouped(text)


def _lay_out(flow: Flow, *, title, number, place, day, parties, counts, manifest_sha256, notes,
             signer_fingerprint=None, letterhead_of=None) -> None:
    if letterhead_of:
        letterhead(flow, letterhead_of[0], tuple(letterhead_of[1:]))
    heading(flow, title, number)
    flow.paragraph(opening(day, place))
    for i, who in enumerate(parties):
        party(flow, i, who)
    flow.gap()
    flow.paragraph("Para pihak telah melakukan serah terima paket data pemilih hasil pemutakhiran "
                   "dengan rincian sebagai berikut:")
    counts_table(flow, counts)
    flow.gap()
    flow.paragraph("Keutuhan paket dapat diperiksa dengan sidik manifest (manifest_sha256 dalam "
                   "manifest.json: SHA-256 manifest sebelum berita acara ini dicantumkan) berikut "
                   "(64 karakter, ditulis per 8 karakter):")
    flow.line(grouped_hash(manifest_sha256), font=MONO, size=9.5, indent=12)
    if signer_fingerprint:
        flow.paragraph("Manifest ditandatangani secara elektronik (Ed25519, manifest.sig) dengan kunci "
                       "yang sidik kunci publiknya (SHA-256) sebagai berikut:")
        flow.line(grouped_hash(signer_fingerprint), font=MONO, size=9.5, indent=12)
    if notes:
        flow.gap()
        flow.line("Catatan:", font=BOLD)
        for note in notes:
            flow.bullet(scrub(note))
    flow.gap()
    flow.paragraph("Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan "
                   "sebagaimana mestinya.")
    signatures(flow, parties)
