# Two commands on a fresh machine: `make run` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RAY_STAMP := $(VENV)/.ray-installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-ray index run test lint format bench eval clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build of torch first, so sentence-transformers does not pull a CUDA one.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The ray extra (`qa index --ray`): the tests need it, `make run` does not.
$(RAY_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,ray]"
	touch $(RAY_STAMP)

install-ray: $(RAY_STAMP)

index: install
	$(BIN)/qa index

run: index
	$(BIN)/qa serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint install-ray
	$(BIN)/python -m pytest -q

# Answer quality per question set (bench/README.md, "Answer quality"): XQuAD dev, the
# shipped article's own questions, questions from outside it, and the check sets never
# fitted on; add WikiQA with WIKIQA=path/to/file.tsv (bench/data/README.md).
WIKIQA ?=
eval: index
	$(BIN)/qa eval bench/data/xquad-en-dev.json bench/article_questions.jsonl \
		bench/out_of_corpus.jsonl bench/article_check.jsonl bench/out_of_corpus_check.jsonl \
		bench/article_check_2.jsonl bench/out_of_corpus_check_2.jsonl \
		bench/out_of_corpus_substituted.jsonl $(WIKIQA)

# The headline quality and speed figures (WikiQA dev must be fetched first, see
# bench/data/README.md); bench/README.md lists every benchmark and its command.
bench: install
	$(BIN)/python -m bench.wikiqa
	$(BIN)/python -m bench.latency

# Keeps index/feedback.sqlite: people's Slack verdicts are not a build product.
clean:
	rm -rf $(VENV) index/versions index/tmp-* index/CURRENT index/embeddings.sqlite index/.lock
