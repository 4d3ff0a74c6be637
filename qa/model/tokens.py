"""The model's output per token: what pooled views (qa.build.pooling) average over."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Span = tuple[int, int]


@dataclass(frozen=True)
class TokenPass:
    """The model's output for one text: a vector and a character span per token."""

    vectors: np.ndarray  # tokens x dimensions, float32 (special tokens included)
    offsets: np.ndarray  # tokens x 2; (0, 0) for special tokens

    def whole(self) -> np.ndarray:
        """The text's own embedding: the normalized mean over every token."""
        return _unit(self.vectors.mean(0))

    def pool(self, spans: tuple[Span, ...], anchor: Span | None = None) -> np.ndarray | None:
        """The normalized mean of the tokens inside ``spans``; None when there are none,
        or when the text was cut (the model's input length) before ``anchor`` ends."""
        inside = span_tokens(self.offsets, spans, anchor)
        return None if inside is None else _unit(self.vectors[inside].mean(0))


def span_tokens(
    offsets: np.ndarray, spans: tuple[Span, ...], anchor: Span | None = None
) -> np.ndarray | None:
    """Which tokens (``offsets``: tokens x 2 character spans) lie inside ``spans``; None when
    none do, or when the tokens stop before ``anchor`` ends."""
    starts, ends = offsets[:, 0], offsets[:, 1]
    if anchor is not None and (len(ends) == 0 or int(ends.max()) < anchor[1]):
        return None
    inside = np.zeros(len(starts), dtype=bool)
    for a, b in spans:
        inside |= (ends > starts) & (starts >= a) & (ends <= b)
    return inside if inside.any() else None


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)
