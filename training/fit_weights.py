"""Fit the quote ranker's weights and the confidence model on a mix of question sets.

Every question of every set is ranked by the current code; each candidate sentence keeps
its features and whether it holds the answer.
- Ranker weights: fitted listwise (a softmax over each answerable question's candidates,
  features standardised, L2-penalised) on WikiQA dev and XQuAD dev together, each set
  weighted equally so that neither data set's style of question decides the weights, and
  checked by 5-fold cross-validation over questions (the figures to quote).
- Confidence: a logistic model of "the top sentence answers" over the ranking's evidence
  (qa/answer/confidence.py), fitted on all four sets (the article's questions and the
  out-of-corpus ones together count as one), each weighted equally. Its reliability table
  per set is printed from cross-validated predictions.

    .venv/bin/python -m training.fit_weights [--wikiqa bench/data/wikiqa-dev.tsv]
        [--xquad bench/data/xquad-en-dev.json] [--workdir DIR] [--l2 0.1]

WikiQA is not redistributed with this repository: see bench/data/README.md for where to
get it. Prints WEIGHTS and CONFIDENCE to paste into qa/answer/ranker.py and
qa/answer/confidence.py.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answer.confidence import COEFFICIENTS
from qa.answer.ranker import FEATURES, WEIGHTS
from qa.build.build import build_index
from qa.evaluation.datasets import prepare_question_set
from qa.evaluation.metrics import sentence_right
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"  # the question sets and bench/data
EDGES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 1.01)


@dataclass
class Question:
    group: str  # which set: its weight in the fits, and its own reliability table
    features: np.ndarray  # candidates x FEATURES
    labels: np.ndarray  # 1.0 where the candidate holds the answer
    answerable: bool
    coverage: float  # corpus coverage of the question's vocabulary
    absent: float  # 1.0 when the question names a word the corpus never mentions


def collect(path: Path, group: str, work: Path, settings: Settings, embedder) -> list[Question]:
    qset, asked = prepare_question_set(path, work / path.stem, settings, embedder)
    service = Runtime.build(asked, embedder).service
    out = []
    for item in qset.questions:
        ranking = service.rank(item.question)
        if not ranking.ranked:
            continue
        reader = ranking.reader
        x = np.array([[s.features[n] for n in FEATURES] for s in ranking.ranked])
        y = np.array([float(sentence_right(item, reader, s.row)) for s in ranking.ranked])
        found = ranking.evidence  # as the service computed it for the confidence
        out.append(Question(group, x, y, bool(item.expected), found.coverage, found.absent))
    print(f"{path}: {len(out)} questions ranked", flush=True)
    return out


def group_weights(qs: list[Question]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for q in qs:
        counts[q.group] = counts.get(q.group, 0) + 1
    return {g: len(qs) / (len(counts) * n) for g, n in counts.items()}


def fit_ranker(train: list[Question], l2: float) -> np.ndarray:
    """Listwise softmax fit over the answerable questions, each set weighted equally."""
    lists = [q for q in train if q.labels.any()]
    weight = group_weights(lists)
    stacked = np.vstack([q.features for q in lists])
    mu, sd = stacked.mean(0), stacked.std(0) + 1e-9
    prepared = [((q.features - mu) / sd, q.labels / q.labels.sum(), weight[q.group]) for q in lists]
    w = np.zeros(stacked.shape[1])  # in standardised units
    for _ in range(600):
        grad = np.zeros_like(w)
        for xs, target, a in prepared:
            z = xs @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            grad += a * ((p - target) @ xs)
        w -= 0.5 * (grad / len(prepared) + l2 * w)
    return w / sd


def top_right(q: Question, w: np.ndarray) -> bool:
    return bool(q.labels[int(np.argmax(q.features @ w))] > 0)


def evidence(q: Question, w: np.ndarray) -> np.ndarray:
    """The confidence model's inputs, in COEFFICIENTS order, under ranker weights ``w``."""
    scores = q.features @ w
    order = np.argsort(-scores)
    best = q.features[order[0]]
    second = scores[order[1]] if len(order) > 1 else scores[order[0]] - 1.0
    named = dict(zip(FEATURES, best))
    values = {
        "score": scores[order[0]],
        "dense": named.get("dense", 0.0),
        "lexical": named.get("lexical", 0.0),
        "coverage": q.coverage,
        "margin": scores[order[0]] - second,
        "absent": q.absent,
    }
    return np.array([values[name] for name in COEFFICIENTS])


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 1.0):
    """Weighted, L2-penalised logistic regression by Newton's method; (coefficients, intercept)."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.column_stack([(x - mu) / sd, np.ones(len(x))])
    theta = np.zeros(z.shape[1])
    penalty = np.r_[np.ones(z.shape[1] - 1), 0.0] * l2
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ theta)))
        grad = z.T @ (weight * (p - y)) + penalty * theta
        hessian = (z * (weight * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        theta -= np.linalg.solve(hessian, grad)
    coef = theta[:-1] / sd
    return coef, float(theta[-1] - (mu / sd) @ theta[:-1])


def folds(n: int, k: int = 5, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(k, size=n)


def cross_validated_ranker(qs: list[Question], l2: float) -> dict[str, float]:
    fold = folds(len(qs))
    right: dict[str, list[bool]] = {}
    for k in range(5):
        w = fit_ranker([q for q, f in zip(qs, fold) if f != k], l2)
        for q, f in zip(qs, fold):
            if f == k and q.answerable:
                right.setdefault(q.group, []).append(top_right(q, w))
    return {g: float(np.mean(v)) for g, v in right.items()}


def confidence_data(qs: list[Question], w: np.ndarray):
    x = np.array([evidence(q, w) for q in qs])
    y = np.array([float(q.answerable and top_right(q, w)) for q in qs])
    weight = group_weights(qs)
    return x, y, np.array([weight[q.group] for q in qs])


def reliability(qs: list[Question], w: np.ndarray) -> None:
    """Cross-validated confidence against the share right, per set and band."""
    x, y, weight = confidence_data(qs, w)
    fold = folds(len(qs), seed=1)
    predicted = np.zeros(len(qs))
    for k in range(5):
        train = fold != k
        coef, b = fit_logistic(x[train], y[train], weight[train])
        predicted[~train] = 1.0 / (1.0 + np.exp(-(x[~train] @ coef + b)))
    print("cross-validated confidence: set, band, questions, mean confidence, share right")
    for group in dict.fromkeys(q.group for q in qs):
        mask = np.array([q.group == group for q in qs])
        for lo, hi in zip(EDGES, EDGES[1:]):
            band = mask & (predicted >= lo) & (predicted < hi)
            if band.any():
                print(
                    f"  {group:12s} {lo:.1f}-{min(hi, 1.0):.1f}  {band.sum():4d}  "
                    f"{predicted[band].mean():.3f}  {y[band].mean():.3f}"
                )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--wikiqa", type=Path, default=BENCH / "data" / "wikiqa-dev.tsv")
    parser.add_argument("--xquad", type=Path, default=BENCH / "data" / "xquad-en-dev.json")
    parser.add_argument("--article", type=Path, default=BENCH / "article_questions.jsonl")
    parser.add_argument("--outside", type=Path, default=BENCH / "out_of_corpus.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="the article's corpus")
    parser.add_argument("--workdir", type=Path, help="keep the corpora and indexes here")
    parser.add_argument("--l2", type=float, default=0.1, help="ranker weights' L2 penalty")
    args = parser.parse_args()
    if not args.wikiqa.is_file():
        parser.error(f"{args.wikiqa} not found; bench/data/README.md says where to get WikiQA")
    with tempfile.TemporaryDirectory(prefix="fit-") as tmp:
        work = args.workdir or Path(tmp)
        settings = Settings(_env_file=None, corpus_dir=args.corpus, index_dir=work / "article")
        embedder = build_embedder(settings)
        build_index(settings, embedder)  # the article's own questions ask its index
        qs = collect(args.wikiqa, "wikiqa", work, settings, embedder)
        qs += collect(args.xquad, "xquad", work, settings, embedder)
        own = collect(args.article, "article+out", work, settings, embedder)
        own += collect(args.outside, "article+out", work, settings, embedder)
    current = np.array([WEIGHTS.get(n, 0.0) for n in FEATURES])
    w = fit_ranker(qs, args.l2)
    for label, weights in (("current weights", current), ("fitted weights ", w)):
        accs = {
            g: np.mean([top_right(q, weights) for q in qs + own if q.group == g and q.answerable])
            for g in ("wikiqa", "xquad", "article+out")
        }
        print(f"{label}: acc@1 " + ", ".join(f"{g} {a:.3f}" for g, a in accs.items()))
    cv = cross_validated_ranker(qs, args.l2)
    print("5-fold cross-validated acc@1: " + ", ".join(f"{g} {a:.3f}" for g, a in cv.items()))
    print("WEIGHTS = {")
    for name, value in zip(FEATURES, w):
        print(f'    "{name}": {value:.3f},')
    print("}")
    everything = qs + own
    reliability(everything, w)
    x, y, weight = confidence_data(everything, w)
    coef, intercept = fit_logistic(x, y, weight)
    print("CONFIDENCE = {" + ", ".join(f'"{n}": {c:.3f}' for n, c in zip(COEFFICIENTS, coef)) + "}")
    print(f"INTERCEPT = {intercept:.3f}")
    print("reproduce:", shlex.join([sys.executable, *sys.argv]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
