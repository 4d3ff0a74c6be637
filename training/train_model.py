"""Fine-tune the bundled embedding model for question -> answer-sentence matching (LoRA).

Training data: SQuAD v1.1 train paragraphs (CC BY-SA 4.0). Only low-rank adapters on the
transformer's linear layers are trained; the result is a ~1 MB file that qa-bot merges
into the base model at load time (qa/model/adapter.py), so queries cost what they cost
before. Each question is paired with the sentence that holds its answer span and another
sentence of the same paragraph as a hard negative, with a multiple-negatives ranking loss
(in-batch softmax over every other positive and negative of the batch). The answer
sentence is shown in one of the four views the index embedded when the bundled adapter
was trained (alone, after the title, after title and previous sentence, before the next
sentence).

    .venv/bin/python -m training.train_model [--data bench/data/squad-train-fragments.jsonl]
        [--out qa/model/adapters/squad-lora.safetensors] [--epochs 1] [--seed 0]
        [--precision torch]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from harness.reproduce import print_reproduce
from qa.corpus.sentences import split_spans
from qa.model.adapter import adapter_digest, save_adapter
from qa.model.backends import resolve_backend
from qa.model.embedder import resolve_model
from qa.settings import DEFAULT_MODEL

TARGETS = ("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense")


@dataclass(frozen=True)
class Example:
    question: str
    positive: str
    negative: str | None


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update ``scale * B @ A``."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.scale = alpha / rank
        self.lora_A = nn.Parameter(torch.randn(rank, base.in_features) / rank**0.5 * 0.1)
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_A.T @ self.lora_B.T) * self.scale


def view_text(title: str, sentences: list[str], i: int, view: int) -> str:
    """The answer sentence in one of the four ways the index embedded sentences when the
    shipped adapter was trained (alone, titled, after the sentence before, with the next);
    the index now embeds the first and pools the third from its chunk (qa.index.views)."""
    text = sentences[i]
    if view == 1:
        return f"{title}. {text}"
    if view == 2:
        previous = sentences[i - 1] if i else ""
        return f"{title}. {previous} {text}".replace("  ", " ")
    if view == 3 and i + 1 < len(sentences):
        return f"{text} {sentences[i + 1]}"
    return text


def load_examples(path: Path, rng: random.Random) -> list[Example]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        para = json.loads(line)
        context, title = para["context"], para["title"].replace("_", " ")
        spans = split_spans(context)
        sentences = [context[s:e] for s, e in spans]
        for qa in para["qas"]:
            start = qa["answers"][0]["answer_start"]
            hit = [i for i, (s, e) in enumerate(spans) if s <= start < e]
            if not hit:
                continue
            i = hit[0]
            others = [j for j in range(len(sentences)) if j != i]
            view = rng.randrange(4)
            negative = view_text(title, sentences, rng.choice(others), view) if others else None
            out.append(Example(qa["question"], view_text(title, sentences, i, view), negative))
    return out


def add_adapters(model: nn.Module, rank: int, alpha: float) -> dict[str, LoRALinear]:
    for p in model.parameters():
        p.requires_grad_(False)
    wrapped = {}
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            full = f"{name}.{child_name}" if name else child_name
            if (
                isinstance(child, nn.Linear)
                and ".encoder.layer." in full
                and full.endswith(TARGETS)
            ):
                lora = LoRALinear(child, rank, alpha)
                setattr(module, child_name, lora)
                wrapped[full] = lora
    return wrapped


def encode(model, texts: list[str]) -> torch.Tensor:
    """Texts embedded alone, as the index embeds them (mean pooled, unit length)."""
    features = model.tokenize(texts)
    return model(features)["sentence_embedding"]


def pair_batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    rng.shuffle(examples)  # in place, as the bundled adapter's run did
    return [examples[b : b + size] for b in range(0, len(examples) - size + 1, size)]


def pair_loss(model, batch: list[Example], scale: float) -> torch.Tensor:
    """Each question against every positive and negative of the batch."""
    q = encode(model, [e.question for e in batch])
    docs = [e.positive for e in batch] + [e.negative for e in batch if e.negative]
    d = encode(model, docs)
    scores = q @ d.T * scale
    # Another question's positive that is the very same text is not a negative.
    for i, e in enumerate(batch):
        for j, text in enumerate(docs):
            if j != i and text == e.positive:
                scores[i, j] = -1e4
    return nn.functional.cross_entropy(scores, torch.arange(len(batch)))


def train(args: argparse.Namespace) -> Path:
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    torch.set_num_threads(args.threads)
    model = SentenceTransformer(resolve_model(DEFAULT_MODEL), device="cpu")
    model.max_seq_length = args.max_length
    examples = load_examples(args.data, rng)
    print(f"{len(examples)} examples", flush=True)
    per_epoch = len(examples) // args.batch
    layers = add_adapters(model, args.rank, args.alpha)
    params = [p for layer in layers.values() for p in (layer.lora_A, layer.lora_B)]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    steps = args.epochs * per_epoch
    if args.max_steps:
        steps = min(steps, args.max_steps)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / steps)
    )
    bf16 = resolve_backend(args.precision) == "torch-bf16"
    print(f"{len(layers)} adapted layers, {steps} steps, {'bf16' if bf16 else 'fp32'}", flush=True)
    model.train()
    started, step = time.perf_counter(), 0
    while step < steps:
        for batch in pair_batches(examples, args.batch, rng):
            if step >= steps:
                break
            autocast = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else None
            with autocast or contextlib.nullcontext():
                loss = pair_loss(model, batch, args.scale)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            step += 1
            if step % 10 == 0 or step == steps:
                rate = step / (time.perf_counter() - started)
                print(
                    f"step {step}/{steps} loss {loss.item():.4f} ({rate:.2f} steps/s)", flush=True
                )
    layers_out = {name: (layer.lora_A, layer.lora_B) for name, layer in layers.items()}
    save_adapter(args.out, layers_out, args.alpha / args.rank)
    minutes = (time.perf_counter() - started) / 60
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, sha {adapter_digest(args.out)})"
    )
    print(f"trained {steps} steps in {minutes:.1f} min")
    return args.out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("bench/data/squad-train-fragments.jsonl"))
    parser.add_argument(
        "--out", type=Path, default=Path("qa/model/adapters/squad-lora.safetensors")
    )
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--max-steps", type=int, default=0)
    parser.add_argument("--batch", type=int, default=32, help="questions per step")
    parser.add_argument("--max-length", type=int, default=128, help="tokens per text")
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--alpha", type=float, default=32.0)
    parser.add_argument(
        "--scale", type=float, default=20.0, help="cosine multiplier in the softmax"
    )
    parser.add_argument(
        "--precision",
        default="torch",
        choices=("auto", "torch", "torch-bf16"),
        help="torch: fp32, as the bundled adapter was trained; auto: bf16 autocast where "
        "the CPU has bf16 arithmetic (qa.model.backends)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    train(args)
    print_reproduce("training.train_model")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
