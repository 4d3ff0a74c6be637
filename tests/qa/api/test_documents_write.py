"""POST /documents and DELETE /documents/{id} over a real uvicorn server on loopback."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import httpx
import pytest

from qa.api.app import create_app
from qa.build.build import build_index
from qa.corpus.loader import document_id
from qa.index import layout
from qa.runtime import Runtime
from tests.support.api import Api, live_api
from tests.support.settings import corpus_settings

KEY = {"X-API-Key": "write-secret"}
OTTERS = (
    b"Sea otters\n\nSea otters use stones as tools to crack open clams and sea urchins. "
    b"They float on their backs while eating.\n"
)


@pytest.fixture
def api(tmp_path, embedder, serve_app) -> Api:
    return live_api(tmp_path, embedder, serve_app, max_upload_bytes=4096)


def _cited(answer: dict) -> set[str]:
    return {q["document"]["id"] for q in answer["quotes"] + answer["passages"]}


def test_uploaded_file_is_answerable_when_the_call_returns(api):
    response = api.upload("otters.txt", OTTERS)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == document_id("otters.txt") and body["action"] == "added"
    assert (body["title"], body["source"], body["path"]) == (
        "Sea otters",
        "otters.txt",
        "otters.txt",
    )
    answer = api.ask("What do sea otters use to crack open clams?")
    assert answer["index_version"] == body["index_version"]
    assert answer["quotes"][0]["document"]["id"] == body["id"]
    assert "stones" in answer["quotes"][0]["text"]
    ready = httpx.get(api.url + "/readyz").json()
    assert ready["index_version"] == body["index_version"] and ready["documents"] == 4


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")
def test_an_upload_is_embedded_at_a_lower_priority_than_questions(api, monkeypatch):
    """Each side's thread priority is read where it runs: the write and the question."""
    writer, service = api.app.state.document_writer, api.app.state.service
    seen: dict[str, int] = {}

    def observed(name, call):
        def wrapper(*args, **kwargs):
            seen[name] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            return call(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(writer, "add_file", observed("write", writer.add_file))
    monkeypatch.setattr(service, "ask", observed("question", service.ask))

    assert api.upload("otters.txt", OTTERS).status_code == 201
    assert "stones" in api.ask("What do sea otters use to crack open clams?")["quotes"][0]["text"]
    assert api.settings.build_nice > 0
    assert seen["write"] == min(19, seen["question"] + api.settings.build_nice)


def test_json_document_becomes_markdown_and_is_replaced_only_by_put(api):
    doc = {
        "title": "Office hours",
        "text": "The office opens at 8 am on weekdays.",
        "url": "https://wiki.example.com/office",
    }
    first = api.post("/documents", json=doc)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["path"], body["source"]) == ("office-hours.md", doc["url"])
    saved = (api.settings.corpus_dir / "office-hours.md").read_text()
    assert saved.startswith("---\ntitle: Office hours\nurl: https://wiki.example.com/office\n---")

    newer = dict(doc, text="The office opens at 10 am on weekdays.")
    clash = api.post("/documents", json=newer)
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "document_exists"
    assert clash.json()["error"]["document_id"] == body["id"]
    assert "8 am" in (api.settings.corpus_dir / "office-hours.md").read_text()

    second = httpx.put(f"{api.url}/documents/{body['id']}", json=newer, headers=KEY, timeout=60)
    assert second.status_code == 200 and second.json()["action"] == "replaced"
    assert second.json()["id"] == body["id"]
    answer = api.ask("When does the office open?")
    quotes = " ".join(q["text"] for q in answer["quotes"])
    assert "10 am" in quotes and "8 am" not in quotes
    detail = httpx.get(f"{api.url}/documents/{body['id']}").json()
    assert detail["title"] == "Office hours" and "10 am" in detail["text"]


def test_deleted_document_is_never_quoted_again(api):
    doc_id = api.upload("otters.txt", OTTERS).json()["id"]
    question = "What do sea otters use to crack open clams?"
    assert doc_id in _cited(api.ask(question))

    response = httpx.delete(f"{api.url}/documents/{doc_id}", headers=KEY)

    assert response.status_code == 200, response.text
    assert response.json()["action"] == "deleted" and response.json()["path"] == "otters.txt"
    assert "otters.txt" not in api.files()
    answer = api.ask(question)
    assert answer["index_version"] == response.json()["index_version"]
    assert doc_id not in _cited(answer)
    search = api.post("/search", json={"query": "sea otters stones clams", "top_k": 20}).json()
    assert doc_id not in {p["document"]["id"] for p in search["passages"]}
    assert httpx.get(f"{api.url}/documents/{doc_id}").status_code == 404
    again = httpx.delete(f"{api.url}/documents/{doc_id}", headers=KEY)
    assert again.status_code == 404 and again.json()["error"]["code"] == "document_not_found"


