"""Hostile and unlucky input over real HTTP: each gets its exact 4xx and error code, never a
500, and the server (and the client's keep-alive connection) carries on.

One real uvicorn server on loopback over a temp corpus, the real model and real FAISS.
"""

from __future__ import annotations

import json
import socket
import zlib
from urllib.parse import urlparse

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from qa.api.app import create_app
from qa.build.build import build_index
from qa.corpus.formats import MEDIA_TYPES
from qa.corpus.loader import document_id
from qa.index import layout
from qa.index.store import VersionReader
from qa.runtime import Runtime
from tests.support.api import OTTERS, Api, live_api
from tests.support.pdfbytes import pdf_with_pages
from tests.support.settings import corpus_settings

KEY = {"X-API-Key": "write-secret"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def api(tmp_path, embedder, serve_app) -> Api:
    return live_api(tmp_path, embedder, serve_app, max_upload_bytes=1_000_000)


def error(response: httpx.Response, status: int, code: str) -> dict:
    """The one error shape with exactly this status and code; returns the error object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert body["error"]["message"].strip() and "Traceback" not in response.text
    return body["error"]


# --- questions ----------------------------------------------------------------------------


@pytest.mark.parametrize("path, field", [("/ask", "question"), ("/search", "query")])
@pytest.mark.parametrize("text", ["\ud800 coca", "coca \udfff", "\ud83d", "a\udc00b"])
def test_a_lone_surrogate_in_a_question_is_422(api, path, field, text):
    body = json.dumps({field: text}).encode()  # "\\ud800": valid JSON, not valid Unicode
    err = error(api.post(path, content=body, headers=JSON), 422, "invalid_question")
    assert "surrogate" in err["message"]


@pytest.mark.parametrize("path", ["/ask", "/search", "/documents"])
@pytest.mark.parametrize(
    "body",
    [
        b'{"question": "\xff coca", "query": "\xff", "title": "\xff", "text": "x"}',
        b'\xff\xfe{\x00"\x00q\x00"\x00:\x00 \x001\x00}\x00',  # UTF-16 with a byte-order mark
        # an encoded surrogate
        b'{"question": "\xed\xa0\x80 coca", "query": "q", "title": "t", "text": "x"}',
    ],
    ids=["latin-1", "utf-16", "encoded-surrogate"],
)
def test_a_json_body_that_is_not_utf8_is_422(api, path, body):
    err = error(api.post(path, content=body, headers=JSON), 422, "invalid_encoding")
    assert "UTF-8" in err["message"]
    assert api.files() == {"falcons.txt", "bread.md", "volcano.txt"}


@pytest.mark.parametrize("path", ["/ask", "/search", "/documents"])
@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000, b'{"a":' * 50_000, b'{"question": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"],
    ids=["brackets", "objects", "inside-a-field"],
)
def test_deeply_nested_json_is_422_not_a_recursion_error(api, path, body):
    err = error(api.post(path, content=body, headers=JSON), 422, "too_deep")
    assert "nested" in err["message"]
    assert api.post("/ask", json={"question": "What do falcons nest on?"}).status_code == 200


def test_moderate_nesting_is_still_an_ordinary_type_error(api):
    body = {"question": [[["three levels"]]]}
    error(api.post("/ask", json=body), 422, "invalid_request")


# --- file names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["a" * 246 + ".txt", "é" * 196 + ".txt", "a" * 197 + ".txt", "日" * 66 + ".txt"],
    ids=["246-ascii", "196-e-acute", "201-bytes", "202-bytes-cjk"],
)
def test_overlong_file_names_are_422_counted_in_bytes(api, name):
    err = error(api.upload(name, OTTERS), 422, "invalid_document")
    assert "bytes" in err["message"] and "200" in err["message"]
    assert api.files() == {"falcons.txt", "bread.md", "volcano.txt"}


def test_a_file_name_of_exactly_200_bytes_is_accepted(api):
    name = "é" * 98 + ".txt"  # 196 + 4 bytes
    response = api.upload(name, OTTERS)
    assert response.status_code == 201, response.text
    assert response.json()["path"] == name and name in api.files()


@pytest.mark.parametrize(
    "name, reason",
    [
        ("falcons.txt/inner.txt", "contains '/'"),
        ("notes/otters.txt", "contains '/'"),
        ("\u202etxt.exe", "U+202E"),
        ("report\u202egnp.txt", "U+202E"),
        ("a\u2066b.txt", "U+2066"),
        ("zero\u200bwidth.txt", "U+200B"),
        ("tab\there.txt", "U+0009"),
        ("line\u2028sep.txt", "U+2028"),
        ("private\ue000.txt", "U+E000"),
    ],
    ids=[
        "under-a-file",
        "folder",
        "rlo-first",
        "rlo-inside",
        "lri",
        "zwsp",
        "tab",
        "lsep",
        "private-use",
    ],
)
def test_separators_and_invisible_or_bidi_characters_in_names_are_refused(api, name, reason):
    before = (api.settings.corpus_dir / "falcons.txt").read_bytes()
    sent = api.raw_upload(b'; filename="' + name.encode() + b'"')  # not percent-encoded
    err = error(sent, 422, "invalid_document")
    assert reason in err["message"]
    assert (api.settings.corpus_dir / "falcons.txt").read_bytes() == before
    assert api.files() == {"falcons.txt", "bread.md", "volcano.txt"}


def test_an_empty_file_name_and_a_field_without_one_say_so(api):
    empty = error(api.raw_upload(b'; filename=""'), 422, "invalid_document")
    assert "file name is empty" in empty["message"]
    plain = error(api.raw_upload(b""), 422, "invalid_document")
    assert "no file name" in plain["message"]


@pytest.mark.parametrize("name", ["chart.png", "notes", "archive.tar.gz", "page.PHP"])
def test_file_types_outside_the_list_are_refused(api, name):
    err = error(api.upload(name, OTTERS), 422, "invalid_document")
    assert "unsupported file type" in err["message"]


# --- collisions: adding never replaces ------------------------------------------------------


def test_two_titles_with_one_slug_keep_both_texts(api):
    first = api.post("/documents", json={"title": "Budget 2024", "text": "We spend 5 dollars."})
    assert first.status_code == 201, first.text
    second = api.post("/documents", json={"title": "budget: 2024!", "text": "Nothing at all."})

    err = error(second, 409, "document_exists")
    assert err["document_id"] == first.json()["id"] and first.json()["id"] in err["hint"]
    detail = httpx.get(f"{api.url}/documents/{first.json()['id']}").json()
    assert detail["title"] == "Budget 2024" and "5 dollars" in detail["text"]


def test_titles_without_letters_get_their_own_names(api):
    bangs = api.post("/documents", json={"title": "!!!", "text": "Bang bang bang."})
    marks = api.post("/documents", json={"title": "???", "text": "Question marks."})
    assert bangs.status_code == marks.status_code == 201, (bangs.text, marks.text)
    assert bangs.json()["path"] != marks.json()["path"]
    assert "document.md" not in api.files()
    again = api.post("/documents", json={"title": "!!!", "text": "Another bang."})
    assert error(again, 409, "document_exists")["document_id"] == bangs.json()["id"]


def test_an_upload_over_an_existing_file_is_409_and_put_replaces_it(api):
    falcons = document_id("falcons.txt")
    err = error(api.upload("falcons.txt", OTTERS), 409, "document_exists")
    assert err["document_id"] == falcons
    assert b"peregrine" in (api.settings.corpus_dir / "falcons.txt").read_bytes()

    replaced = api.put(f"/documents/{falcons}", files={"file": ("x.txt", OTTERS, "text/plain")})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["action"] == "replaced" and replaced.json()["id"] == falcons
    assert (api.settings.corpus_dir / "falcons.txt").read_bytes() == OTTERS


def test_unicode_spellings_of_one_name_are_one_name(api):
    assert api.upload("caf\u00e9.txt", OTTERS).status_code == 201  # composed é
    err = error(api.upload("cafe\u0301.txt", OTTERS), 409, "document_exists")  # e + accent
    assert err["document_id"] == document_id("caf\u00e9.txt")


def test_put_refuses_unknown_ids_and_a_change_of_type(api):
    text = {"title": "T", "text": "Some text."}
    error(api.put("/documents/0123456789abcdef", json=text), 404, "document_not_found")
    falcons = f"/documents/{document_id('falcons.txt')}"
    assert "not Markdown" in error(api.put(falcons, json=text), 422, "invalid_document")["message"]
    pdf = {"file": ("f.pdf", pdf_with_pages("Falcons"), "application/pdf")}
    assert ".txt" in error(api.put(falcons, files=pdf), 422, "invalid_document")["message"]


# --- bodies that are too much ---------------------------------------------------------------


def _pdf_bomb(inflated: int = 200_000_000) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes of spaces."""
    stream = zlib.compress(b" " * inflated, 9)
    pdf = pdf_with_pages("placeholder")
    head, _, rest = pdf.partition(b"<< /Length")
    _, _, tail = rest.partition(b"endstream")
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
    # Offsets in the cross-reference table no longer match; pypdf rebuilds them as readers do.
    return head + body + tail


def test_a_pdf_bomb_is_413_with_a_clear_message(api):
    bomb = _pdf_bomb()
    assert len(bomb) < api.settings.max_upload_bytes  # small on the wire, 200 MB inflated

    err = error(api.upload("bomb.pdf", bomb, "application/pdf"), 413, "document_too_large")
    assert "decompression bomb" in err["message"]
    assert "bomb.pdf" not in api.files()


@pytest.mark.parametrize(
    "data", [b"%PDF-1.4\n garbage", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj"]
)
def test_a_broken_pdf_is_422(api, data):
    err = error(api.upload("broken.pdf", data, "application/pdf"), 422, "invalid_document")
    assert "PDF" in err["message"]


# --- a damaged index file never blocks writes ----------------------------------------------


def _garbage(path) -> None:
    path.write_bytes(b"this is not a database " * 100)


def _torn(path) -> None:
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xee" * (4096 - 100)  # the schema page, after the file header
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_garbage, _torn], ids=["garbage", "torn-header-page"])
def test_a_damaged_segment_is_noticed_by_the_next_write_which_rebuilds(api, damage):
    index = api.settings.index_dir
    damaged = VersionReader(layout.current_folder(index)).manifest.segments[-1].id
    damage(layout.segments_dir(index) / damaged / "store.sqlite")

    for name in ("otters.txt", "otters2.txt"):
        response = api.upload(name, OTTERS.replace(b"clams", b"clams " + name.encode()))
        assert response.status_code == 201, response.text
    current = VersionReader(layout.current_folder(index))
    assert damaged not in {ref.id for ref in current.manifest.segments}
    answer = api.post("/ask", json={"question": "What do sea otters crack open?"}).json()
    assert answer["quotes"] and "stones" in answer["quotes"][0]["text"]


