# qa-bot: the HTTP API (and the Slack bot when its tokens are set) on port 8000.
# Not built here (no image registry is reachable from the build machines); it follows
# the same install steps as `make run`.
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1 \
    QA_CORPUS_DIR=/data/corpus QA_INDEX_DIR=/data/index
WORKDIR /app

# The CPU build of torch first, so sentence-transformers does not pull CUDA wheels.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md ./
COPY qa ./qa
COPY bot ./bot
RUN pip install .
COPY corpus /data/corpus

EXPOSE 8000
# Build (or update) the index at start-up, then serve on all interfaces.
CMD ["sh", "-c", "qa index --wait 60 && exec qa serve --host 0.0.0.0 --port 8000"]
