"""The HTTP API end to end: real model, real index of the shipped article, real uvicorn.

Each fact below was checked to come back as the top quote by the current system; a
question it answers wrongly belongs in the quality work, not in this list.
"""

from __future__ import annotations

import json

import httpx
import pytest

from harness.corpora import ARTICLE
from tests.support.answers import ANSWER_KEYS
from tests.support.embedders import FakeEmbedder
from tests.support.settings import make_settings

QUESTIONS = [
    ("How many hectares of coca were under cultivation in 2019?", "72,000 hectares"),
    ("Where did the October 2020 operation against illegal mining take place?", "La Pampa"),
    ("Who leads DEVIDA?", "Ruben Vargas"),
    ("When did Congress remove President Martin Vizcarra?", "November 9, 2020"),
    ("Where is coca production in Peru principally concentrated?", "Apurimac, Ene, and Mantaro"),
    ("Which Sendero Luminoso faction leader was captured in 2012?", "Artemio"),
    ("How many riverboats has the Peruvian Navy deployed?", "three riverboats"),
    ("How many of Peru's presidents have been jailed since 2000?", "five of the nation"),
    ("Since when does Peru have a law allowing it to shoot down narco-aircraft?", "Since 2015"),
    ("Why were the eradication efforts suspended?", "due to COVID-19 restrictions"),
    ("How many security forces were sent to the region in Operation Mercurio?", "1,800"),
    ("How many people had the virus infected by October 2020?", "922,000"),
    ("Which country plays a key role in laundering illegal gold?", "Bolivia often playing"),
]
UNANSWERABLE = [
    "What is the capital of Australia?",
    "Who won the 2018 World Cup?",
    "How do I bake sourdough bread?",
]


