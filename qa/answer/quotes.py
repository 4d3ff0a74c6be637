"""Pick the quotes shown from the ranked sentences: close to the best, from different
places, an adjacent sentence joined when the answer spans both, no near repeats."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from qa.answer.ranker import WORD, ScoredSentence, is_quotable
from qa.index.version import IndexVersion

# Further quotes are shown only while they score within this much of the best one.
QUOTE_MARGIN = 0.5
# A neighbouring sentence scoring within this much of a picked sentence joins its quote:
# the answer then likely spans both ("... an operation in La Pampa." + "It destroyed 41
# sites."). Ranker scores are a weighted sum of features (qa.answer.ranker.WEIGHTS), so
# this margin is chosen with those weights (bench/README.md has the figures).
PAIR_MARGIN = 1.0
# The sentence before also joins, within twice that margin, when it holds at least this
# share of the question's idf mass (words not in the title) that the picked sentence
# lacks: the picked one then answers only read with it ("... an operation in La Pampa."
# "The operation destroyed 41 sites." for "How many sites were destroyed in La Pampa?").
NEEDS_PREVIOUS = 0.3
PREVIOUS_MARGIN = 2.0
# Two quotes sharing this share of their words (Jaccard) say the same thing: a passage
# repeated in two reports, or a sentence edited by a word; only the better one is shown.
NEAR_DUPLICATE = 0.8
# A sentence that opens by pointing back ("He is also the oldest quarterback ever to play
# in a Super Bowl.", "This valley is also the focus ...") does not say who or what alone:
# the sentence before joins its quote, whatever its score, so the quote reads on its own.
POINTS_BACK = re.compile(
    r"(?:he|she|it|they|his|her|its|their|him|them|this|these|those|such)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Pick:
    """One quote: one sentence, or two adjacent ones of the same document."""

    rows: tuple[int, ...]
    score: float


def pick(reader: IndexVersion, ranked: list[ScoredSentence], limit: int) -> list[Pick]:
    """Up to ``limit`` quotes from different places, close in score to the best.

    A picked sentence takes in its better-scoring neighbour when that one is within
    ``PAIR_MARGIN``, and the sentence before when it opens by pointing back to it
    (``POINTS_BACK``) or the one before holds the question words it lacks. No sentence
    is quoted twice, nor one that repeats a quoted sentence nearly word for word.
    """
    by_row = {cand.row: cand for cand in ranked}
    chosen: list[Pick] = []
    used: set[int] = set()
    quoted: list[frozenset[str]] = []

    def words(row: int) -> frozenset[str]:
        return frozenset(WORD.findall(reader.sentences[row].text.lower()))

    def fresh(row: int) -> bool:
        return row not in used and all(_overlap(words(row), q) < NEAR_DUPLICATE for q in quoted)

    for cand in ranked:
        if len(chosen) >= limit or (chosen and cand.score < chosen[0].score - QUOTE_MARGIN):
            break
        if not fresh(cand.row):
            continue
        partner = _partner(reader, cand, by_row, fresh)
        rows = (cand.row,) if partner is None else tuple(sorted((cand.row, partner)))
        used.update(rows)
        quoted.extend(words(r) for r in rows)
        chosen.append(Pick(rows, cand.score))
    return chosen


def _joined(reader: IndexVersion, row: int, other: int) -> bool:
    """Adjacent sentences quote as one only with no code block or table between them
    (sentences are never made of code, so two rows can sit either side of one)."""
    a, b = sorted((reader.sentences[row], reader.sentences[other]), key=lambda s: s.start)
    return not reader.documents[a.document_id].in_code(a.end, b.start)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _partner(
    reader: IndexVersion,
    cand: ScoredSentence,
    by_row: dict[int, ScoredSentence],
    fresh: Callable[[int], bool],
) -> int | None:
    """The adjacent, not yet quoted sentence of the same document that scores close enough
    to join."""
    document = reader.sentences[cand.row].document_id
    near = [
        by_row[row]
        for row in (cand.row - 1, cand.row + 1)
        if row in by_row
        and reader.sentences[row].document_id == document
        and _joined(reader, cand.row, row)
        and fresh(row)
        and by_row[row].score >= cand.score - PAIR_MARGIN
    ]
    if near:
        return max(near, key=lambda n: n.score).row
    before = cand.row - 1
    if before < 0 or reader.sentences[before].document_id != document or not fresh(before):
        return None
    if not _joined(reader, before, cand.row):
        return None
    # The picked sentence points back ("It destroyed 41 sites."): the one before says what.
    opening = reader.sentences[cand.row].text.lstrip("\"“‘'(")
    if POINTS_BACK.match(opening) and is_quotable(reader.sentences[before].text):
        return before
    # The sentence before holds question words the picked one lacks ("... an operation in
    # La Pampa." "The operation ... destroyed 41 sites."): the answer reads only with it.
    lent = cand.features.get("residual_context", 0.0) - cand.features.get("residual", 0.0)
    if (
        lent >= NEEDS_PREVIOUS
        and before in by_row
        and by_row[before].score >= cand.score - PREVIOUS_MARGIN
    ):
        return before
    return None
