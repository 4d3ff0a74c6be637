"""Requests as Slack sends them: Events API JSON, slash-command and interactivity forms,
signed with slack_sdk's own SignatureVerifier (not the code under test)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret"
_ids = itertools.count(1)


def next_ts() -> str:
    """A unique Slack-style message timestamp."""
    return f"{int(time.time())}.{next(_ids):06d}"


def signed_headers(body: bytes, *, secret: str = SIGNING_SECRET, ts: int | None = None) -> dict:
    timestamp = str(int(time.time()) if ts is None else ts)
    try:
        signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    except UnicodeDecodeError:  # slack_sdk signs text only; Slack's scheme is over bytes
        base = b"v0:" + timestamp.encode() + b":" + body
        signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": "UQABOT", "is_bot": True}],
        "event": event,
    }


def mention(text: str, *, channel: str = "C0001", user: str = "U0001", **extra: Any) -> dict:
    ts = extra.pop("ts", None) or next_ts()
    event = {"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": channel}
    return {**event, "event_ts": ts, **extra}


def direct_message(text: str, *, channel: str = "D0001", user: str = "U0001", **extra: Any):
    ts = extra.pop("ts", None) or next_ts()
    event = {"type": "message", "channel_type": "im", "user": user, "text": text}
    return {**event, "ts": ts, "channel": channel, "event_ts": ts, **extra}


def slash_command(text: str, response_url: str, *, user: str = "U0001", channel="C0001"):
    return {
        "token": "legacy",
        "team_id": "T0001",
        "channel_id": channel,
        "user_id": user,
        "command": "/ask",
        "text": text,
        "response_url": response_url,
        "trigger_id": "1.2.3",
        "api_app_id": "A0001",
    }


def block_action(
    action: dict[str, Any],
    *,
    response_url: str,
    user: str = "U0001",
    channel: str = "C0001",
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    container = {"type": "message", "channel_id": channel, "is_ephemeral": message is None}
    payload = {
        "type": "block_actions",
        "team": {"id": "T0001"},
        "user": {"id": user},
        "api_app_id": "A0001",
        "token": "legacy",
        "container": container,
        "trigger_id": "1.2.3",
        "channel": {"id": channel},
        "response_url": response_url,
        "actions": [{**action, "block_id": "qa_answer_actions", "type": "button"}],
    }
    if message is not None:
        payload["message"] = message
    return payload


def post_event(
    base_url: str, payload: dict, client: httpx.Client | None = None, **headers: str
) -> httpx.Response:
    body = json.dumps(payload).encode()
    all_headers = {"Content-Type": "application/json", **signed_headers(body), **headers}
    send = client.post if client is not None else httpx.post
    return send(f"{base_url}/slack/events", content=body, headers=all_headers)


def post_form(base_url: str, form: dict[str, str]) -> httpx.Response:
    body = urlencode(form).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    return httpx.post(f"{base_url}/slack/events", content=body, headers=headers)


def post_action(base_url: str, payload: dict) -> httpx.Response:
    return post_form(base_url, {"payload": json.dumps(payload)})
