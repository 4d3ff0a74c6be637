"""The one way tests build Settings: as an entry point would, deaf to any ``.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.corpora import DOCS
from harness.slack_requests import SIGNING_SECRET
from qa.settings import Settings


def make_settings(corpus_dir: Path, index_dir: Path, **extra: Any) -> Settings:
    """Settings as an entry point builds them, but deaf to any ``.env`` in the cwd."""
    return Settings(_env_file=None, corpus_dir=corpus_dir, index_dir=index_dir, **extra)


def corpus_settings(root: Path, docs: dict[str, str] | None = None, **extra: Any) -> Settings:
    """Settings for a fresh corpus (written from ``docs``, default DOCS) and index below
    ``root``."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in (DOCS if docs is None else docs).items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    return make_settings(corpus, root / "index", **extra)


def folder_args(settings: Settings) -> list[str]:
    """``--corpus DIR --index DIR`` for a `qa` command over ``settings``' folders."""
    return ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]


def bot_settings(standin: Any, index_dir: Path, **extra: Any) -> Settings:
    """Settings for the Slack bot, pointed at the Slack stand-in."""
    return make_settings(
        Path("corpus"),
        index_dir,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.url,
        **extra,
    )
