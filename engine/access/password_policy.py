"""Password rules for every path that sets a password: length, not the username, not a well-known password."""
from __future__ import annotations

MIN_LENGTH = 12
# Lower-cased; the top of public leak lists plus the obvious German and product-specific choices of length >= 12.
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123456123456", "111111111111", "000000000000",
    "password1234", "password12345", "passwort1234", "passwort12345", "passwort123!", "password123!",
    "qwertzuiop12", "qwertyuiop12", "qwertz123456", "qwerty123456", "hallo1234567", "hallohallo12",
    "geheim123456", "geheimgeheim", "sommer2025!!", "sommer202520", "winter2025!!", "willkommen12",
    "willkommen123", "willkommen2025", "willkommen2026", "integraflow1", "integraflow123", "integraflow2026",
    "iloveyou1234", "letmein12345", "administrator", "admin1234567", "adminadmin12", "changeme1234",
    "passwortpasswort", "passwordpassword", "abcdefghijkl", "abcdef123456", "1q2w3e4r5t6y", "asdfghjklö12",
})


def password_problem(password: str, username: str = "") -> str | None:
    """The German reason a password is not acceptable, or None when it passes the policy."""
    password = password or ""
    lowered, name = password.lower(), (username or "").strip().lower()
    if len(password) < MIN_LENGTH:
        return f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein."
    # Very short usernames would forbid too much as substrings; those must merely not be the whole password.
    if name and (lowered == name or (len(name) >= 4 and name in lowered)):
        return "Das Passwort darf den Benutzernamen nicht enthalten."
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return "Dieses Passwort ist zu leicht zu erraten. Bitte ein anderes wählen."
    return None
