"""Step: this workspace's signing key and the public keys of other agencies.

DPML's workspace signs its hand-back packages with its own key (made on first use, kept in
the workspace folder, owner only); KPU registers DPML's public key once and applies only
packages that key signed (cycle/apply.py). See io/signing.py and store/keys.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pemilih.cycle.common import StepError, Who


@dataclass(frozen=True)
class OwnKey:
    public_key: str  # base64 of the raw 32 bytes: what the other agency registers
    public_pem: str
    fingerprint: str
    grouped: str  # the fingerprint as the minutes print it
    path: Path  # the private key file (0600)


def own(ws) -> OwnKey:
    from pemilih.io import signing
    from pemilih.store import keys
    key = keys.own_key(ws)
    fp = signing.fingerprint(key)
    return OwnKey(signing.public_text(key), signing.public_pem(key), fp, signing.grouped(fp),
                  Path(ws.path) / keys.KEY_FILE)


@dataclass(frozen=True)
class RegisterRequest:
    agency: str
    public_key: str  # PEM or base64, as pasted or read from the file
    who: Who

    def __post_init__(self):
        if not (self.public_key or "").strip():
            raise StepError("Kunci publik wajib diisi (tempel teksnya atau sebut berkasnya)")


@dataclass(frozen=True)
class RegisteredKey:
    agency: str
    fingerprint: str
    grouped: str
    seq: int


def register(ws, request: RegisterRequest) -> RegisteredKey:
    from pemilih.io import signing
    from pemilih.store import keys
    made = keys.register(ws, request.agency, request.public_key, actor=request.who.actor,
                         agency_of_actor=request.who.agency, reason=request.who.reason)
    return RegisteredKey(made.agency, made.fingerprint, signing.grouped(made.fingerprint), made.seq)


def listing(ws) -> list[RegisteredKey]:
    from pemilih.io import signing
    from pemilih.store import keys
    return [RegisteredKey(k.agency, k.fingerprint, signing.grouped(k.fingerprint), k.seq) for k in keys.registered(ws)]


def grouped(hex_text: str) -> str:
    from pemilih.io import signing
    return signing.grouped(hex_text)
