"""Human codes: device prefix + counter + check digit, unique without coordination.

A card reads `KMT-042-6`. The prefix letters are the ones that look alike in Latin
and Cyrillic (A B C E H K M P T X), so a code can be typed on either keyboard
layout and read aloud; the check digit is Damm's, which catches every single
wrong digit and every swap of two neighbours.
"""

from __future__ import annotations

import functools
import re
import secrets

PREFIX_LETTERS = "ABCEHKMPTX"
_CYRILLIC = str.maketrans("АВСЕНКМРТХавсенкмртх", "ABCEHKMPTXABCEHKMPTX")

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm(digits: str) -> int:
    """Damm check digit of a string of decimal digits."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


def _digits(prefix: str, counter: int) -> str:
    # The check covers the counter as the card shows it, zero padding included, so a
    # slip in a padding zero (KMT-042 read as KMT-142) is caught like any other.
    return "".join(str(PREFIX_LETTERS.index(c)) for c in prefix) + f"{counter:03d}"


def new_prefix() -> str:
    """A random three-letter device prefix (1,000 possibilities; the hub checks clashes)."""
    return "".join(secrets.choice(PREFIX_LETTERS) for _ in range(3))


@functools.lru_cache(maxsize=64)
def _after_prefix(prefix: str) -> int:
    """Damm's interim digit after a prefix's digits: the check of a code goes on from there."""
    return damm("".join(str(PREFIX_LETTERS.index(c)) for c in prefix))


def make_code(prefix: str, counter: int) -> str:
    """The code for the `counter`-th record made on the device with `prefix`."""
    number = f"{counter:03d}"
    interim = _after_prefix(prefix)  # the same as damm(_digits(prefix, counter)), a code per record
    for ch in number:
        interim = _DAMM[interim][ord(ch) - 48]
    return f"{prefix}-{number}-{interim}"


@functools.lru_cache(maxsize=65536)
def normalise_code(text: str) -> str | None:
    """The canonical code for what a person typed, or None if it is not a valid code.

    Accepts lower case, Cyrillic look-alike letters, spaces or no dashes:
    `кмт 42 6`, `KMT0426`, `kmt-042-6` all give `KMT-042-6`.
    """
    raw = "".join(ch for ch in text.translate(_CYRILLIC).upper() if ch.isalnum())
    if len(raw) < 5 or not all(c in PREFIX_LETTERS for c in raw[:3]) or not raw[3:].isdigit():
        return None
    prefix, number, check = raw[:3], raw[3:-1], raw[-1]
    if not number or (len(number) > 3 and number[0] == "0"):
        return None  # padding may be left out, but a card never shows more zeros than three digits need
    counter = int(number)
    if damm(_digits(prefix, counter)) != int(check):
        return None
    return make_code(prefix, counter)


_WRITTEN = re.compile(f"([{PREFIX_LETTERS}]{{3}})-([0-9]{{3,}})-[0-9]\\Z")


def is_canonical(text: str) -> bool:
    """True when `text` is a valid code exactly as the app writes it (`normalise_code(text) == text`),
    found without normalising: codes that come from the app itself (the desk's buttons, the
    API, the demo) skip the typed-code path."""
    m = _WRITTEN.match(text)
    return m is not None and make_code(m[1], int(m[2])) == text


@functools.lru_cache(maxsize=65536)
def looks_like_code(text: str) -> bool:
    """True when `text` has the shape of a code (three prefix letters then digits)."""
    raw = "".join(ch for ch in text.translate(_CYRILLIC).upper() if ch.isalnum())
    return len(raw) >= 5 and all(c in PREFIX_LETTERS for c in raw[:3]) and raw[3:].isdigit()


def near_codes(text: str) -> list[str]:
    """The valid codes one typed digit away from `text`, a code-shaped text whose check fails:
    the check digit itself, or one digit of the number, mistyped or misread. [] if it is valid
    or not code-shaped. Damm's check makes every single-digit slip land here."""
    if not looks_like_code(text) or normalise_code(text) is not None:
        return []
    raw = "".join(ch for ch in text.translate(_CYRILLIC).upper() if ch.isalnum())
    prefix, digits = raw[:3], raw[3:]
    found: set[str] = set()
    for i in range(len(digits)):
        for d in "0123456789":
            if d != digits[i]:
                code = normalise_code(prefix + digits[:i] + d + digits[i + 1:])
                if code is not None:
                    found.add(code)
    return sorted(found)
