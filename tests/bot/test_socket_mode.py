"""Socket Mode end to end: the bot opens a real WebSocket to a local stand-in, acks the
envelope and posts the answer through the Web API stand-in."""

from __future__ import annotations

import pytest

from bot.plugin import start_socket_mode
from harness.slack_requests import event_callback, mention, slash_command
from harness.slack_standin import BOT_USER_ID
from tests.support.settings import bot_settings
from tests.support.socket_standin import SocketStandIn, events_api_envelope

QUESTION = "How many hectares of coca were under cultivation in 2019?"


@pytest.fixture
def socket_standin(standin):
    server = SocketStandIn().start()
    standin.socket_url = server.url
    yield server
    server.stop()


@pytest.fixture
def connected(standin, socket_standin, real_service, tmp_path):
    settings = bot_settings(standin, tmp_path, SLACK_APP_TOKEN="xapp-test")
    handle = start_socket_mode(real_service, settings)
    assert socket_standin.connected.wait(10)
    yield handle
    handle.close()


def test_mention_over_socket_mode_is_acked_and_answered(standin, socket_standin, connected):
    (opened,) = standin.calls_to("apps.connections.open")
    assert opened.headers["Authorization"] == "Bearer xapp-test"
    event = mention(f"<@{BOT_USER_ID}> {QUESTION}", channel="C0321")

    socket_standin.send(events_api_envelope(event_callback(event), "env-1"))

    assert socket_standin.wait_for_ack("env-1") == {"envelope_id": "env-1"}
    (call,) = standin.wait_for("chat.postMessage")
    assert call.body["channel"] == "C0321"
    assert call.body["thread_ts"] == event["ts"]
    assert "72,000 hectares" in call.body["text"]
    assert call.headers["Authorization"] == "Bearer xoxb-test"


def test_socket_mode_redelivery_is_acked_but_answered_once(standin, socket_standin, connected):
    payload = event_callback(mention(f"<@{BOT_USER_ID}> {QUESTION}"), event_id="EvSOCK")

    socket_standin.send(events_api_envelope(payload, "env-a"))
    socket_standin.send({**events_api_envelope(payload, "env-b"), "retry_attempt": 1})

    assert socket_standin.wait_for_ack("env-a") is not None
    assert socket_standin.wait_for_ack("env-b") is not None
    standin.wait_for("chat.postMessage", count=2, timeout=3)
    assert len(standin.calls_to("chat.postMessage")) == 1


def test_slash_command_over_socket_mode(standin, socket_standin, connected):
    command = slash_command(QUESTION, standin.response_url("ask"), user="U0999")
    envelope = {
        "envelope_id": "env-cmd",
        "payload": command,
        "type": "slash_commands",
        "accepts_response_payload": True,
    }

    socket_standin.send(envelope)

    assert socket_standin.wait_for_ack("env-cmd")["envelope_id"] == "env-cmd"
    (call,) = standin.wait_for("chat.postEphemeral")
    assert call.body["user"] == "U0999"
    assert "72,000 hectares" in call.body["text"]


def test_socket_mode_needs_an_app_token(standin, real_service, tmp_path):
    assert start_socket_mode(real_service, bot_settings(standin, tmp_path)) is None