@pytest.fixture(scope="module")
def client(live_server: str):
    with httpx.Client(base_url=live_server, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def article_text(client: httpx.Client) -> dict[str, str]:
    """Full text of each listed document, by id, as served by GET /documents/{id}."""
    listed = client.get("/documents").json()["documents"]
    return {d["id"]: client.get(f"/documents/{d['id']}").json()["text"] for d in listed}


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """The one error shape, with no stack trace; returns the error object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert {"code", "message"} <= set(error) <= {"code", "message", "hint"}
    assert error["message"].strip()
    if code is not None:
        assert error["code"] == code
    assert "Traceback" not in response.text and 'File "' not in response.text
    return error


@pytest.mark.parametrize(("question", "fact"), QUESTIONS, ids=[f for _, f in QUESTIONS])
def test_top_quote_states_the_fact(client, article_text, question, fact):
    response = client.post("/ask", json={"question": question})

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["answered"] is True
    assert answer["question"] == question
    top = answer["quotes"][0]
    assert fact in top["text"], f"top quote: {top['text']!r}"
    assert top["document"]["source"] == ARTICLE
    for quote in answer["quotes"] + answer["passages"]:
        text = article_text[quote["document"]["id"]]
        assert text[quote["start"] : quote["end"]] == quote["text"]


def test_answer_has_the_documented_keys(client):
    answer = client.post("/ask", json={"question": QUESTIONS[0][0], "top_k": 2}).json()

    assert set(answer) == ANSWER_KEYS
    assert answer["outcome"] == "answered"
    assert len(answer["passages"]) == 2
    assert 0.0 <= answer["confidence"] <= 1.0
    assert answer["index_version"] == client.get("/readyz").json()["index_version"]
    quote = answer["quotes"][0]
    assert set(quote) == {
        "text",
        "score",
        "start",
        "end",
        "page",
        "section",
        "anchor",
        "document",
        "links",
    }
    assert (quote["section"], quote["anchor"]) == ("", "")  # a text file has no headings
    assert set(quote["document"]) == {"id", "title", "source"}
    assert quote["links"] == {
        "view": f"/documents/{quote['document']['id']}/view?start={quote['start']}&end={quote['end']}",
        "source": None,  # a file, not a web page
    }
    assert quote["page"] is None  # a text file has no pages
    assert quote["document"]["title"].startswith("Peru’s Multidimensional Challenge – Part 2")


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_a_question_the_article_cannot_answer_abstains(client, question):
    answer = client.post("/ask", json={"question": question}).json()

    assert answer["answered"] is False
    assert answer["outcome"] == "not_found"
    assert answer["quotes"] == []
    assert answer["passages"], "passages are still shown, so a reader can look nearby"


def test_the_outcome_field_is_documented_in_the_schema(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["AskResponse"]

    outcome = schema["properties"]["outcome"]
    assert outcome["enum"] == ["answered", "possibly", "not_found"]
    assert "QA_HEDGE_CONFIDENCE" in outcome["description"]
    assert "outcome" in schema["required"]


def test_search_returns_verbatim_passages(client, article_text):
    response = client.post("/search", json={"query": "illegal mining Madre de Dios", "top_k": 3})

    assert response.status_code == 200, response.text
    passages = response.json()["passages"]
    assert len(passages) == 3
    assert any("Madre de Dios" in p["text"] for p in passages)
    for p in passages:
        assert article_text[p["document"]["id"]][p["start"] : p["end"]] == p["text"]


def test_documents_lists_the_article(client, article_text):
    listed = client.get("/documents").json()["documents"]

    assert [d["source"] for d in listed] == [ARTICLE]
    assert listed[0]["chunks"] > 1
    detail = client.get(f"/documents/{listed[0]['id']}").json()
    assert detail["path"] == ARTICLE
    assert "72,000 hectares of coca" in detail["text"]


# --- the error contract over real HTTP ---------------------------------------------------


@pytest.mark.parametrize("question", ["", "   \n\t  ", "\x00\u200b"], ids=["empty", "space", "ctl"])
def test_blank_question_is_422(client, question):
    error = assert_error(client.post("/ask", json={"question": question}), 422)
    assert "empty" in error["message"]


def test_overlong_question_is_422_naming_the_limit(client, shipped_index):
    limit = shipped_index.max_question_chars
    response = client.post("/ask", json={"question": "why " * (limit // 4 + 1)})

    error = assert_error(response, 422, "invalid_question")
    assert str(limit) in error["message"]


def test_malformed_json_is_422(client):
    response = client.post(
        "/ask", content=b'{"question": "unterminated', headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "invalid_request")


@pytest.mark.parametrize(
    "body",
    [{"question": 42}, {"question": ["a"]}, {"question": "ok?", "top_k": "many"}, {}, ["q"]],
    ids=["int-question", "list-question", "str-top_k", "missing", "array"],
)
def test_wrong_types_are_422(client, body):
    assert_error(client.post("/ask", json=body), 422, "invalid_request")


@pytest.mark.parametrize("top_k", [0, -1, 10_000])
def test_top_k_out_of_range_is_422(client, top_k):
    error = assert_error(client.post("/ask", json={"question": "coca?", "top_k": top_k}), 422)
    assert str(top_k) in error["message"]


def test_unknown_document_is_404(client):
    error = assert_error(client.get("/documents/not-a-document"), 404, "document_not_found")
    assert "not-a-document" in error["message"]
    assert error["hint"]


def test_unknown_route_and_wrong_method_keep_the_error_shape(client):
    assert_error(client.get("/nowhere"), 404)
    assert_error(client.get("/ask"), 405)


def test_declared_body_over_the_limit_is_413(client, shipped_index):
    limit = shipped_index.max_upload_bytes
    body = json.dumps({"question": "x" * limit}).encode()

    error = assert_error(client.post("/ask", content=body), 413, "too_large")
    assert str(limit) in error["message"]


def test_streamed_body_over_the_limit_is_413(client, shipped_index):
    """No Content-Length (chunked upload): the limit still holds as the bytes arrive."""
    limit = shipped_index.max_upload_bytes

    def chunks():
        yield b'{"question": "'
        for _ in range(limit // 65_536 + 2):
            yield b"x" * 65_536
        yield b'"}'

    response = client.post("/ask", content=chunks(), headers={"content-type": "application/json"})
    assert_error(response, 413, "too_large")


def test_health_readiness_and_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["documents"] == 1
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    assert {"/ask", "/search", "/documents", "/documents/{document_id}"} <= set(
        spec.json()["paths"]
    )


def test_without_an_index_readyz_and_ask_are_503_with_a_hint(tmp_path, embedder, serve_app):
    from qa.api.app import create_app
    from qa.runtime import Runtime

    settings = make_settings(tmp_path / "corpus", tmp_path / "index")
    (tmp_path / "index").mkdir()
    url = serve_app(create_app(Runtime.build(settings, embedder), plugins=False))

    with httpx.Client(base_url=url, timeout=30) as c:
        ready = assert_error(c.get("/readyz"), 503)
        asked = assert_error(
            c.post("/ask", json={"question": "Who leads DEVIDA?"}), 503, "no_index"
        )
        assert c.get("/healthz").status_code == 200  # alive, just not ready
    assert "qa index" in ready["hint"] and "qa index" in asked["hint"]


def test_a_model_that_cannot_be_loaded_is_503_naming_it(tmp_path, serve_app):
    from qa.api.app import create_app
    from qa.build.build import build_index
    from qa.model.embedder import SentenceTransformerEmbedder
    from qa.runtime import Runtime

    model = tmp_path / "not-a-model"
    model.mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("A note\n\nThe falcon nests on cliffs.\n")
    settings = make_settings(tmp_path / "corpus", tmp_path / "index", model=str(model))
    # The index says it was built with that model, so the live index loads; asking needs
    # the model itself, which is an empty folder.
    build_index(settings, FakeEmbedder(str(model)))
    runtime = Runtime.build(settings, SentenceTransformerEmbedder(str(model)))
    url = serve_app(create_app(runtime, plugins=False))

    with httpx.Client(base_url=url, timeout=60) as c:
        error = assert_error(
            c.post("/ask", json={"question": "Where does the falcon nest?"}),
            503,
            "model_unavailable",
        )
    assert str(model) in error["message"] and "QA_MODEL" in error["hint"]
