"""The qa.plugins wiring: `qa serve` mounts /slack/events only when configured, and
`qa slack` runs Socket Mode as a real process or explains what is missing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import replace

import httpx
from fastapi import FastAPI

from bot.plugin import mount_http
from harness.servers import serve
from harness.slack_requests import event_callback, mention
from harness.slack_standin import BOT_USER_ID
from qa.cli import main
from qa.settings import Settings
from tests.support.settings import bot_settings
from tests.support.socket_standin import SocketStandIn, events_api_envelope


def test_not_mounted_without_credentials(standin, tmp_path):
    app = FastAPI()
    settings = Settings(_env_file=None, index_dir=tmp_path, SLACK_BOT_TOKEN="xoxb-test")

    assert mount_http(app, object(), settings) is False
    assert all(getattr(r, "path", "") != "/slack/events" for r in app.routes)


def test_core_app_without_slack_settings_has_no_slack_route(real_runtime, tmp_path):
    from qa.api.app import create_app

    app = create_app(replace(real_runtime, settings=Settings(_env_file=None, index_dir=tmp_path)))
    with serve(app) as url:
        assert httpx.post(f"{url}/slack/events", content=b"{}").status_code in (404, 405)


def test_mount_http_on_a_bare_fastapi_app(standin, tmp_path):
    app = FastAPI()
    assert mount_http(app, object(), bot_settings(standin, tmp_path)) is True
    with serve(app) as url:
        assert httpx.post(f"{url}/slack/events", content=b"{}").status_code == 401


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "QA_"))}
    return {**env, **extra}


def test_qa_slack_without_tokens_explains_and_exits_2(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "QA_SLACK_APP_TOKEN", "QA_SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    assert main(["slack"]) == 2

    err = capsys.readouterr().err
    assert "SLACK_APP_TOKEN and SLACK_BOT_TOKEN not set" in err
    assert "Socket Mode" in err


def test_qa_slack_process_answers_over_socket_mode_and_stops_on_sigterm(
    standin, built_index, tmp_path
):
    index_dir = built_index[0].index_dir
    sockets = SocketStandIn().start()
    standin.socket_url = sockets.url
    env = clean_env(
        SLACK_APP_TOKEN="xapp-test", SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=standin.url
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "qa", "slack", "--index", str(index_dir)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert sockets.connected.wait(60), "qa slack never connected"
        event = mention(f"<@{BOT_USER_ID}> How many hectares of coca were grown in 2019?")
        sockets.send(events_api_envelope(event_callback(event), "env-cli"))

        assert sockets.wait_for_ack("env-cli") is not None
        (call,) = standin.wait_for("chat.postMessage")
        assert "72,000 hectares" in call.body["text"]

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
        output = process.communicate()[0]
        sockets.stop()
    assert "connected to Slack over Socket Mode" in output