# --- keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["api_key", "read_api_key"])
@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_api_key_is_a_configuration_error(tmp_path, field, value):
    with pytest.raises(ValidationError, match="set but empty"):
        corpus_settings(tmp_path, **{field: value})


def test_writes_stay_closed_even_if_an_empty_key_slips_past_the_settings(
    tmp_path, embedder, serve_app
):
    settings = corpus_settings(tmp_path)
    build_index(settings, embedder)
    settings = settings.model_copy(update={"api_key": SecretStr("")})
    url = serve_app(create_app(Runtime.build(settings, embedder), plugins=False))
    for headers in ({"X-API-Key": ""}, {}):
        response = httpx.post(url + "/documents", json={"title": "t", "text": "x"}, headers=headers)
        assert error(response, 401, "unauthorized")
    assert not (settings.corpus_dir / "t.md").exists()


# --- the connection and the error shape survive anything -----------------------------------


def _exchange(sock: socket.socket, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send one HTTP/1.1 request on an open socket and read exactly one response."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        body += sock.recv(65536)
    return int(lines[0].split()[1]), headers, body


def _request(method: str, path: str, body: bytes = b"", kind: str = "application/json") -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {kind}\r\n"
        f"X-API-Key: write-secret\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def test_keep_alive_survives_every_kind_of_error(api, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("a bug nobody foresaw")

    monkeypatch.setattr(api.app.state.service, "search", explode)
    port = urlparse(api.url).port
    good = _request("POST", "/ask", b'{"question": "What do falcons nest on?"}')
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        for bad, status in [
            (_request("POST", "/ask", b'{"question": "\\ud800"}'), 422),
            (_request("POST", "/documents", b"[" * 100_000), 422),
            (_request("POST", "/search", b'{"query": "falcons"}'), 503),
            (_request("POST", "/documents", b'{"title": "\xff", "text": "x"}'), 422),
        ]:
            got, headers, body = _exchange(sock, bad)
            assert got == status, body
            assert headers.get("connection", "").lower() != "close"
            again, _, answer = _exchange(sock, good)
            assert again == 200 and json.loads(answer)["quotes"], answer


def test_an_unforeseen_error_is_a_logged_503_in_the_error_shape(api, monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(api.app.state.service, "documents", explode)
    err = error(httpx.get(api.url + "/documents"), 503, "internal_error")
    assert "boom" not in err["message"] and err["hint"]
    assert any("KeyError" in (r.exc_text or "") for r in caplog.records)


@pytest.mark.parametrize(
    "path, allowed",
    [
        ("/ask", {"POST"}),
        ("/documents", {"GET", "POST"}),
        ("/documents/abc", {"GET", "PUT", "DELETE"}),
    ],
)
@pytest.mark.parametrize("method", ["TRACE", "PATCH", "CONNECT"])
def test_an_unsupported_method_is_405_with_an_allow_header(api, path, allowed, method):
    response = httpx.request(method, api.url + path, timeout=30)
    error(response, 405, "method_not_allowed")
    assert set(response.headers["allow"].replace(" ", "").split(",")) == allowed


# --- the schema says what the server accepts ------------------------------------------------


def test_the_schema_declares_min_length_and_the_accepted_file_types(api):
    spec = httpx.get(api.url + "/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert schemas["AskRequest"]["properties"]["question"]["minLength"] == 1
    assert schemas["SearchRequest"]["properties"]["query"]["minLength"] == 1
    for method in ("post", "put"):
        paths = spec["paths"]["/documents" if method == "post" else "/documents/{document_id}"]
        multipart = paths[method]["requestBody"]["content"]["multipart/form-data"]
        kinds = {k.strip() for k in multipart["encoding"]["file"]["contentType"].split(",")}
        assert kinds == set(MEDIA_TYPES)
        assert {"text/plain", "text/markdown", "text/html", "application/pdf"} <= kinds
        assert "image/png" not in json.dumps(multipart)
    text_doc = spec["paths"]["/documents"]["post"]["requestBody"]["content"]["application/json"]
    assert "source_url" in text_doc["schema"]["properties"]


def test_source_url_is_the_citation_and_unknown_fields_are_refused(api):
    doc = {
        "title": "Wiki page",
        "text": "The wiki lives on the intranet.",
        "source_url": "https://wiki.example.com/page",
    }
    response = api.post("/documents", json=doc)
    assert response.status_code == 201, response.text
    assert response.json()["source"] == doc["source_url"]
    typo = dict(doc, title="Other page", sourceurl=doc.pop("source_url"))
    assert (
        "sourceurl" in error(api.post("/documents", json=typo), 422, "invalid_request")["message"]
    )


def test_docs_load_every_asset_from_this_server(api):
    page = httpx.get(api.url + "/docs")
    assert page.status_code == 200
    import re

    assets = re.findall(r"""(?:src|href)\s*[=:]\s*['"]([^'"]+)['"]""", page.text)
    assets += re.findall(r"""url:\s*['"]([^'"]+)['"]""", page.text)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))], assets
    scripts = [a for a in assets if a.endswith(".js")]
    assert scripts, assets
    for asset in assets:
        got = httpx.get(api.url + asset)
        assert got.status_code == 200 and len(got.content) > 100, asset
    bundle = httpx.get(api.url + scripts[0]).text
    assert "SwaggerUIBundle" in bundle and "3.1" in httpx.get(api.url + "/openapi.json").text[:30]
