"""The shipped Slack app manifest asks for what the listeners handle, and no less."""

from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "bot" / "manifest.yaml"
URL = "https://YOUR-HOST/slack/events"


def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text())


def test_scopes_events_and_command():
    m = manifest()
    scopes = set(m["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "im:history", "im:read", "commands"} <= scopes
    assert m["settings"]["event_subscriptions"]["bot_events"] == ["app_mention", "message.im"]
    (command,) = m["features"]["slash_commands"]
    assert command["command"] == "/ask"
    assert m["settings"]["interactivity"]["is_enabled"] is True


def test_every_request_url_points_at_the_one_endpoint():
    m = manifest()
    urls = [
        m["settings"]["event_subscriptions"]["request_url"],
        m["settings"]["interactivity"]["request_url"],
        *(c["url"] for c in m["features"]["slash_commands"]),
    ]
    assert urls == [URL, URL, URL]


def test_direct_messages_are_enabled_in_app_home():
    assert manifest()["features"]["app_home"]["messages_tab_enabled"] is True
