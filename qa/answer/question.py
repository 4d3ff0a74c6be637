"""A question as every stage of an answer reads it, analysed once per ask.

The retriever reads its vector and terms, the ranker its vector, idf weights and the
acronyms it asks about, the name checks (qa.answer.names, qa.answer.misplaced) its names,
and the confidence the idf weights. Each reads them here instead of analysing the text
again, so no stage can read a different question than the others.

A name is a run of capitalised words after the question's first word (which is
capitalised anyway): "Where did Prince Antoni meet George Sand?" names "Prince Antoni"
and "George Sand". Which names a check counts is that check's own business (the misplaced
check leaves out acronyms and months, say); what a name is, is said here only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qa.answer.definitions import asked_acronyms
from qa.index.lexical import analyze
from qa.index.version import IndexVersion

NAME_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)*")

Name = tuple[str, ...]  # a name's words, as the question writes them


@dataclass(frozen=True, eq=False)
class Question:
    """One question against one index version (its idf weights are that version's)."""

    text: str  # cleaned: one line, single spaces
    vector: np.ndarray  # the question model's embedding of ``text``
    terms: tuple[str, ...]  # analysed words (qa.index.lexical), in order, repeats kept
    idf: dict[str, float]  # each distinct term's idf over the version's chunks
    names: tuple[Name, ...]  # see the module's docstring
    acronyms: tuple[str, ...]  # the acronyms it asks the meaning of (qa.answer.definitions)

    @classmethod
    def read(cls, text: str, reader: IndexVersion, vector: np.ndarray) -> Question:
        """Analyse cleaned ``text`` whose embedding is ``vector``, for ``reader``."""
        terms = analyze(text)
        return cls(text, vector, tuple(terms), reader.idf(terms), names(text), asked_acronyms(text))

    @property
    def cased(self) -> bool:
        """False for a question written all in capitals, whose capitals name nothing."""
        return any(ch.islower() for ch in self.text)


def names(text: str) -> tuple[Name, ...]:
    """The names in ``text``: runs of capitalised words, less the text's first word."""
    out = []
    for match in NAME_RUN.finditer(text):
        words = match.group(0).split()
        if match.start() == 0:
            words = words[1:]
        if words:
            out.append(tuple(words))
    return tuple(out)
