"""The `qa` command in a real subprocess: exit codes, messages and JSON output.

Each `index` that embeds and each `ask` that answers loads the model in its own process,
so only three calls here do; the error paths fail before the model is needed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.answers import ANSWER_KEYS
from tests.support.cli import run_qa


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "mining.txt").write_text(
        "Illegal mining\n\nIn October 2020, security forces raided illegal gold mines in "
        "La Pampa. The operation destroyed 41 mining sites.\n",
        encoding="utf-8",
    )
    (corpus / "devida.md").write_text(
        "# DEVIDA\n\nThe counterdrug agency DEVIDA is led by Ruben Vargas. It began manual "
        "eradication of coca in 2019.\n",
        encoding="utf-8",
    )
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def first_index(workdir: Path) -> subprocess.CompletedProcess[str]:
    return run_qa("index", "--corpus", "corpus", "--index", "index", cwd=workdir)


def test_index_builds_and_reports_counts(first_index):
    assert first_index.returncode == 0, first_index.stderr
    out = first_index.stdout
    assert "index updated" in out
    assert "2 documents (2 added, 0 updated, 0 removed, 0 unchanged, 1 skipped)" in out
    assert "skipped empty.txt: no text could be extracted" in first_index.stderr
    assert "Traceback" not in first_index.stderr


def test_second_index_run_is_already_up_to_date(workdir, first_index):
    version = first_index.stdout.split("version ")[1].split(";")[0]

    again = run_qa("index", "--corpus", "corpus", "--index", "index", cwd=workdir)

    assert again.returncode == 0, again.stderr
    assert "already up to date" in again.stdout
    assert f"version {version};" in again.stdout
    assert "0 added" in again.stdout and "2 unchanged" in again.stdout


def test_ask_json_prints_the_apis_answer(workdir, first_index):
    result = run_qa("ask", "Who leads DEVIDA?", "--json", "--index", "index", cwd=workdir)

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == ANSWER_KEYS
    assert answer["answered"] is True
    top = answer["quotes"][0]
    assert "Ruben Vargas" in top["text"]
    assert top["document"]["source"] == "devida.md"
    raw = (workdir / "corpus" / "devida.md").read_text(encoding="utf-8")
    assert raw[top["start"] : top["end"]] == top["text"]


def test_ask_prints_quotes_with_their_citation(workdir, first_index):
    result = run_qa("ask", "How many mining sites were destroyed?", cwd=workdir)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "> The operation destroyed 41 mining sites."
    assert lines[1].startswith("  — Illegal mining (mining.txt, characters ")
    assert lines[-1].startswith("confidence ")


def test_missing_corpus_folder_exits_2_naming_it(tmp_path):
    result = run_qa("index", "--corpus", "no-such-folder", "--index", "index", cwd=tmp_path)

    assert result.returncode == 2
    assert "no-such-folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_without_an_index_exits_3_with_a_hint(tmp_path):
    result = run_qa("ask", "Who leads DEVIDA?", "--index", "index", cwd=tmp_path)

    assert result.returncode == 3
    assert "qa index" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("question", ["", "   "], ids=["empty", "blank"])
def test_empty_question_exits_2(tmp_path, question):
    result = run_qa("ask", question, "--index", "index", cwd=tmp_path)

    assert result.returncode == 2
    assert "empty" in result.stderr


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["index"]])
def test_an_empty_api_key_stops_every_command_with_exit_code_2(tmp_path, command):
    (tmp_path / ".env").write_text("QA_API_KEY=\n")  # as `QA_API_KEY=` in the environment

    done = run_qa(*command, cwd=tmp_path)

    assert done.returncode == 2, done.stderr
    assert "api_key" in done.stderr and "set but empty" in done.stderr
    assert not (tmp_path / "index").exists()


def test_a_model_that_cannot_be_loaded_exits_2_naming_it(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("A note\n\nThe falcon nests on cliffs.\n")
    (tmp_path / "not-a-model").mkdir()
    (tmp_path / ".env").write_text("QA_MODEL=not-a-model\n")

    result = run_qa("index", "--corpus", "corpus", "--index", "index", cwd=tmp_path)

    assert result.returncode == 2
    assert "cannot load embedding model 'not-a-model'" in result.stderr
    assert "Traceback" not in result.stderr


def test_index_on_ray_without_the_extra_exits_2_saying_how_to_install_it(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("A note\n\nThe falcon nests on cliffs.\n")

    done = run_qa(
        "index", "--ray", "--corpus", "corpus", "--index", "index", cwd=tmp_path, without=("ray",)
    )

    assert done.returncode == 2, done.stderr
    assert 'optional extra: pip install -e ".[ray]"' in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "index").exists()


@pytest.mark.parametrize(
    "args, says",
    [
        (["--ray", "not-an-address"], "QA_RAY_ADDRESS must be host:port"),
        (["--workers", "2"], "--workers goes with --ray"),
        (["--ray", "--workers", "0"], "ray_workers"),
    ],
    ids=["address", "workers-alone", "no-workers"],
)
def test_ray_options_are_checked_before_anything_runs(tmp_path, args, says):
    done = run_qa("index", *args, "--corpus", "corpus", "--index", "index", cwd=tmp_path)

    assert done.returncode == 2, done.stderr
    assert says in done.stderr
    assert not (tmp_path / "index").exists()


def test_ray_is_imported_only_by_a_build_on_ray(tmp_path):
    """Start-up of every entry point stays free of Ray, installed or not."""
    code = (
        "import sys, qa.cli, qa.runtime, qa.api.app, qa.build.build, qa.build.distributed; "
        "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
