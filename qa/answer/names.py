"""Names a question uses that its corpus never mentions, allowing for misspelling.

"How many hectares of soybeans does Argentina grow?" asked of a report on Peru names
Argentina, which the report never mentions: strong evidence that the answer is not in
these documents, whatever the nearest sentence scores. A name is a capitalised word after
the question's first word; it is absent when none of its terms (qa.index.lexical) occurs
in the corpus and no corpus term is spelled like it (same first letter, length within
two, a difflib similarity of at least ``SPELLING``), so "Ghandi" still finds "Gandhi".

Measured (docs/decisions.md, "Absent names"): with that allowance, 19 of the 36 out-of-corpus
questions name an absent word, none of the 58 article questions, 1 of WikiQA dev's 318
(unanswerable) and 3 of XQuAD dev's 612, all answerable ("Superbowl" for "Super Bowl",
and names their paragraph does not use); without it, 9 of XQuAD's and 8 of WikiQA's.
"""

from __future__ import annotations

import difflib
import re

from qa.index.lexical import analyze
from qa.index.version import IndexVersion

NAME = re.compile(r"\b[A-Z][\w'’-]*")
SPELLING = 0.75  # difflib ratio from which a corpus term counts as the same word misspelt
SPREAD = 2  # length difference allowed between a name and a corpus term spelled like it


def names(question: str) -> list[str]:
    """Capitalised words after the first word (which is capitalised anyway)."""
    words = NAME.findall(question)
    if words and question.startswith(words[0]):
        words = words[1:]
    return words


def absent_names(question: str, reader: IndexVersion, unseen: set[str]) -> list[str]:
    """The names in ``question`` the corpus of ``reader`` holds in no spelling; ``unseen``
    are the question's terms that occur nowhere in it (qa.index.store idf)."""
    out = []
    for word in names(question):
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
