"""The /slack/events edge at the HTTP level: forged, replayed and malformed requests
are refused with a 4xx and trigger nothing; the ack comes back fast even when the
answer is slow."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from fastapi import FastAPI

from bot.endpoint import BadRequest, verify
from bot.plugin import mount_http
from harness.servers import serve
from harness.slack_requests import event_callback, mention, post_event, signed_headers
from harness.slack_standin import BOT_USER_ID
from tests.support.answers import FakeService
from tests.support.settings import bot_settings


def raw_post(url: str, body: bytes, headers: dict) -> httpx.Response:
    return httpx.post(f"{url}/slack/events", content=body, headers=headers)


def valid_body(text: str = "hectares of coca in 2019?") -> bytes:
    return json.dumps(event_callback(mention(f"<@{BOT_USER_ID}> {text}"))).encode()


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "make_headers",
    [
        pytest.param(lambda body: signed_headers(body, secret="wrong-secret"), id="forged"),
        pytest.param(lambda body: signed_headers(body, ts=int(time.time()) - 360), id="replayed"),
        pytest.param(lambda body: signed_headers(body, ts=int(time.time()) + 360), id="future"),
        pytest.param(lambda body: {}, id="unsigned"),
        pytest.param(
            lambda body: {**signed_headers(body), "X-Slack-Signature": "v0=" + "0" * 64},
            id="bad-signature",
        ),
        pytest.param(
            lambda body: {"X-Slack-Signature": signed_headers(body)["X-Slack-Signature"]},
            id="missing-timestamp",
        ),
    ],
)
def test_unauthentic_requests_get_401_and_trigger_nothing(live_bot, make_headers):
    body = valid_body()

    response = raw_post(live_bot.url, body, {**JSON, **make_headers(body)})

    assert response.status_code == 401
    time.sleep(0.3)  # give a wrongly-accepted request time to reach Slack
    assert live_bot.standin.calls == []


def test_body_tampered_after_signing_is_refused(live_bot):
    body = valid_body()
    headers = signed_headers(body)

    response = raw_post(live_bot.url, valid_body("something else"), {**JSON, **headers})

    assert response.status_code == 401


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b'{"type": "event_callback", ', "application/json"),
        (b"\xff\xfe\x00not utf-8", "application/json"),
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        (b"", "application/json"),
        (b"[]", "application/json"),
        (b'{"type": "event_callback", "event": "not an object"}', "application/json"),
        (b'{"type": "block_actions", "actions": 7}', "application/json"),
    ],
    ids=["bad-json", "non-utf8", "bad-form-payload", "empty", "not-object", "bad-event", "odd"],
)
def test_malformed_but_signed_bodies_get_4xx_never_500(live_bot, body, content_type):
    response = raw_post(live_bot.url, body, {"Content-Type": content_type, **signed_headers(body)})

    assert 400 <= response.status_code < 500
    assert live_bot.standin.calls_to("chat.postMessage") == []


@pytest.mark.parametrize("timestamp", ["yesterday", "1e9", "", "-5", "99999999999999999999999"])
def test_malformed_timestamp_header_gets_4xx(live_bot, timestamp):
    body = valid_body()
    headers = {**JSON, **signed_headers(body), "X-Slack-Request-Timestamp": timestamp}

    response = raw_post(live_bot.url, body, headers)

    assert 400 <= response.status_code < 500


def test_oversized_body_is_refused(live_bot):
    body = b'{"pad": "' + b"x" * (1024 * 1024 + 10) + b'"}'

    response = raw_post(live_bot.url, body, {**JSON, **signed_headers(body)})

    assert response.status_code == 413


class SlowService(FakeService):
    def ask(self, question, top_k=None):
        time.sleep(2.0)
        return super().ask(question, top_k)


def test_ack_returns_before_a_slow_answer_and_the_answer_still_arrives(standin, tmp_path):
    app = FastAPI()
    mount_http(app, SlowService(), bot_settings(standin, tmp_path))
    with serve(app) as url:
        post_event(url, event_callback(mention("<@U> warm up")))  # first request runs auth.test
        standin.wait_for("chat.postMessage")

        response = post_event(url, event_callback(mention(f"<@{BOT_USER_ID}> slow one?")))

        assert response.status_code == 200
        # the ack is back while the 2-second answer is still being worked out
        assert len(standin.calls_to("chat.postMessage")) == 1
        calls = standin.wait_for("chat.postMessage", count=2)
        assert len(calls) == 2
        assert "slow one?" in calls[1].body["blocks"][-1]["elements"][0]["value"]


@pytest.mark.parametrize("age, ok", [(0, True), (290, True), (-290, True), (310, False)])
def test_signature_window_is_five_minutes(age, ok):
    body = b'{"type": "event_callback"}'
    headers = signed_headers(body, ts=int(time.time()) - age)
    args = (b"test-signing-secret", body, headers["X-Slack-Request-Timestamp"])
    if ok:
        verify(*args, headers["X-Slack-Signature"])
    else:
        with pytest.raises(BadRequest) as refused:
            verify(*args, headers["X-Slack-Signature"])
        assert refused.value.status == 401
