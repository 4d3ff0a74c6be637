"""GET /metrics: Prometheus text from the app's own registry; counters move as it works."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from qa.api.app import create_app
from qa.runtime import Runtime
from tests.support.web_corpus import PAYROLL_ID, PAYROLL_QUESTION, UNANSWERABLE, web_corpus

KEY = {"X-API-Key": "metrics-write"}


@pytest.fixture(scope="module")
def index(tmp_path_factory, embedder):
    return web_corpus(tmp_path_factory.mktemp("metrics"), embedder, api_key="metrics-write")


@pytest.fixture
def url(index, embedder, serve_app) -> str:
    """A fresh app (fresh counters) over the module's index."""
    return serve_app(create_app(Runtime.build(index, embedder), plugins=False))


def scrape(url: str) -> dict[tuple[str, tuple], float]:
    response = httpx.get(url + "/metrics", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_route_template_and_status(url):
    before = scrape(url)
    httpx.get(f"{url}/documents/{PAYROLL_ID}", timeout=30)
    httpx.get(f"{url}/documents/{PAYROLL_ID}/view?start=0&end=3", timeout=30)
    httpx.get(f"{url}/documents/nope", timeout=30)
    httpx.get(f"{url}/no/such/path", timeout=30)
    after = scrape(url)

    route = "/documents/{document_id}"
    assert value(after, "qa_http_requests_total", route=route, method="GET", status="200") == 1
    assert value(after, "qa_http_requests_total", route=route, method="GET", status="404") == 1
    view = route + "/view"
    assert value(after, "qa_http_requests_total", route=view, method="GET", status="422") == 1
    assert (
        value(after, "qa_http_requests_total", route="unmatched", method="GET", status="404") == 1
    )
    count = value(after, "qa_http_request_duration_seconds_count", route=route, method="GET")
    assert (
        count - value(before, "qa_http_request_duration_seconds_count", route=route, method="GET")
        == 2
    )
    labels = {dict(key[1]).get("route") for key in after}
    assert not any(PAYROLL_ID in str(r) or "nope" in str(r) for r in labels)  # never raw paths


def test_answers_abstentions_and_confidence_are_counted_without_the_question(url):
    httpx.post(url + "/ask", json={"question": PAYROLL_QUESTION}, timeout=60)
    httpx.post(url + "/ask", json={"question": UNANSWERABLE}, timeout=60)
    httpx.get(url + "/", params={"q": PAYROLL_QUESTION}, timeout=60)
    samples = scrape(url)
    text = httpx.get(url + "/metrics", timeout=30).text

    assert value(samples, "qa_answers_total", outcome="answered", interface="api") == 1
    assert value(samples, "qa_answers_total", outcome="abstained", interface="api") == 1
    assert value(samples, "qa_answers_total", outcome="answered", interface="web") == 1
    assert value(samples, "qa_answer_confidence_count", interface="api") == 2
    assert value(samples, "qa_answer_confidence_bucket", interface="api", le="0.04") == 1
    for words in (PAYROLL_QUESTION, UNANSWERABLE, "salaries", "mercury"):
        assert words.lower() not in text.lower()


def test_index_version_age_and_counts_match_the_served_index(url):
    ready = httpx.get(url + "/readyz", timeout=30).json()
    samples = scrape(url)

    info = [key for key in samples if key[0] == "qa_index_info"]
    assert [dict(key[1])["version"] for key in info] == [ready["index_version"]]
    assert value(samples, "qa_index_documents") == ready["documents"] == 3
    assert value(samples, "qa_index_sentences") == ready["sentences"]
    assert 0 <= value(samples, "qa_index_age_seconds") < 3600
    assert value(samples, "qa_index_build_duration_seconds") > 0


def test_document_writes_record_their_duration_and_move_the_index(url):
    before = scrape(url)
    response = httpx.post(
        url + "/documents",
        headers=KEY,
        timeout=120,
        files={"file": ("otters.txt", b"Sea otters\n\nSea otters crack clams with stones.\n")},
    )
    assert response.status_code == 201, response.text
    httpx.delete(f"{url}/documents/{response.json()['id']}", headers=KEY, timeout=120)
    after = scrape(url)

    assert value(after, "qa_index_update_duration_seconds_count", action="added") == 1
    assert value(after, "qa_index_update_duration_seconds_count", action="deleted") == 1
    assert value(after, "qa_index_update_duration_seconds_sum", action="added") > 0
    old = [dict(k[1])["version"] for k in before if k[0] == "qa_index_info"]
    new = [dict(k[1])["version"] for k in after if k[0] == "qa_index_info"]
    assert old != new


def test_each_app_counts_on_its_own_registry(index, embedder, serve_app):
    first = serve_app(create_app(Runtime.build(index, embedder), plugins=False))
    second = serve_app(create_app(Runtime.build(index, embedder), plugins=False))
    for _ in range(3):
        httpx.get(first + "/healthz", timeout=30)

    ok = {"route": "/healthz", "method": "GET", "status": "200"}
    assert value(scrape(first), "qa_http_requests_total", **ok) == 3
    assert value(scrape(second), "qa_http_requests_total", **ok) == 0
