"""Every document format end to end: a real file uploaded through the HTTP API to a real
server over a real index, then a question answered with a quote from that file.

One server and index serve every format (the uploads accumulate), so the model loads
once and each upload embeds only its own file.
"""

from __future__ import annotations

import httpx
import pytest

from harness.servers import serve
from qa.api.app import create_app
from qa.build.build import build_index
from qa.runtime import Runtime
from tests.support.api import WRITE_KEY, Api
from tests.support.formatfiles import FACTS, WRITERS, with_member
from tests.support.settings import corpus_settings

QUESTIONS = {
    ".docx": "How often did the lighthouse keeper ring the fog bell?",
    ".pptx": "How many new customers does the Lisbon office aim to sign?",
    ".xlsx": "What was Ada Lovelace's role?",
    ".csv": "What is the population of Reykjavik?",
    ".odt": "How far did the glacier retreat in 2019?",
    ".epub": "How long did the caravan take to cross the salt desert?",
    ".eml": "When is the database migration scheduled?",
    ".ipynb": "How many bird photographs was the classifier trained on?",
    ".rst": "When does the backup job copy the database to cold storage?",
    ".md": "When was the orchard's oldest pear tree planted?",
}


@pytest.fixture(scope="module")
def api(tmp_path_factory, embedder):
    config = corpus_settings(tmp_path_factory.mktemp("formats"), api_key=WRITE_KEY)
    build_index(config, embedder)
    app = create_app(Runtime.build(config, embedder), plugins=False)
    with serve(app) as url:
        yield Api(url, config, app)


@pytest.mark.parametrize("suffix", list(QUESTIONS))
def test_an_uploaded_file_of_each_format_is_quoted(api, suffix):
    name = "sample" + suffix
    response = api.upload(name, WRITERS[suffix](), kind="application/octet-stream")
    assert response.status_code == 201, response.text
    written = response.json()

    answer = api.ask(QUESTIONS[suffix])

    assert answer["answered"] is True, answer
    top = answer["quotes"][0]
    assert top["document"]["id"] == written["id"]
    assert top["text"] in FACTS[suffix] and len(top["text"]) > 20, top["text"]
    text = httpx.get(f"{api.url}/documents/{written['id']}", timeout=30).json()["text"]
    assert text[top["start"] : top["end"]] == top["text"]


@pytest.mark.parametrize(
    ("name", "data", "status", "reason"),
    [
        ("bomb.docx", "bomb", 413, "zip bomb"),
        ("cut.pptx", "cut", 422, "corrupt zip"),
        ("latin.csv", "Name\nJosé\n".encode("latin-1"), 422, "not UTF-8"),
        ("junk.eml", b"\x00\x01 junk", 422, "not an e-mail message"),
    ],
)
def test_bad_files_get_a_4xx_naming_the_problem_and_nothing_is_written(
    api, name, data, status, reason
):
    if data == "bomb":
        data = with_member(WRITERS[".docx"](), "p.bin", bytes(101 * 1024 * 1024))
    elif data == "cut":
        data = WRITERS[".pptx"]()[:2000]
    before = api.files()

    response = api.upload(name, data, kind="application/octet-stream")

    assert response.status_code == status, response.text
    assert reason in response.json()["error"]["message"]
    assert api.files() == before
