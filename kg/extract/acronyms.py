"""Acronym definitions: "Defence Policy and Planning (DPP)" and "DPP (Defence Policy and Planning)".

Pure functions on strings, after Schwartz & Hearst's algorithm for
abbreviations in text: each letter of the short form is found in the long
form from right to left, and the first one must open a word.
"""

from __future__ import annotations

import re

_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&/.-]{0,9}$")
_UPPER_COUNT = re.compile(r"[A-Z]")


def looks_like_acronym(text: str) -> bool:
    """"DPP", "SCs", "NMAs", "SOFCOM": mostly capitals, short, one word."""
    text = text.strip()
    if not _ACRONYM.match(text) or " " in text:
        return False
    uppers = len(_UPPER_COUNT.findall(text))
    return uppers >= 2 and uppers >= len(text) - 2


def strip_plural(acronym: str) -> str:
    """"SCs" -> "SC", "NMAs" -> "NMA"; the plural s of an acronym is not a letter of the name."""
    return acronym[:-1] if len(acronym) > 2 and acronym.endswith("s") and acronym[:-1].isupper() else acronym


def matches_long_form(short: str, long: str) -> bool:
    """Whether ``short`` abbreviates ``long`` (case-insensitive, Schwartz & Hearst)."""
    letters = [c.lower() for c in strip_plural(short) if c.isalnum()]
    text = long.lower()
    if not letters or not text:
        return False
    s_index, l_index = len(letters) - 1, len(text) - 1
    while s_index >= 0:
        char = letters[s_index]
        while l_index >= 0 and (
            text[l_index] != char or (s_index == 0 and l_index > 0 and text[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return False
        l_index -= 1
        s_index -= 1
    return True


def initials(name: str) -> str:
    """The capital initials of a name's words: "Resilience Committee" -> "RC"."""
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", name) if w[0].isupper())
