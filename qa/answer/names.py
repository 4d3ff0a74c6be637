"""Names a question uses that its corpus never mentions, allowing for misspelling.

"How many hectares of soybeans does Argentina grow?" asked of a report on Peru names
Argentina, which the report never mentions: strong evidence that the answer is not in
these documents, whatever the nearest sentence scores. Each word of the question's names
(qa.answer.question) counts alone: it is absent when none of its terms (qa.index.lexical)
occurs in the corpus and no corpus term is spelled like it (same first letter, length
within two, a difflib similarity of at least ``SPELLING``), so "Ghandi" still finds
"Gandhi". A name written otherwise ("Superbowl" for "Super Bowl") still reads as absent,
so an absent name lowers the confidence (qa.answer.confidence) rather than refusing
(how often each set names one: docs/decisions.md, "Absent names").
"""

from __future__ import annotations

import difflib

from qa.answer.question import Question
from qa.index.lexical import analyze
from qa.index.version import IndexVersion

SPELLING = 0.75  # difflib ratio from which a corpus term counts as the same word misspelt
SPREAD = 2  # length difference allowed between a name and a corpus term spelled like it


def name_words(question: Question) -> list[str]:
    """The words of the question's names, in order."""
    return [word for name in question.names for word in name]


def absent_names(question: Question, reader: IndexVersion, unseen: set[str]) -> list[str]:
    """The name words of ``question`` the corpus of ``reader`` holds in no spelling;
    ``unseen`` are the question's terms that occur nowhere in it (qa.index.store idf)."""
    out = []
    for word in name_words(question):
        terms = analyze(word)
        if terms and all(t in unseen and not _spelled_like(t, reader) for t in terms):
            out.append(word)
    return out


def _spelled_like(term: str, reader: IndexVersion) -> bool:
    if not term.isalpha():
        return False  # numbers and codes: no spelling to be forgiven
    return any(
        difflib.SequenceMatcher(None, term, other).ratio() >= SPELLING
        for other in reader.terms_like(term, SPREAD)
    )
