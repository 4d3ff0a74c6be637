"""Questions that ask what an acronym stands for, and the sentences that spell one out.

"What does PIAS stand for?" is answered by the sentence that writes the words out beside
the acronym in parentheses ("... riverboats (Plataformas Itinerantes de Acción Social –
PIAS) ..."), not by the many sentences that merely use it. Embeddings and word overlap
both favour the latter, so the ranker gets this as a feature of its own.
"""

from __future__ import annotations

import re

_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}[A-Z]?\.?|\b[A-Z][A-Z0-9&]*[A-Z](?=s?\b)")
_ASKS_MEANING = re.compile(
    r"\bstands?\s+for\b|\bmeans?\b|\bmeaning\b|\babbreviat|\bacronym\b|"
    r"^\s*(?:what|who)\s+(?:is|are|was|were)\s+(?:the\s+|an?\s+)?(?:[A-Z]\.){2,}|"
    r"^\s*(?:what|who)\s+(?:is|are|was|were)\s+(?:the\s+|an?\s+)?[A-Z][A-Z0-9&]*[A-Z]s?\s*\??\s*$",
    re.IGNORECASE,
)


def asked_acronyms(question: str) -> tuple[str, ...]:
    """The acronyms a question asks the meaning of; empty for any other question."""
    if not _ASKS_MEANING.search(question):
        return ()
    found = [m.group(0).rstrip(".") for m in _ACRONYM.finditer(question)]
    return tuple(dict.fromkeys(a for a in found if sum(ch.isupper() for ch in a) >= 2))


def spells_out(sentence: str, acronyms: tuple[str, ...]) -> bool:
    """The sentence puts one of the acronyms beside a parenthesis: "words (ABC)",
    "(words – ABC)" or "ABC (words)"."""
    for acronym in acronyms:
        a = re.escape(acronym)
        if re.search(rf"\([^()]*\b{a}s?\b[^()]*\)|\b{a}s?\s*\(", sentence):
            return True
    return False
