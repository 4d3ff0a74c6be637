"""Names a question uses that the quoted document mentions only far from the quote.

"How many hectares of coca did Colombia have in 2019?" finds "Peru had a total of 72,000
hectares of coca under cultivation in 2019": the report names Colombia, but paragraphs
away, so the quote is about another country. One of the question's names
(qa.answer.question: "Prince Antoni", "United States") is near the quote when any of its
words, or the initials of a name of several words ("U.S."), occurs in the quote's
paragraph, ``NEAR`` sentences either side, or the title, allowing for one word opening
the other ("Colombian" is near "Colombia"). It is misplaced when it is not near
and the document holds each of its missing words elsewhere: a name the document never
mentions says nothing here (a paragraph on Gandhi need not say "India").

Not counted, because the text near a right answer often says them otherwise:
acronyms ("UMC" for "United Methodist Church"), months and weekdays, nationality words
("French", "Americans"), stop and number words written with a capital ("Two"), and the
lower-case part of a compound ("Apple-produced" is "Apple"). A question in capitals has
no names to tell. Measured in bench/misplaced_names.py.
"""

from __future__ import annotations

import bisect
import re

from qa.answer.question import Question
from qa.index.lexical import ORDINALS, STOPWORDS, analyze, term_set
from qa.index.version import IndexVersion
from qa.models import Sentence

NEAR = 2  # sentences either side of the quote that count as near it
PREFIX = 4  # "Colombian" is near "Colombia", "Peruvian" near "Peru": one opens the other
NATIONALITY = re.compile(r"(?:ish|ese|ian|ean|ican|ch)s?$")
CALENDAR_AND_NUMBERS = """january february march april may june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday two three
    four five six seven eight nine ten hundred thousand million""".split()
NOT_NAMES = STOPWORDS | set(ORDINALS) | set(CALENDAR_AND_NUMBERS)


def counted_names(question: Question) -> list[list[str]]:
    """The question's names, each a list of its words, without the words not counted
    (see the module's docstring)."""
    runs = []
    for name in question.names:
        kept = [w for w in (_capitalised_part(w) for w in name) if _is_name(w)]
        if kept:
            runs.append(kept)
    return runs


def misplaced_names(question: Question, reader: IndexVersion, row: int) -> list[str]:
    """The names in ``question`` that the document of sentence ``row`` holds only far from
    it (see the module's docstring)."""
    if not question.cased:
        return []
    runs = [r for r in counted_names(question) if any(_terms(w) for w in r)]
    if not runs:
        return []
    sentence = reader.sentences[row]
    document = reader.documents[sentence.document_id]
    rows = reader.sentence_rows(sentence.document_id)
    at = bisect.bisect_left(rows, row)
    texts = [document.title, _paragraph(document.text, sentence)]
    texts += [reader.sentences[r].text for r in rows[max(0, at - NEAR) : at + NEAR + 1]]
    near: frozenset[str] = frozenset().union(*(term_set(t) for t in texts))
    far = [r for r in runs if not _run_near(r, near, texts)]
    if not far:
        return []
    whole = term_set(document.text)  # read only for the rare question naming something far
    return [
        " ".join(run)
        for run in far
        if all(t in whole for w in run for t in _terms(w) if not _term_near(t, near))
    ]


def _capitalised_part(word: str) -> str:
    """The word's capitalised parts, without a possessive: "Apple-produced" is "Apple",
    "Ecuador's" is "Ecuador", "African-Americans" stays whole."""
    parts = [p for p in word.split("-") if p[:1].isupper()]
    return re.sub(r"['’]s$", "", "-".join(parts))


def _is_name(word: str) -> bool:
    if not word or (word.isupper() and len(word) > 1):  # an acronym
        return False
    lowered = word.lower()
    return lowered not in NOT_NAMES and not NATIONALITY.search(lowered)


def _terms(word: str) -> list[str]:
    return [t for t in analyze(word) if len(t) >= 3]


def _run_near(run: list[str], near: frozenset[str], texts: list[str]) -> bool:
    if any(_term_near(t, near) for w in run for t in _terms(w)):
        return True
    if len(run) < 2:
        return False
    initials = r"\.?".join(w[0] for w in run)  # "United States" is near "U.S." and "US"
    return any(re.search(rf"\b{initials}\.?(?!\w)", t) for t in texts)


def _term_near(term: str, near: frozenset[str]) -> bool:
    """``term`` or a word it opens, or that opens it, from ``PREFIX`` letters up."""
    if term in near:
        return True
    if len(term) < PREFIX or not term.isalpha():
        return False
    return any(
        len(other) >= PREFIX and (other.startswith(term) or term.startswith(other))
        for other in near
    )


def _paragraph(text: str, sentence: Sentence) -> str:
    start = text.rfind("\n\n", 0, sentence.start)
    end = text.find("\n\n", sentence.end)
    return text[start + 2 if start >= 0 else 0 : end if end >= 0 else len(text)]
