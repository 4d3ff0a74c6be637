"""Slack bot latency on the shipped corpus, over real loopback HTTP.

1. Answer latency: from a signed ``app_mention`` being sent to ``/slack/events`` to the
   Slack stand-in receiving the ``chat.postMessage`` with the answer (target < 300 ms).
2. Ack latency: the HTTP status of ``/slack/events`` itself, measured both with the
   real service and with a service slowed to 2 s per answer (target < 100 ms even then).

Run:  .venv/bin/python -m bench.slack_latency [--questions 50] [--index DIR]
Without --index it builds a fresh index from corpus/ in a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from fastapi import FastAPI

from bot.plugin import mount_http
from harness.servers import serve
from harness.slack_requests import SIGNING_SECRET, event_callback, mention, post_event
from harness.slack_standin import BOT_USER_ID, SlackStandIn
from qa.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

QUESTIONS = [
    "How many hectares of coca were under cultivation in 2019?",
    "What is the potential annual cocaine production of Peru?",
    "When did Congress vote to remove President Vizcarra?",
    "How many people had the virus infected by October 2020?",
    "How much did the economy shrink?",
    "How many illegal mining sites did the La Pampa operation destroy?",
    "How many security forces were sent in Operation Mercurio?",
    "Where is coca production in Peru concentrated?",
    "Who leads the counterdrug organization DEVIDA?",
    "When was Artemio captured?",
    "How many Sendero Luminoso combatants remain in the VRAEM?",
    "How many government bases are in the VRAEM?",
    "Since when may Peru shoot down suspected narco-aircraft?",
    "What share of economic activity is informal?",
    "Which substance poisons the water around illegal mines?",
    "How many of Peru's presidents have been jailed since 2000?",
    "What happened on October 29, 2020?",
    "How much coca was seized in the September 2020 operation?",
    "Which countries share the tri-border criminal hub with Peru?",
    "Where is the demand for Peruvian cocaine?",
    "What is the airspeed velocity of an unladen swallow?",
    "Who won the 1998 football world cup?",
    "What did the Peruvian Navy deploy to remote areas?",
    "Which provinces are near Madre de Dios?",
    "When did Operation Mercury start?",
]


class SlowService:
    """The real service, made to take ``delay`` seconds per answer."""

    def __init__(self, service, delay: float) -> None:
        self.service, self.delay = service, delay

    def ask(self, question: str, top_k: int | None = None):
        time.sleep(self.delay)
        return self.service.ask(question, top_k)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(name: str, ms: list[float]) -> str:
    return (
        f"{name:<50} median {statistics.median(ms):7.1f} ms   p95 {pct(ms, 0.95):7.1f} ms"
        f"   max {max(ms):7.1f} ms   n={len(ms)}"
    )


def run(service, settings: Settings, standin: SlackStandIn, count: int, wait: bool):
    """Send ``count`` signed mentions; return (ack ms, answer ms) lists.

    ``wait``: one question at a time; otherwise send them all, then collect the answers.
    """
    acks, sent = [], {}
    app = FastAPI()  # the bot's endpoint alone, as `qa serve` mounts it
    assert mount_http(app, service, settings)
    with serve(app) as url, httpx.Client() as client:  # one client: no per-request setup
        post_event(url, event_callback(mention(f"<@{BOT_USER_ID}> warm up")), client)
        standin.wait_for("chat.postMessage", count=1, timeout=30)  # auth.test done
        for n in range(count):
            event = mention(f"<@{BOT_USER_ID}> {QUESTIONS[n % len(QUESTIONS)]}")
            started = time.perf_counter()
            response = post_event(url, event_callback(event), client)
            acks.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            sent[event["ts"]] = started
            if wait:
                standin.wait_for("chat.postMessage", count=n + 2, timeout=30)
        calls = standin.wait_for("chat.postMessage", count=count + 1, timeout=300)
    answers = [
        (c.at - sent[c.body["thread_ts"]]) * 1000 for c in calls if c.body.get("thread_ts") in sent
    ]
    assert len(answers) == count, f"{len(answers)} answers to {count} questions"
    return acks, answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--slow-questions", type=int, default=10)
    parser.add_argument("--delay", type=float, default=2.0, help="slowed service, seconds")
    parser.add_argument("--index", type=Path, help="an existing index (default: build one)")
    args = parser.parse_args()

    from qa.build.build import build_index
    from qa.runtime import Runtime, build_embedder

    with tempfile.TemporaryDirectory(prefix="qa-slack-bench-") as tmp:
        work = Path(tmp)
        index_dir = args.index or work / "index"
        base = Settings(_env_file=None, corpus_dir=ROOT / "corpus", index_dir=index_dir)
        embedder = build_embedder(base)
        if args.index is None:
            build_index(base, embedder)
        service = Runtime.build(base, embedder).service

        results = []
        for label, svc, count, wait in (
            ("real service", service, args.questions, True),
            (
                f"service slowed to {args.delay:g} s",
                SlowService(service, args.delay),
                args.slow_questions,
                False,
            ),
        ):
            standin = SlackStandIn().start()
            try:
                settings = Settings(
                    _env_file=None,
                    index_dir=work / label.replace(" ", "-"),
                    SLACK_BOT_TOKEN="xoxb-bench",
                    SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=standin.url,
                )
                results.append((label, *run(svc, settings, standin, count, wait)))
            finally:
                standin.stop()
        shutil.rmtree(work / "index", ignore_errors=True)

    print("Slack bot latency on corpus/ (signed app_mention -> /slack/events over loopback)")
    for label, acks, answers in results:
        print(summary(f"mention -> answer posted ({label})", answers))
        print(summary(f"ack (HTTP status) ({label})", acks))
    print("targets: answer median < 300 ms; ack < 100 ms even when answering takes seconds")
    print("reproduce: .venv/bin/python -m bench.slack_latency --questions 50")
    return 0


if __name__ == "__main__":
    sys.exit(main())
