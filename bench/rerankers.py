"""Rerank the ranker's top candidates with a second scorer, and see whether it helps.

The answer-quality issue asks for a cross-encoder reranker over the top candidates if one
can beat the bi-encoder ranker within the latency budget. No pre-trained cross-encoder
installs here, so this trains one and measures it, beside a scorer that needs no training:

- ``cross-encoder``: the bundled MiniLM reads question and sentence together (LoRA on its
  linear layers, as bench/train_model.py adapts it, or every weight with ``--rank 0``).
  Its score is the scaled cosine of the question's and the sentence's tokens, each
  mean-pooled from the joint pass, so that it starts as a similarity rather than from a
  random head. Trained listwise (a softmax over
  each question's top candidates) on the SQuAD training fragments (CC BY-SA 4.0), each
  paragraph a document, the candidates the shipped ranker's own top ``--top``.
- ``maxsim``: the shipped model's token vectors of question and sentence, encoded apart;
  each question token's best cosine in the sentence, averaged (late interaction).

Each scorer is then added to the ranker's score, ``score + weight * scorer``, over the
top candidates of WikiQA dev and XQuAD dev, and acc@1 printed per weight. Weight 0 is the
shipped ranker; a very large weight is the scorer alone.

    .venv/bin/python -m bench.rerankers [--scorer cross-encoder|maxsim] [--top 6]
        [--epochs 1] [--rank 16] [--seed 0] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from harness.articles import squad_paragraphs
from harness.reproduce import print_reproduce
from qa.evaluation.datasets import prepare_question_set
from qa.evaluation.metrics import sentence_right
from qa.model.adapter import resolve_adapter
from qa.model.backends import load_sentence_transformer
from qa.model.embedder import resolve_model
from qa.runtime import Runtime, build_embedder
from qa.settings import DEFAULT_MODEL, Settings
from training.train_model import add_adapters

BENCH = Path(__file__).resolve().parent
WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 1000.0)


@dataclass(frozen=True)
class Candidate:
    text: str
    score: float  # the shipped ranker's
    right: bool


@dataclass(frozen=True)
class Asked:
    question: str
    answerable: bool
    candidates: list[Candidate]  # the ranker's top, best first


def squad_json(fragments: Path, out: Path) -> Path:
    """The JSONL training fragments as SQuAD JSON, so that ``qa eval``'s loader indexes each
    paragraph as a document, as XQuAD's are."""
    articles: dict[str, list[dict]] = {}
    for p in squad_paragraphs(fragments):
        articles.setdefault(p["title"], []).append({"context": p["context"], "qas": p["qas"]})
    data = [{"title": t, "paragraphs": ps} for t, ps in articles.items()]
    out.write_text(json.dumps({"data": data}), encoding="utf-8")
    return out


def collect(path: Path, work: Path, settings: Settings, embedder, top: int) -> list[Asked]:
    qset, asked = prepare_question_set(path, work / path.stem, settings, embedder)
    service = Runtime.build(asked, embedder).service
    out = []
    for item in qset.questions:
        ranking = service.rank(item.question)
        reader = ranking.reader
        candidates = [
            Candidate(reader.sentences[s.row].text, s.score, sentence_right(item, reader, s.row))
            for s in ranking.ranked[:top]
        ]
        out.append(Asked(item.question, bool(item.expected), candidates))
    print(f"{path.name}: {len(out)} questions ranked", flush=True)
    return out


def blended_accuracy(asked: list[Asked], scores: list[np.ndarray], weight: float) -> float:
    """acc@1 over the answerable questions when each candidate's score gains ``weight``
    times the reranker's."""
    right = []
    for item, extra in zip(asked, scores):
        if not item.answerable:
            continue
        if not item.candidates:
            right.append(False)
            continue
        base = np.array([c.score for c in item.candidates])
        right.append(item.candidates[int(np.argmax(base + weight * extra))].right)
    return float(np.mean(right))


class CrossEncoder(nn.Module):
    """Question and sentence in one pass; the cosine of their tokens' mean vectors."""

    def __init__(self, path: str) -> None:
        super().__init__()
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.body = AutoModel.from_pretrained(path)
        self.scale = nn.Parameter(torch.tensor(20.0))

    def forward(self, question: str, texts: list[str]) -> torch.Tensor:
        enc = self.tokenizer(
            [question] * len(texts), texts, truncation="only_second", max_length=128,
            padding=True, return_tensors="pt",
        )  # fmt: skip
        hidden = self.body(**enc).last_hidden_state
        mask = enc["attention_mask"].float()
        second = enc["token_type_ids"].float()
        q = _mean(hidden, mask * (1 - second))
        s = _mean(hidden, mask * second)
        return self.scale * (q * s).sum(-1)


