"""The secret key file of an encoded registry extract (docs/registry-encoding.md): a header
line naming the format, then the 32 key bytes in base64 on one line.

Only the text is made and read here; the file itself is created by cycle/registry_encode.py,
owner-only and never over an existing one.
"""
from __future__ import annotations

import base64
import binascii
import secrets

from pemilih.contract import KEY_BYTES, KEY_FILE_HEADER

MAX_KEY_FILE = 4096  # bytes: a key file is two short lines; anything longer is not one


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def key_text(key: bytes) -> str:
    return f"{KEY_FILE_HEADER}\n{base64.b64encode(key).decode('ascii')}\n"


def parse_key(text: str, name: str) -> bytes:
    """The key in a key file's text; ValueError (Bahasa Indonesia, naming the file) when it is not one."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) != 2 or lines[0] != KEY_FILE_HEADER:
        raise ValueError(f"{name} bukan berkas kunci enkode (baris pertama harus '{KEY_FILE_HEADER}'); "
                         "buat dengan 'pemilih registry key --out BERKAS'")
    try:
        key = base64.b64decode(lines[1], validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError(f"{name}: isi kunci rusak (harus {KEY_BYTES} bita dalam base64)")
    return key
