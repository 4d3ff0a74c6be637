"""What the tests, the benchmarks and the training scripts share: a real uvicorn server on
a free 127.0.0.1 port, a stand-in for Slack's Web API and requests signed as Slack signs
them, the shipped corpus and small test corpora, SQuAD articles written as whole
documents, headless Chromium, and the line every script ends with (the command that
reproduces it).

Not installed with qa-bot: run from the repository root, as ``python -m bench.NAME``,
``python -m training.NAME`` and pytest do."""
