"""Index a corpus folder with txtai or with LangChain's FAISS store; run by bench/build.py in
that tool's own venv (bench/.venvs/NAME), so it imports nothing from qa.

    python bench/other_indexers.py txtai|langchain CORPUS MODEL_PATH OUT_DIR THREADS

Both get the model qa-bot uses (the bundled all-MiniLM-L6-v2 folder, without qa-bot's
adapter, which neither can load), and the documents cut the way qa-bot cuts its chunks
(langchain-text-splitters' RecursiveCharacterTextSplitter, 800 characters, 100 overlap),
since neither splits documents by default. Prints one JSON line: the texts embedded, the
seconds to load the model and the seconds to build and save the index.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def split(corpus: Path) -> list[tuple[str, str]]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=800, chunk_overlap=100)
    out = []
    for path in sorted(corpus.rglob("*.txt")):
        for i, text in enumerate(splitter.split_text(path.read_text(encoding="utf-8"))):
            out.append((f"{path.name}#{i}", text))
    return out


def txtai(chunks: list[tuple[str, str]], model: str, out: Path) -> tuple[float, float]:
    from txtai import Embeddings

    started = time.perf_counter()
    embeddings = Embeddings(path=model, content=True)  # content: keeps the text, as qa-bot
    embeddings.index(["warm-up"])  # loads the model
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    embeddings.index([(uid, text, None) for uid, text in chunks])
    embeddings.save(str(out))
    return loaded, time.perf_counter() - started


def langchain(chunks: list[tuple[str, str]], model: str, out: Path) -> tuple[float, float]:
    from langchain_community.vectorstores import FAISS
    from langchain_huggingface import HuggingFaceEmbeddings

    started = time.perf_counter()
    embeddings = HuggingFaceEmbeddings(
        model_name=model,
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True, "batch_size": 64},
    )
    embeddings.embed_query("warm-up")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    store = FAISS.from_texts(
        [text for _, text in chunks], embeddings, metadatas=[{"id": uid} for uid, _ in chunks]
    )
    store.save_local(str(out))
    return loaded, time.perf_counter() - started


def main() -> int:
    tool, corpus, model, out, threads = sys.argv[1:6]
    import torch

    torch.set_num_threads(int(threads))
    chunks = split(Path(corpus))
    loaded, built = {"txtai": txtai, "langchain": langchain}[tool](chunks, model, Path(out))
    print(json.dumps({"texts": len(chunks), "load_s": loaded, "build_s": built}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
