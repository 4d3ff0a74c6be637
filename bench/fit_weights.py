"""Fit the quote ranker's feature weights on a WikiQA TSV and cross-validate them.

Every question is ranked by the current code; each candidate sentence keeps its features
and whether it is a gold answer sentence. The weights are fitted listwise (a softmax over
each answerable question's candidates, features standardised, L2-penalised), then checked
by 5-fold cross-validation over questions with three different splits. Weights named with
--set are overridden after each fit (the cross-validation does the same). The calibration
maps the best score to P(the top quote is right), counting unanswerable questions as wrong.

    .venv/bin/python -m bench.fit_weights [--tsv ../shared/bench/wikiqa-dev.tsv]
        [--workdir DIR] [--set lexical=2.0 ...] [--drop NAME ...]

Prints the weights and calibration to paste into qa/answer/ranker.py.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.workspace import wikiqa_index
from qa.answer.ranker import FEATURES, WEIGHTS
from qa.evaluation.metrics import matches


@dataclass
class Question:
    features: np.ndarray  # candidates x features
    labels: np.ndarray  # 1.0 for a gold answer sentence
    answerable: bool


def collect(tsv: Path, work: Path, names: list[str]) -> list[Question]:
    wikiqa = wikiqa_index(tsv, work)
    service = wikiqa.service()
    out = []
    for item in wikiqa.questions:
        ranking = service.rank(item.question)
        if not ranking.ranked:
            continue
        x = np.array([[s.features[n] for n in names] for s in ranking.ranked])
        texts = [ranking.reader.sentences[s.row].text for s in ranking.ranked]
        y = np.array([float(matches(t, item)) for t in texts])
        out.append(Question(x, y, bool(item.expected)))
    return out


def fit(train: list[Question], overrides: dict[int, float], l2: float) -> np.ndarray:
    """Listwise softmax fit of every weight, then the overridden ones set as given."""
    lists = [q for q in train if q.labels.any()]
    stacked = np.vstack([q.features for q in lists])
    mu, sd = stacked.mean(0), stacked.std(0) + 1e-9
    w = np.zeros(stacked.shape[1])  # in standardised units
    for _ in range(800):
        grad = np.zeros_like(w)
        for q in lists:
            xs = (q.features - mu) / sd
            z = xs @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            grad += (p - q.labels / q.labels.sum()) @ xs
        w -= 0.5 * (grad / len(lists) + l2 * w)
    w = w / sd
    for i, value in overrides.items():
        w[i] = value
    return w


def top1(questions: list[Question], w: np.ndarray) -> int:
    return sum(int(q.labels[np.argmax(q.features @ w)]) for q in questions if q.answerable)


def cross_validate(
    qs: list[Question], overrides: dict[int, float], l2: float, seeds=(0, 1, 2)
) -> float:
    answerable = [q for q in qs if q.answerable]
    scores = []
    for seed in seeds:
        order = np.random.default_rng(seed).permutation(len(answerable))
        right = 0
        for k in range(5):
            test = set(order[k::5].tolist())
            train = [q for i, q in enumerate(answerable) if i not in test]
            w = fit(train, overrides, l2)
            right += top1([answerable[i] for i in test], w)
        scores.append(right / len(answerable))
    return float(np.mean(scores))


def calibrate(qs: list[Question], w: np.ndarray) -> tuple[float, float]:
    """Logistic regression of "top quote right" on the best score, by Newton's method."""
    best = np.array([np.max(q.features @ w) for q in qs])
    right = np.array([float(q.answerable and q.labels[np.argmax(q.features @ w)] > 0) for q in qs])
    x = np.column_stack([best, np.ones_like(best)])
    theta = np.zeros(2)
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ theta)))
        hessian = (x * (p * (1 - p))[:, None]).T @ x
        theta -= np.linalg.solve(hessian, x.T @ (p - right))
    return float(theta[0]), float(theta[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tsv", type=Path, default=Path("../shared/bench/wikiqa-dev.tsv"))
    parser.add_argument("--workdir", type=Path, help="keep the corpus and index here")
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE after fitting")
    parser.add_argument("--drop", action="append", default=[], help="leave a feature out")
    parser.add_argument("--l2", type=float, default=0.01)
    args = parser.parse_args()
    names = [n for n in FEATURES if n not in args.drop]
    given = dict(item.split("=", 1) for item in args.set)
    overrides = {names.index(n): float(v) for n, v in given.items()}
    with tempfile.TemporaryDirectory(prefix="fit-") as tmp:
        qs = collect(args.tsv, args.workdir or Path(tmp), names)
    answerable = sum(q.answerable for q in qs)
    current = np.array([WEIGHTS.get(n, 0.0) for n in names])
    w = fit([q for q in qs if q.answerable], overrides, args.l2)
    print(f"{len(qs)} questions, {answerable} answerable")
    print(f"current weights: acc@1 {top1(qs, current) / answerable:.3f}")
    print(f"fitted weights:  acc@1 {top1(qs, w) / answerable:.3f} on the data they were fitted on")
    print(f"5-fold cross-validated acc@1 (3 splits): {cross_validate(qs, overrides, args.l2):.3f}")
    print("WEIGHTS = {")
    for n, v in zip(names, w):
        print(f'    "{n}": {v:.3f},')
    print("}")
    a, b = calibrate(qs, w)
    print(f"CALIBRATION = ({a:.4f}, {b:.4f})")
    print("reproduce:", shlex.join([".venv/bin/python", "-m", __spec__.name, *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
