"""Take the README's screenshots of the web page: an answer, "not found", a document view.

Indexes the shipped corpus in a temp folder, serves it on 127.0.0.1 and photographs the
three states in headless Chromium (Debian's, see harness/browser.py) into docs/.

    .venv/bin/python docs/make_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # harness/, as the benchmarks import it
from harness import browser  # noqa: E402
from harness.servers import serve  # noqa: E402
from qa.api.app import create_app  # noqa: E402
from qa.build.build import build_index  # noqa: E402
from qa.runtime import Runtime, build_embedder  # noqa: E402
from qa.settings import Settings  # noqa: E402

ANSWERED = "How many hectares of coca were under cultivation in 2019?"
NOT_FOUND = "What is the capital of Australia?"


def main() -> int:
    from selenium.webdriver.common.by import By

    out = REPO / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, corpus_dir=REPO / "corpus", index_dir=Path(tmp))
        runtime = Runtime.build(settings, build_embedder(settings))
        build_index(settings, runtime.embedder)
        app = create_app(runtime, plugins=False)
        with serve(app) as url, browser.chromium(width=1000, height=620) as driver:
            driver.get(f"{url}/?q={quote(ANSWERED)}")
            driver.save_screenshot(str(out / "web-answer.png"))
            view = driver.find_element(By.CSS_SELECTOR, "article.top a.view-link")
            view.click()
            driver.find_element(By.ID, "quote")
            driver.save_screenshot(str(out / "web-document-view.png"))
            driver.get(f"{url}/?q={quote(NOT_FOUND)}")
            driver.save_screenshot(str(out / "web-not-found.png"))
    for name in ("web-answer.png", "web-not-found.png", "web-document-view.png"):
        print(f"{out / name}: {(out / name).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
