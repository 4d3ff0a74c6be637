"""Time from submitting a question in the web page to the answer painted, beside POST /ask.

Builds the WikiQA dev index (bench/workspace.py; reused from ``--workdir`` when given),
serves the app with uvicorn on 127.0.0.1 and, for each of the first N WikiQA questions
in turn, times one ``POST /ask`` (httpx, client wall time) and one question asked in
headless Chromium. The browser time runs from the form's submission (recorded in the
page just before ``requestSubmit()``) to the paint of the answer's first quote, or of the
"I could not find this" heading, as Chromium's Element Timing API reports it; both ends
are read from the browser's own clock. The WebDriver-side wall time (click to element
found) is printed too, for comparison.

    .venv/bin/python -m bench.web_latency [--questions 20] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.workspace import wikiqa_index
from harness import browser
from harness.servers import serve
from qa.api.app import create_app
from qa.evaluation.metrics import latency_summary
from qa.runtime import Runtime

REPO = Path(__file__).resolve().parents[1]

WIKIQA = REPO.parent / "shared" / "bench" / "wikiqa-dev.tsv"
WAIT = 120.0

# Runs in the question page: note when the form is submitted, then submit it.
SUBMIT = """
sessionStorage.setItem("submitted", String(performance.timeOrigin + performance.now()));
document.querySelector("form.ask").requestSubmit();
"""
# Runs in the answer page: the answer's paint time (Element Timing), as an epoch in ms.
PAINTED = """
const done = arguments[arguments.length - 1];
const submitted = Number(sessionStorage.getItem("submitted"));
new PerformanceObserver((list, observer) => {
  for (const entry of list.getEntries()) {
    if (entry.identifier === "answer") {
      observer.disconnect();
      const at = entry.renderTime || entry.loadTime;
      done({painted: performance.timeOrigin + at, submitted: submitted});
    }
  }
}).observe({type: "element", buffered: true});
"""


def ask_in_browser(driver, url: str, question: str) -> tuple[float, float]:
    """(submit to paint as the browser saw it, click to element found by WebDriver), ms."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url + "/")
    box = driver.find_element(By.ID, "q")
    box.send_keys(question)
    started = time.perf_counter()
    driver.execute_script(SUBMIT)
    WebDriverWait(driver, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "[elementtiming=answer]"))
    )
    found = (time.perf_counter() - started) * 1000
    times = driver.execute_async_script(PAINTED)
    return times["painted"] - times["submitted"], found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wikiqa", type=Path, default=WIKIQA, help="WikiQA dev TSV")
    parser.add_argument("--workdir", type=Path, help="keep/reuse the corpus and index here")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    why = browser.missing()
    if why:
        print(f"error: {why}", file=sys.stderr)
        return 2

    with contextlib.ExitStack() as stack:
        work = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        wikiqa = wikiqa_index(args.wikiqa, work)
        questions = [q.question for q in wikiqa.questions]
        app = create_app(Runtime.build(wikiqa.settings, wikiqa.embedder), plugins=False)
        url = stack.enter_context(serve(app))
        driver = stack.enter_context(browser.chromium())
        driver.set_script_timeout(WAIT)
        client = stack.enter_context(httpx.Client(base_url=url, timeout=WAIT))
        for question in questions[: args.warmup]:
            client.post("/ask", json={"question": question}).raise_for_status()
            ask_in_browser(driver, url, question)
        api, painted, found, answered = [], [], [], 0
        for question in questions[: args.questions]:
            started = time.perf_counter()
            response = client.post("/ask", json={"question": question})
            api.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            answered += response.json()["answered"]
            paint_ms, found_ms = ask_in_browser(driver, url, question)
            painted.append(paint_ms)
            found.append(found_ms)

    build = wikiqa.build
    command = shlex.join([".venv/bin/python", "-m", "bench.web_latency", *(argv or sys.argv[1:])])
    a, p, f = latency_summary(api), latency_summary(painted), latency_summary(found)
    print(
        f"WikiQA dev index: {build.documents} docs, {build.chunks} chunks, {build.sentences} "
        f"sentences ({'built' if build.changed else 'reused'} in {build.seconds:.1f} s)"
    )
    print(
        f"{len(api)} questions, each asked once over HTTP and once in the page ({answered} answered)"
    )
    print(
        f"POST /ask (httpx, client wall time):            median {a['median_ms']:.1f} ms, "
        f"p95 {a['p95_ms']:.1f} ms"
    )
    print(
        f"web page: submit -> answer painted (Chromium):  median {p['median_ms']:.1f} ms, "
        f"p95 {p['p95_ms']:.1f} ms, min {min(painted):.1f} ms"
    )
    print(
        f"web page: click -> answer found (WebDriver):    median {f['median_ms']:.1f} ms, "
        f"p95 {f['p95_ms']:.1f} ms"
    )
    print(f"page minus API, medians: {statistics.median(painted) - statistics.median(api):.1f} ms")
    print(f"reproduce: cd {REPO} && {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
