"""Fit the answer confidence, measure it per set, and choose the two outcome thresholds.

Every question of every set is ranked once by the current code and its evidence cached
(``--cache``; the ranking of about 3,000 questions takes minutes on two busy cores, the
fits take seconds). The sets:
- training: the SQuAD training fragments (``bench/data``), ten articles' paragraphs
  indexed, each paragraph one document; a sample of those articles' questions
  (answerable) and of the other five articles' questions (not in these documents);
- wikiqa, xquad: the dev sets, each indexing its own documents;
- article: the article's question sets and the out-of-corpus ones, on an index of
  ``corpus/``. ``out_of_corpus_near.jsonl`` (questions near the article's subject that
  it does not answer, written before any fit) is ranked too but never fitted on.

The logistic model of "the top sentence holds the answer" over the evidence the service
computes (qa/answer/confidence.py) is fitted on all four groups, each weighted equally,
and judged by 5-fold cross-validation over questions: the log loss per group, a
reliability table per set (confidence band -> share whose top quote as shown is right),
the six outcomes per set for each pair of thresholds, and the window the answer threshold
must sit in for the article's outside questions to stay refused while its own questions
are answered (as tests/qa/test_article_questions.py holds them). The defaults
QA_MIN_CONFIDENCE and QA_HEDGE_CONFIDENCE are chosen from those tables; the output ends
with the coefficients to paste into qa/answer/confidence.py.

    .venv/bin/python -m training.fit_confidence [--wikiqa bench/data/wikiqa-dev.tsv]
        [--cache /tmp/qa-confidence-cache.jsonl] [--workdir /tmp/qa-confidence-work]

Delete the cache after changing the ranker or the evidence, so every set is ranked again.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from harness.reproduce import print_reproduce
from qa.answer import confidence
from qa.build.build import build_index
from qa.evaluation.datasets import EvalQuestion, load_jsonl, prepare_question_set
from qa.evaluation.metrics import OUTCOME_COUNTS, quote_right, sentence_right
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"  # the question sets and bench/data
EDGES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.01)
ARTICLE_SETS = (
    "article_questions.jsonl",
    "article_check.jsonl",
    "article_check_2.jsonl",
    "out_of_corpus.jsonl",
    "out_of_corpus_check.jsonl",
    "out_of_corpus_check_2.jsonl",
    "out_of_corpus_substituted.jsonl",
    "out_of_corpus_near.jsonl",  # never fitted on
)
NEVER_FITTED = {"out_of_corpus_near"}
TRAIN_ARTICLES = 10
TRAIN_ANSWERABLE = 600
TRAIN_OUTSIDE = 400


def training_set(fragments: Path, work: Path) -> tuple[Path, list[EvalQuestion]]:
    """Ten articles as a SQuAD file to index; questions from the other five are outside."""
    paragraphs = [json.loads(line) for line in fragments.read_text().splitlines() if line]
    titles = list(dict.fromkeys(p["title"] for p in paragraphs))
    inside = set(titles[:TRAIN_ARTICLES])
    data = [
        {"title": t, "paragraphs": [p for p in paragraphs if p["title"] == t]}
        for t in titles
        if t in inside
    ]
    work.mkdir(parents=True, exist_ok=True)
    squad = work / "training.json"
    squad.write_text(json.dumps({"data": data}))
    outside = [
        EvalQuestion(qa["id"], qa["question"], ())
        for p in paragraphs
        if p["title"] not in inside
        for qa in p["qas"]
    ]
    return squad, random.Random(0).sample(outside, TRAIN_OUTSIDE)


def rank_all(service, questions, group: str, name: str, out: list[dict]) -> None:
    for item in questions:
        started = time.perf_counter()
        ranking = service.rank(item.question)
        ms = (time.perf_counter() - started) * 1000
        found = ranking.evidence
        right = bool(
            item.expected
            and ranking.ranked
            and sentence_right(item, ranking.reader, ranking.ranked[0].row)
        )
        shown = service.quotes(ranking, 1)
        quoted = bool(item.expected and shown and quote_right(item, ranking.reader, shown[0]))
        best = ranking.reader.sentences[ranking.ranked[0].row] if ranking.ranked else None
        # The question and its best sentence are kept, so evidence read from text alone
        # can be tried on the cache without ranking again.
        out.append(
            {
                "question": ranking.question,
                "sentence": best.text if best else "",
                "quoted": quoted,
                "group": group,
                "set": name,
                "id": item.id,
                "answerable": bool(item.expected),
                "right": right,
                "rank_ms": round(ms, 2),
                "evidence": None if found is None else found.__dict__,
            }
        )
    print(f"{name}: {len(questions)} questions ranked", flush=True)


def collect(args) -> list[dict]:
    work = args.workdir
    settings = Settings(_env_file=None, corpus_dir=ROOT / "corpus", index_dir=work / "article")
    embedder = build_embedder(settings)
    out: list[dict] = []
    build_index(settings, embedder)
    service = Runtime.build(settings, embedder).service
    for name in ARTICLE_SETS:
        path = BENCH / name
        rank_all(service, load_jsonl(path), "article", path.stem, out)
    for path, group in ((args.wikiqa, "wikiqa"), (args.xquad, "xquad")):
        qset, asked = prepare_question_set(path, work / group, settings, embedder)
        rank_all(Runtime.build(asked, embedder).service, qset.questions, group, group, out)
    squad, outside = training_set(BENCH / "data" / "squad-train-fragments.jsonl", work / "train")
    qset, asked = prepare_question_set(squad, work / "train", settings, embedder)
    inside = random.Random(0).sample(qset.questions, TRAIN_ANSWERABLE)
    service = Runtime.build(asked, embedder).service
    rank_all(service, inside + outside, "training", "squad-train", out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--wikiqa", type=Path, default=BENCH / "data" / "wikiqa-dev.tsv")
    parser.add_argument("--xquad", type=Path, default=BENCH / "data" / "xquad-en-dev.json")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/qa-confidence-work"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/qa-confidence-cache.jsonl"))
    args = parser.parse_args()
    if not args.cache.is_file():
        if not args.wikiqa.is_file():
            parser.error(f"{args.wikiqa} not found; bench/data/README.md says where to get it")
        rows = collect(args)
        args.cache.write_text("".join(json.dumps(r) + "\n" for r in rows))
    rows = [json.loads(line) for line in args.cache.read_text().splitlines()]
    print(f"{len(rows)} rankings from {args.cache}")
    rows = [r for r in rows if r["evidence"] is not None]
    ms = [r["rank_ms"] for r in rows if r["group"] == "article"]
    print(f"article index: median rank {np.median(ms):.1f} ms over {len(ms)} questions")
    fitted = [r for r in rows if r["set"] not in NEVER_FITTED]
    chosen = list(confidence.COEFFICIENTS)
    predicted = cross_validated(rows, chosen)
    report(rows, predicted, chosen)
    coef, intercept = fit_logistic(*design(fitted, chosen))
    window(rows, chosen, coef, intercept)
    print("COEFFICIENTS = {" + ", ".join(f'"{n}": {c:.3f}' for n, c in zip(chosen, coef)) + "}")
    print(f"INTERCEPT = {intercept:.3f}")
    print_reproduce("training.fit_confidence")
    return 0


def window(rows: list[dict], names: list[str], coef: np.ndarray, intercept: float) -> None:
    """Where the answer threshold can go with the full fit: above the article's outside
    questions (all of out_of_corpus and its first check set, all but one of the second,
    all but five of the substituted ones) and below its questions (every right one of
    the first check set, 31 of the 32 shipped ones), as tests/qa hold them."""
    x = np.array([[value(r, n) for n in names] for r in rows])
    p = capped(rows, 1.0 / (1.0 + np.exp(-(x @ coef + intercept))))

    def of(name: str, right: bool = False) -> np.ndarray:
        keep = [r["set"] == name and (r["quoted"] or not right) for r in rows]
        return np.sort(p[np.array(keep)])

    low = max(
        of("out_of_corpus")[-1],
        of("out_of_corpus_check")[-1],
        of("out_of_corpus_check_2")[-2],
        of("out_of_corpus_substituted")[-6],
    )
    high = min(of("article_check", right=True)[0], of("article_questions")[1])
    print(f"answer threshold window (full fit): above {low:.3f}, at most {high:.3f}")


def value(row: dict, name: str) -> float:
    return float(row["evidence"][name])


def design(rows: list[dict], names: list[str]):
    """Inputs, labels (the top sentence holds the answer) and weights (each group weighs
    the same)."""
    x = np.array([[value(r, n) for n in names] for r in rows])
    y = np.array([float(r["right"]) for r in rows])
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["group"]] = counts.get(r["group"], 0) + 1
    weight = np.array([len(rows) / (len(counts) * counts[r["group"]]) for r in rows])
    return x, y, weight


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 1.0):
    """Weighted, L2-penalised logistic regression by Newton's method; (coefficients, intercept)."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.column_stack([(x - mu) / sd, np.ones(len(x))])
    theta = np.zeros(z.shape[1])
    penalty = np.r_[np.ones(z.shape[1] - 1), 0.0] * l2
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ theta)))
        grad = z.T @ (weight * (p - y)) + penalty * theta
        hessian = (z * (weight * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        theta -= np.linalg.solve(hessian, grad)
    coef = theta[:-1] / sd
    return coef, float(theta[-1] - (mu / sd) @ theta[:-1])


def capped(rows: list[dict], p: np.ndarray) -> np.ndarray:
    """The shipped ceiling when the question names something the document holds far away."""
    misplaced = np.array([bool(r["evidence"].get("misplaced")) for r in rows])
    return np.where(misplaced, np.minimum(p, confidence.MISPLACED), p)


def cross_validated(rows: list[dict], names: list[str], k: int = 5) -> np.ndarray:
    """Out-of-fold confidence for every row; rows never fitted on get the full fit's."""
    fitted = np.array([r["set"] not in NEVER_FITTED for r in rows])
    x, y, weight = design(rows, names)
    fold = np.random.default_rng(1).integers(k, size=len(rows))
    predicted = np.zeros(len(rows))
    for f in range(k):
        train = fitted & (fold != f)
        coef, b = fit_logistic(x[train], y[train], weight[train])
        test = (fold == f) | ~fitted
        predicted[test] = 1.0 / (1.0 + np.exp(-(x[test] @ coef + b)))
    coef, b = fit_logistic(x[fitted], y[fitted], weight[fitted])
    predicted[~fitted] = 1.0 / (1.0 + np.exp(-(x[~fitted] @ coef + b)))
    return capped(rows, predicted)


def log_loss(rows: list[dict], p: np.ndarray) -> dict[str, float]:
    """Cross-validated log loss per group: lower is better."""
    y = np.array([float(r["right"]) for r in rows])
    p = np.clip(p, 1e-6, 1 - 1e-6)
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    groups = dict.fromkeys(r["group"] for r in rows)
    return {g: float(loss[[r["group"] == g for r in rows]].mean()) for g in groups}


def outcome_counts(rows, p, answer_at: float, hedge_at: float) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r, c in zip(rows, p):
        tally = out.setdefault(r["set"], dict.fromkeys(OUTCOME_COUNTS, 0) | {"answerable": 0})
        tally["answerable"] += r["answerable"]
        shown = confidence.outcome(c, answer_at, hedge_at, not r["evidence"].get("misplaced"))
        if shown == "not_found":
            tally["refused_answerable" if r["answerable"] else "refused_unanswerable"] += 1
        else:
            verdict = "right" if r["quoted"] else "wrong"
            tally[f"{verdict}_{'answered' if shown == 'answered' else 'hedged'}"] += 1
    return out


def net(rows: list[dict], counts: dict[str, dict[str, int]]) -> float:
    """Right answers less wrong ones (answered), per question, averaged over the groups:
    a right answer refused costs as much as a wrong one given. Never-fitted sets count
    nothing here."""
    group_of = {r["set"]: r["group"] for r in rows if r["set"] not in NEVER_FITTED}
    totals: dict[str, list[int]] = {}
    for name, c in counts.items():
        if name in group_of:
            t = totals.setdefault(group_of[name], [0, 0])
            t[0] += c["right_answered"] - c["wrong_answered"]
            t[1] += sum(c[k] for k in OUTCOME_COUNTS)
    return float(np.mean([gain / n for gain, n in totals.values()]))


def report(rows: list[dict], p: np.ndarray, names: list[str]) -> None:
    print("features: " + ", ".join(names))
    print(
        "cross-validated log loss: "
        + ", ".join(f"{g} {v:.4f}" for g, v in log_loss(rows, p).items())
    )
    print("reliability (cross-validated): set, band, questions, mean confidence, share right")
    for name in dict.fromkeys(r["set"] for r in rows):
        mask = np.array([r["set"] == name for r in rows])
        y = np.array([r["quoted"] for r in rows])
        for lo, hi in zip(EDGES, EDGES[1:]):
            band = mask & (p >= lo) & (p < hi)
            if band.any():
                print(f"  {name:28s} {lo:.1f}-{min(hi, 1.0):.1f}  {band.sum():4d}  "
                      f"{p[band].mean():.3f}  {y[band].mean():.3f}")  # fmt: skip
    print("thresholds: answer_at hedge_at | per set right_answered/answerable, "
          "+hedged, wrong answered, wrong hedged, outside answered+hedged")  # fmt: skip
    for answer_at in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55):
        for hedge_at in (0.05, 0.08, 0.1, 0.12, 0.15, 0.2):
            if hedge_at > answer_at:
                continue
            counts = outcome_counts(rows, p, answer_at, hedge_at)
            cells = [f"net {net(rows, counts):+.3f}"]
            for name, c in counts.items():
                n = c["answerable"]
                if n:
                    right = c["right_answered"] / n
                    both = (c["right_answered"] + c["right_hedged"]) / n
                    cells.append(f"{name[:10]} {right:.3f}/{both:.3f} w{c['wrong_answered']}"
                                 f"+{c['wrong_hedged']}")  # fmt: skip
                else:
                    cells.append(f"{name[-10:]} {c['wrong_answered']}+{c['wrong_hedged']}")
            print(f"  {answer_at:.2f} {hedge_at:.2f} | " + " | ".join(cells))


if __name__ == "__main__":
    raise SystemExit(main())
