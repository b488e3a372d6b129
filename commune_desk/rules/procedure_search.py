"""Which procedure the clerk means: "khai sinh" + Enter must land on «Đăng ký khai sinh», not on
«Cấp bản sao … Giấy khai sinh». Pure: the store passes the catalog and this office's recent use."""

import re
from collections.abc import Iterable, Mapping

from commune_desk.rules.text import fold

# a name's opening verb; "khai sinh" opens «Đăng ký khai sinh» once the verb is set aside
VERBS = ("lien thong dien tu:", "dang ky", "cap", "chung thuc")

EXACT, OPENS, PHRASE, WORDS = range(4)


def _core(name: str) -> str:
    for verb in VERBS:
        if name.startswith(verb + " "):
            return name[len(verb) + 1:]
    return name


def match_tier(query: str, name_folded: str, code: str = "", field: str = "",
               national_code: str = "") -> int | None:
    """How well the folded query names this procedure; None when some word is missing.

    EXACT: the name is the phrase (with or without its verb); OPENS: the whole phrase opens the
    name or follows its verb; PHRASE: the whole phrase stands somewhere in the name; WORDS: every
    word is there, scattered (or in the code or field)."""
    phrase = " ".join(fold(query).split())
    if not phrase:
        return WORDS
    name = name_folded
    if phrase in (code.lower(), (national_code or "").lower()):
        return EXACT
    core = _core(name)
    if phrase in (name, core):
        return EXACT
    if name.startswith(phrase + " ") or core.startswith(phrase + " ") or core.startswith(phrase + ","):
        return OPENS
    if f" {phrase} " in f" {name} " or f" {phrase}," in f" {name} ":
        return PHRASE
    hay = " ".join([name, code.lower(), (national_code or "").lower(), fold(field)])
    if all(word in hay for word in phrase.split()):
        return WORDS
    return None


def _head(name: str) -> str:
    """The name without its parenthesised or after-semicolon qualifications."""
    return re.split(r"[(;]", name, maxsplit=1)[0].strip()


def rank(query: str, procedures: Iterable, recent_use: Mapping[str, int]) -> list:
    """Best first: match tier, then how often this office used it lately, then the shorter name
    (its qualifications in brackets aside)."""
    scored = []
    for p in procedures:
        tier = match_tier(query, p.name_folded, p.id, p.field, p.national_code or "")
        if tier is not None:
            scored.append(((tier, -recent_use.get(p.id, 0), len(_head(p.name_folded)), p.name_folded), p))
    scored.sort(key=lambda pair: pair[0])
    return [p for _key, p in scored]
