"""The WikiQA set as the benchmarks use it: its documents as a corpus, indexed, ready to ask."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qa.answer.service import AnswerService
from qa.evaluation.datasets import EvalQuestion, load_wikiqa
from qa.index.build import BuildReport, build_index
from qa.index.embedder import SentenceTransformerEmbedder
from qa.runtime import Runtime, build_embedder
from qa.settings import Settings


@dataclass
class WikiQAIndex:
    questions: list[EvalQuestion]
    settings: Settings
    embedder: SentenceTransformerEmbedder
    build: BuildReport

    def service(self) -> AnswerService:
        return Runtime.build(self.settings, self.embedder).service


def wikiqa_index(tsv: Path, work: Path, full: bool = False) -> WikiQAIndex:
    """Write the TSV's documents under ``work/corpus`` and index them into ``work/index``."""
    questions = load_wikiqa(tsv, work / "corpus")
    settings = Settings(corpus_dir=work / "corpus", index_dir=work / "index", _env_file=None)
    embedder = build_embedder(settings)
    return WikiQAIndex(questions, settings, embedder, build_index(settings, embedder, full=full))
