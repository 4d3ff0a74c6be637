"""``GET /metrics`` in Prometheus' text format, from a registry owned by one app.

Each app gets its own ``CollectorRegistry`` (never prometheus-client's global one), so
several apps in one process, as in the tests, count separately. Requests are labelled by
route template (``/documents/{document_id}``), never by raw path, and nothing here ever
carries a question's text.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector

from qa.errors import NoIndex
from qa.index.live import LiveIndex
from qa.models import Answer

INTERFACES = ("api", "web", "slack")
SLACK_OUTCOMES = ("received", "deduplicated", "dropped")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CONFIDENCE_BUCKETS = (0.04, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)
UPDATE_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

router = APIRouter()


class Metrics:
    """Every number ``/metrics`` shows for one app."""

    def __init__(self, live: LiveIndex) -> None:
        self.registry = registry = CollectorRegistry()
        self.requests = Counter(
            "qa_http_requests",
            "HTTP requests by route template, method and status",
            ["route", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "qa_http_request_duration_seconds",
            "HTTP request latency by route template",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.answers = Counter(
            "qa_answers",
            "questions answered with quotes or abstained, by interface",
            ["outcome", "interface"],
            registry=registry,
        )
        self.confidence = Histogram(
            "qa_answer_confidence",
            "calibrated confidence of every answer (answered or not)",
            ["interface"],
            buckets=CONFIDENCE_BUCKETS,
            registry=registry,
        )
        self.updates = Histogram(
            "qa_index_update_duration_seconds",
            "document writes through the API, from request to the new version served",
            ["action"],
            buckets=UPDATE_BUCKETS,
            registry=registry,
        )
        self.slack = Counter(
            "qa_slack_events",
            "Slack events received, deduplicated (redeliveries and repeats) "
            "and messages dropped after retries",
            ["outcome"],
            registry=registry,
        )
        for interface in INTERFACES:
            for outcome in ("answered", "abstained"):
                self.answers.labels(outcome, interface)
            self.confidence.labels(interface)
        for outcome in SLACK_OUTCOMES:
            self.slack.labels(outcome)
        registry.register(IndexCollector(live))

    def observe_answer(self, answer: Answer, interface: str) -> None:
        """Count one answer; only its outcome and confidence, never the question."""
        self.answers.labels("answered" if answer.answered else "abstained", interface).inc()
        self.confidence.labels(interface).observe(answer.confidence)

    def observe_update(self, action: str, seconds: float) -> None:
        self.updates.labels(action).observe(seconds)

    def slack_event(self, outcome: str) -> None:
        """The hook the Slack bot calls: ``received``, ``deduplicated`` or ``dropped``."""
        if outcome in SLACK_OUTCOMES:
            self.slack.labels(outcome).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class IndexCollector(Collector):
    """The served index, read at scrape time: version, age, counts, build duration."""

    def __init__(self, live: LiveIndex) -> None:
        self.live = live

    def collect(self) -> Iterator:
        loaded = GaugeMetricFamily("qa_index_loaded", "1 when an index version is served")
        try:
            reader = self.live.current()
        except NoIndex:
            loaded.add_metric([], 0)
            yield loaded
            return
        loaded.add_metric([], 1)
        yield loaded
        manifest = reader.manifest
        info = InfoMetricFamily("qa_index", "the index version served and its model")
        info.add_metric([], {"version": reader.version, "model": manifest.model})
        yield info
        built = _epoch(manifest.built_at)
        if built is not None:
            yield GaugeMetricFamily(
                "qa_index_age_seconds",
                "seconds since the served version was built",
                value=max(0.0, time.time() - built),
            )
        for name in ("documents", "chunks", "sentences"):
            yield GaugeMetricFamily(
                f"qa_index_{name}",
                f"{name} in the served index version",
                value=getattr(manifest.counts, name),
            )
        if manifest.build_seconds is not None:
            yield GaugeMetricFamily(
                "qa_index_build_duration_seconds",
                "how long the build that produced the served version took",
                value=manifest.build_seconds,
            )


def _epoch(stamp: object) -> float | None:
    try:
        return float(calendar.timegm(time.strptime(str(stamp), "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


class RequestMetrics:
    """ASGI middleware: count and time every HTTP request by its route template."""

    def __init__(self, app, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root_path = scope.get("root_path", "")
        status = 500
        started = time.perf_counter()

        async def recording_send(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route, method = _template(scope, root_path), scope.get("method", "")
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.latency.labels(route, method).observe(time.perf_counter() - started)


def _template(scope, root_path: str) -> str:
    """The matched route's path template, as routing left it in the scope; never the raw
    path (unbounded labels). A mount (the static files) counts as ``/prefix/{path}``."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if template:
        return template
    mounted = scope.get("root_path", "")
    if mounted != root_path and mounted.startswith(root_path):
        return mounted[len(root_path) :] + "/{path}"
    return "unmatched"


async def app_metrics(request: Request) -> Metrics:
    """The app's own counters (``create_app`` keeps them on ``app.state``)."""
    return request.app.state.metrics


AppMetrics = Annotated[Metrics, Depends(app_metrics)]


@router.get("/metrics", include_in_schema=False)
def metrics(counters: AppMetrics) -> Response:
    """Prometheus text exposition of this app's registry."""
    return Response(counters.render(), media_type=CONTENT_TYPE_LATEST)
