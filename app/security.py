"""Passwords, random tokens, signed cookies and the password policy."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from functools import lru_cache

from itsdangerous import BadSignature, Signer
from pwdlib import PasswordHash
from zxcvbn import zxcvbn

from app.i18n import Msg

PRODUCTION_HASHER = PasswordHash.recommended()  # Argon2id with pwdlib's current parameters
_hasher = PRODUCTION_HASHER

# Words that make a password guessable here whatever its length (added to zxcvbn's lists).
LOCAL_WORDS = ["quangninh", "halong", "pressdesk", "ubnd", "matkhau", "phatngon", "baochi"]
MIN_STRENGTH = 3  # zxcvbn score 0-4


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher.verify(password, password_hash)


def use_hasher(hasher: PasswordHash) -> None:
    """Hash new passwords with `hasher`. Only the test suite calls this, with a cheap Argon2 cost;
    hashes keep their parameters, so verifying works whichever hasher made them."""
    global _hasher
    _hasher = hasher
    dummy_hash.cache_clear()


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so timing reveals nothing."""
    return _hasher.hash(secrets.token_urlsafe(16))


def password_problem(password: str, *, min_length: int, user_inputs: list[str]) -> Msg | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < min_length:
        return Msg("Use at least %(n)s characters.", {"n": min_length})
    if len(password) > 256:
        return Msg("Use at most 256 characters.")
    # The person's own email and name, whole and in parts, make a password guessable too.
    personal = {
        part
        for item in user_inputs
        for part in (item.lower(), *re.split(r"\W+", item.lower()))
        if len(part) > 2
    }
    result = zxcvbn(password[:100], user_inputs=[*LOCAL_WORDS, *sorted(personal)])
    common = any(
        m.get("dictionary_name") == "passwords" and len(m.get("token", "")) >= len(password) - 4
        for m in result["sequence"]
    )
    if common or result["score"] < MIN_STRENGTH:
        return Msg(
            "This password is too common or too easy to guess. "
            "Try a few unrelated words, or a longer phrase."
        )
    return None


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """What the database keeps of a session token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class CookieSigner:
    """Signs cookie values with SECRET_KEY so a tampered cookie is refused before any lookup."""

    def __init__(self, secret: str, salt: str) -> None:
        self._signer = Signer(secret, salt=salt)

    def sign(self, value: str) -> str:
        return self._signer.sign(value).decode()

    def unsign(self, signed: str | None) -> str | None:
        if not signed:
            return None
        try:
            return self._signer.unsign(signed).decode()
        except BadSignature:
            return None
