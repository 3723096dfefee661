"""Ed25519 signatures of the hand-back package (formats.md section 5), with `cryptography`.

A workspace's signing key is a PEM file (PKCS#8, unencrypted) in the workspace folder, owner
only (0600), made on first use. It is a file, not a database row: the database is what is
shared, copied and backed up (and may be an office PostgreSQL server other people administer),
and a signing key must not travel with it; the event log never holds it either.

A public key is named by its fingerprint: the SHA-256 of its 32 raw bytes, in hexadecimal,
printed in groups of eight (`grouped`). A public key is exchanged as one line of text: its raw
bytes in base64 (`public_text`), or a PEM file; `public_key_from` reads either.
"""
from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"


class SigningError(Exception):
    """A key or signature that cannot be read or used; the message says why (Bahasa Indonesia)."""


def load_or_create(path: Path) -> Ed25519PrivateKey:
    """The private key at `path`, made (owner-only, 0600) when there is none."""
    path = Path(path)
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        return key
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError):
        raise SigningError(f"Kunci tanda tangan {path.name} rusak atau bukan kunci PEM") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"Kunci tanda tangan {path.name} bukan kunci {ALGORITHM}")
    return key


def raw_public(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_text(key) -> str:
    return base64.b64encode(raw_public(key)).decode("ascii")


def public_pem(key) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def fingerprint(key) -> str:
    """SHA-256 of the raw public key, 64 hexadecimal digits."""
    return hashlib.sha256(raw_public(key)).hexdigest()


def grouped(hex_text: str) -> str:
    """A hash or fingerprint in groups of 8 (`1a2b3c4d 5e6f...`), as the minutes print it: easy
    to compare by eye, and never 16 decimal digits in a row (which would look like a NIK)."""
    text = normalised(hex_text)
    return " ".join(text[i:i + 8] for i in range(0, len(text), 8))


def normalised(hex_text: str) -> str:
    """A hash as typed or printed (spaces, colons, upper case) as 64 lower-case digits."""
    return "".join(c for c in str(hex_text or "").lower() if c in "0123456789abcdef")


def public_key_from(text: str | bytes) -> Ed25519PublicKey:
    """A public key from a PEM block or one line of base64 (the raw 32 bytes)."""
    data = text.encode("ascii", "ignore") if isinstance(text, str) else bytes(text)
    try:
        if b"BEGIN" in data:
            key = serialization.load_pem_public_key(data)
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(data.strip(), validate=True))
    except (ValueError, TypeError):
        raise SigningError("Kunci publik tidak dapat dibaca (harus PEM atau satu baris base64 "
                           "kunci Ed25519)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(f"Kunci publik bukan kunci {ALGORITHM}")
    return key


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The signature file's content: base64 of the 64-byte signature, one line."""
    return base64.b64encode(key.sign(data)) + b"\n"


def verify(public: Ed25519PublicKey, data: bytes, signature_file: bytes) -> bool:
    try:
        signature = base64.b64decode(signature_file.strip(), validate=True)
        public.verify(signature, data)
    except (ValueError, InvalidSignature):
        return False
    return True
