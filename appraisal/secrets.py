"""Passwords and link tokens: only their hashes are ever stored."""

import hashlib
import hmac
import secrets

# scrypt with n=2**14, r=8, p=1: about 16 MB and 50 ms per check, stdlib only.
_N, _R, _P = 2**14, 8, 1
# Longer passwords are refused, so no request can make hashing arbitrarily long.
PASSWORD_MAX = 256


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(candidate.hex(), digest)


def new_token() -> str:
    """A link token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    # Tokens carry 256 bits of entropy, so a plain SHA-256 is enough to make the stored value
    # useless to whoever reads the database.
    return hashlib.sha256(token.encode()).hexdigest()
