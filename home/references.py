"""References and tokens for what citizens send: a short reference they can read out on the
phone and a long secret token for their private status link."""

import secrets

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A short reference citizens can read out on the phone, e.g. ``K7QX-2M9P``."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def new_token() -> str:
    """A secret for a private link: 32 URL-safe characters that cannot be guessed."""
    return secrets.token_urlsafe(24)