def test_writes_need_the_write_key(api, tmp_path, embedder, serve_app):
    assert api.upload("a.txt", OTTERS, key=None).status_code == 401
    assert api.upload("a.txt", OTTERS, headers={"X-API-Key": "nope"}).status_code == 401
    assert httpx.delete(f"{api.url}/documents/{document_id('falcons.txt')}").status_code == 401
    assert "a.txt" not in api.files()

    keyless = corpus_settings(tmp_path / "keyless")
    build_index(keyless, embedder)
    url = serve_app(create_app(Runtime.build(keyless, embedder), plugins=False))
    refused = httpx.post(url + "/documents", json={"title": "t", "text": "x"}, headers=KEY)
    assert refused.status_code == 401 and "QA_API_KEY" in refused.json()["error"]["message"]


def _raw_upload(api: Api, filename: bytes, data: bytes = OTTERS) -> httpx.Response:
    """A multipart body written by hand, so the file name reaches the server byte for byte."""
    boundary = b"qa-test-boundary"
    disposition = b'Content-Disposition: form-data; name="file"; filename="%s"' % filename
    head = b"--%s\r\n%s\r\nContent-Type: text/plain\r\n\r\n" % (boundary, disposition)
    body = head + data + b"\r\n--%s--\r\n" % boundary
    headers = dict(KEY, **{"Content-Type": "multipart/form-data; boundary=qa-test-boundary"})
    return httpx.post(api.url + "/documents", content=body, headers=headers, timeout=60)


@pytest.mark.parametrize(
    ("filename", "reason"),
    [
        (b"../../etc/passwd.txt", "contains '..'"),
        (b"notes/../../../escape.txt", "contains '..'"),
        (b"/etc/passwd.txt", "is absolute"),
        (b"C:/Windows/evil.txt", "is absolute"),
        (b"..\\..\\evil.txt", "contains '\\'"),
        (b"evil\x00.txt", "NUL byte"),
        (b".hidden.txt", "hidden"),
        (b"", "empty"),
        (b"tool.exe", "unsupported file type '.exe'"),
    ],
)
def test_hostile_file_names_are_refused_and_nothing_is_written(api, filename, reason):
    before = api.files()

    response = _raw_upload(api, filename)

    assert response.status_code == 422, response.text
    assert reason in response.json()["error"]["message"]
    assert api.files() == before
    assert not list(api.settings.corpus_dir.parent.glob("*.txt"))
    assert not Path("/etc/passwd.txt").exists()


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ({"title": "Blank", "text": "   \n  "}, "text is empty"),
        ({"title": "Empty", "text": ""}, "text"),
        ({"title": "  ", "text": "Some text."}, "title is empty"),
        ({"text": "No title."}, "title"),
        ({"title": "Bad url", "text": "x", "url": "javascript:alert(1)"}, "url must be"),
    ],
)
def test_unusable_json_documents_get_422(api, doc, reason):
    response = api.post("/documents", json=doc)
    assert response.status_code == 422, response.text
    assert reason in response.json()["error"]["message"]


def test_other_content_types_and_oversized_bodies_are_refused(api):
    plain = api.post(
        "/documents", content=b"hello", headers=dict(KEY, **{"Content-Type": "text/plain"})
    )
    assert plain.status_code == 415 and "text/plain" in plain.json()["error"]["message"]
    not_json = api.post(
        "/documents", content=b"{", headers=dict(KEY, **{"Content-Type": "application/json"})
    )
    assert not_json.status_code == 422 and "not valid JSON" in not_json.json()["error"]["message"]

    big = api.upload("big.txt", b"Big\n\n" + b"word " * 2000)
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
    assert "big.txt" not in api.files()


def test_busy_writer_lock_gives_409_and_leaves_the_corpus_alone(api):
    api.app.state.document_writer.lock_timeout = 0.2
    with layout.writer_lock(api.settings.index_dir):
        response = api.upload("otters.txt", OTTERS)
    assert response.status_code == 409 and response.json()["error"]["code"] == "index_busy"
    assert "otters.txt" not in api.files()
    assert api.upload("otters.txt", OTTERS).status_code == 201


def test_concurrent_uploads_each_succeed_or_get_409_never_half_done(api):
    api.app.state.document_writer.lock_timeout = 0.0
    names = [f"note{i}.txt" for i in range(4)]
    results: dict[str, int] = {}

    def send(name: str) -> None:
        text = f"Note {name}\n\nThe code word for {name} is {name.upper()}-42.\n".encode()
        results[name] = api.upload(name, text).status_code

    threads = [threading.Thread(target=send, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert set(results.values()) <= {201, 409} and 201 in results.values()
    listed = {d["id"] for d in httpx.get(api.url + "/documents").json()["documents"]}
    for name, status in results.items():
        assert (name in api.files()) == (status == 201)
        assert (document_id(name) in listed) == (status == 201)
