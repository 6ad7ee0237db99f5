"""Encryption of secret settings at rest: Fernet, keyed from SOCIALPIPE_SECRET_KEY.

SOCIALPIPE_SECRET_KEY holds one or more Fernet keys separated by commas. The first
encrypts; every one of them decrypts (MultiFernet), so a key is rotated by putting the
new key first, re-encrypting (`socialpipe settings rotate-secrets`), then dropping the
old one. A stored secret is the Fernet token of the value's JSON text, kept in
setting_value as a JSON string. No message here contains a key or a plaintext.
"""

import json
import os
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from resources.settings.errors import SecretKeyError

KEY_ENV = "SOCIALPIPE_SECRET_KEY"
MASK = "•••• (encrypted)"
GENERATE_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; '
    'print(Fernet.generate_key().decode())"'
)


def cipher(environ: Mapping[str, str] | None = None) -> MultiFernet:
    """The keys in SOCIALPIPE_SECRET_KEY, first one primary."""
    env = os.environ if environ is None else environ
    entries = [part.strip() for part in env.get(KEY_ENV, "").split(",") if part.strip()]
    if not entries:
        raise SecretKeyError(
            f"{KEY_ENV} is not set; secrets cannot be encrypted or read; {GENERATE_HINT}"
        )
    keys = []
    for position, entry in enumerate(entries, start=1):
        try:
            keys.append(Fernet(entry))
        except (ValueError, TypeError):
            # the entry itself is never echoed: it may be a real key with a typo
            raise SecretKeyError(
                f"{KEY_ENV} entry {position} of {len(entries)} is not a Fernet key "
                f"(32 url-safe base64-encoded bytes); {GENERATE_HINT}"
            ) from None
    return MultiFernet(keys)


def encrypt(value: object, environ: Mapping[str, str] | None = None) -> str:
    return cipher(environ).encrypt(json.dumps(value).encode()).decode("ascii")


def decrypt(token: object, name: str, environ: Mapping[str, str] | None = None) -> object:
    """The value a token holds; `name` ("category/key") is only for the message."""
    keys = cipher(environ)
    if not isinstance(token, str):
        raise SecretKeyError(f"{name} is marked encrypted but its stored value is not a token")
    try:
        return json.loads(keys.decrypt(token.encode("ascii")))
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretKeyError(
            f"{name} cannot be decrypted with {KEY_ENV}: not the key it was encrypted with "
            "(after a rotation, list the old key after the new one, comma-separated)"
        ) from None


def rotate(token: object, name: str, environ: Mapping[str, str] | None = None) -> str:
    """The token re-encrypted under the first key (any listed key may have made it)."""
    keys = cipher(environ)
    if not isinstance(token, str):
        raise SecretKeyError(f"{name} is marked encrypted but its stored value is not a token")
    try:
        return keys.rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretKeyError(
            f"{name} cannot be decrypted with any key in {KEY_ENV}; it was left as it was"
        ) from None