def _mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    pooled = (hidden * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
    return nn.functional.normalize(pooled, dim=-1)


def train_cross_encoder(train: list[Asked], epochs: int, seed: int, rank: int) -> CrossEncoder:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = CrossEncoder(resolve_model(DEFAULT_MODEL))
    if rank:
        layers = add_adapters(model.body, rank, 2.0 * rank)
        body = {"params": [p for x in layers.values() for p in (x.lora_A, x.lora_B)], "lr": 5e-4}
    else:  # every weight of the model
        body = {"params": list(model.body.parameters()), "lr": 3e-5}
    optimizer = torch.optim.AdamW([body, {"params": [model.scale], "lr": 1e-3}])
    lists = [a for a in train if len(a.candidates) > 1 and any(c.right for c in a.candidates)]
    batch = 4
    steps = epochs * (len(lists) // batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / 50) * max(0.0, 1 - s / steps)
    )
    print(f"{len(lists)} training questions, {steps} steps", flush=True)
    model.train()
    started, losses = time.perf_counter(), []
    order: list[int] = []
    for step in range(steps):
        if len(order) < batch:
            order = list(range(len(lists)))
            rng.shuffle(order)
        loss = torch.zeros(())
        for _ in range(batch):
            item = lists[order.pop()]
            logits = model(item.question, [c.text for c in item.candidates])
            loss = loss + listwise_loss(logits, item) / batch
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if (step + 1) % 100 == 0 or step + 1 == steps:
            print(
                f"step {step + 1}/{steps} loss {np.mean(losses[-100:]):.3f} "
                f"({(time.perf_counter() - started) / 60:.1f} min)", flush=True,
            )  # fmt: skip
    ranker = [listwise_loss(torch.tensor([c.score for c in a.candidates]), a) for a in lists]
    ranker_loss = float(torch.stack(ranker).mean())
    print(f"the shipped ranker's own loss on the same lists: {ranker_loss:.3f}")
    model.eval()
    return model


def listwise_loss(scores: torch.Tensor, item: Asked) -> torch.Tensor:
    """Cross-entropy of a softmax over ``item``'s candidates against its right ones: the
    cross-encoder's training loss, and the shipped ranker's on the same lists."""
    target = torch.tensor([float(c.right) for c in item.candidates], dtype=scores.dtype)
    return -(target / target.sum() * torch.log_softmax(scores, 0)).sum()


def cross_encoder_scores(model: CrossEncoder, asked: list[Asked]) -> list[np.ndarray]:
    with torch.no_grad():
        return [
            model(a.question, [c.text for c in a.candidates]).numpy() if a.candidates
            else np.zeros(0)
            for a in asked
        ]  # fmt: skip


def maxsim_scores(asked: list[Asked]) -> list[np.ndarray]:
    """Each question token's best cosine among the sentence's tokens, averaged."""
    settings = Settings(_env_file=None)
    adapter = resolve_adapter(settings.adapter, settings.model)
    model = load_sentence_transformer(settings.model, adapter, threads=2)
    questions = _token_vectors(model, [a.question for a in asked])
    texts = sorted({c.text for a in asked for c in a.candidates})
    vectors = dict(zip(texts, _token_vectors(model, texts)))
    return [np.array([(q @ vectors[c.text].T).max(1).mean() for c in a.candidates])
            for a, q in zip(asked, questions)]  # fmt: skip


def _token_vectors(model, texts: list[str]) -> list[np.ndarray]:
    out = model.encode(texts, output_value="token_embeddings", convert_to_numpy=False)
    return [nn.functional.normalize(t[1:-1], dim=-1).numpy() for t in out]  # less CLS, SEP


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scorer", choices=("cross-encoder", "maxsim"), default="cross-encoder")
    parser.add_argument(
        "--train", type=Path, default=BENCH / "data" / "squad-train-fragments.jsonl"
    )
    parser.add_argument("--wikiqa", type=Path, default=BENCH / "data" / "wikiqa-dev.tsv")
    parser.add_argument("--xquad", type=Path, default=BENCH / "data" / "xquad-en-dev.json")
    parser.add_argument("--top", type=int, default=6, help="candidates reranked per question")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument(
        "--rank", type=int, default=16, help="LoRA rank of the cross-encoder; 0 trains every weight"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="keep the corpora and indexes here")
    args = parser.parse_args()
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory(prefix="rerank-") as tmp:
        work = args.workdir or Path(tmp)
        settings = Settings(_env_file=None, index_dir=work / "unused")
        embedder = build_embedder(settings)
        dev = {
            "wikiqa": collect(args.wikiqa, work, settings, embedder, args.top),
            "xquad": collect(args.xquad, work, settings, embedder, args.top),
        }
        if args.scorer == "maxsim":
            scores = {name: maxsim_scores(asked) for name, asked in dev.items()}
        else:
            source = squad_json(args.train, work / "squad-train.json")
            train = collect(source, work, settings, embedder, args.top)
            model = train_cross_encoder(train, args.epochs, args.seed, args.rank)
            scores = {name: cross_encoder_scores(model, asked) for name, asked in dev.items()}
    print(f"acc@1 over the top {args.top}, ranker score + weight * {args.scorer} score")
    print("| set | " + " | ".join(f"{w:g}" for w in WEIGHTS) + " |")
    print("| --- " * (len(WEIGHTS) + 1) + "|")
    for name, asked in dev.items():
        row = [f"{blended_accuracy(asked, scores[name], w):.3f}" for w in WEIGHTS]
        print(f"| {name} | " + " | ".join(row) + " |")
    print_reproduce("bench.rerankers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
