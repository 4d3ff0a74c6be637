"""`qa index --ray`: the parse, split and embed stages of a build as a Ray Data pipeline.

The driver runs the local build's own sequence (qa.build.build.run_build): under the
writer lock it reads the live version and hashes the corpus files to find the new and
changed ones, so unchanged documents are never parsed or embedded again. Only the writing
of segments differs (``RayWriter``): Ray Data parses those files and splits them into
chunks and sentences (tasks), and a pool of actors, each loading the model once, embeds
the texts the last version does not already hold and writes one segment per block of
documents straight into the index folder. The driver then lists those segments beside the
kept ones in a new version, merges as qa.index.merge decides and publishes atomically.

Workers read the corpus and write the index at the paths the driver sees, so on a cluster
both folders must be on a file system every node mounts at the same path. A build that
cannot finish publishes nothing; segments its workers wrote are listed by no version and
are deleted at the next publish (qa.index.layout.prune), unfinished ones (``tmp-*``) by
the next writer (qa.index.layout.clean_leftovers).

Ray is an optional extra (``pip install -e ".[ray]"``), imported here only, and only when a
build runs on it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import socket
import time
import warnings
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from qa.build.build import BuildReport, Plan, Written, run_build, storage_of
from qa.build.contents import Split, known_vectors, segment_data, split_documents
from qa.build.progress import Progress
from qa.corpus.loader import Scan, Skipped, load_file
from qa.errors import ClusterUnreachable, DistributedBuildFailed, ModelUnavailable, RayNotInstalled
from qa.index import layout
from qa.index import manifest as manifests
from qa.index.manifest import SegmentRef
from qa.index.segment import write_segment
from qa.model.backends import resolve_backend
from qa.model.embedder import Embedder, build_embedder
from qa.models import Chunk, Document, Section, Sentence
from qa.settings import BUNDLED_ADAPTER, Settings

logger = logging.getLogger(__name__)

INSTALL_HINT = 'pip install -e ".[ray]"'
# A worker that dies (killed, out of memory, its node lost) is started again and its batch
# retried this many times; then the build fails. Ray Data's default is to retry for ever.
MAX_RETRIES = 3
MAX_SEGMENT_DOCUMENTS = 5000  # about the most documents a worker writes into one segment


def import_ray():
    """The ray module, or RayNotInstalled saying how to install the extra."""
    try:
        import ray
        import ray.data  # noqa: F401  (the extra is ray[data])
    except ImportError as exc:
        raise RayNotInstalled(
            f"`qa index --ray` needs Ray, an optional extra: {INSTALL_HINT} ({exc})"
        ) from exc
    return ray


def build_index(
    settings: Settings,
    full: bool = False,
    progress: bool = False,
    lock_timeout: float = 0.0,
    optimize: bool = False,
    actor: type | None = None,
) -> BuildReport:
    """``qa.build.build.build_index`` with parsing, splitting and embedding on Ray, at
    ``settings.ray_address`` (empty: a local Ray instance started for this build, unless
    this process already joined one). ``actor`` replaces the class each embedding actor
    runs (tests pass one whose process dies)."""
    import_ray()  # before anything else: a missing extra is an install problem
    settings = _absolute(settings)
    name = build_embedder(settings).name  # what the index records; models load in workers
    writer = RayWriter(settings, name, actor, progress)
    with layout.writer_lock(settings.index_dir, timeout=lock_timeout):
        return run_build(settings, writer, full, optimize, Progress(False))


class RayWriter:
    """The build's segments written by Ray workers: the driver parses nothing itself."""

    parses = False

    def __init__(self, settings: Settings, model: str, actor: type | None, progress: bool):
        self.settings = settings
        self.model = model
        self.actor = actor
        self.progress = progress

    def write(self, scan: Scan, plan: Plan, bar: Progress) -> Written:
        if not (scan.changed or plan.carried):
            return Written()
        known = known_vectors(plan.previous, plan.reusable, None)
        with ray_session(self.settings):
            return _run(
                self.settings,
                self.model,
                scan.changed,
                plan.carried,
                known,
                self.actor,
                self.progress,
            )

    def dimensions(self, written: Written) -> int:
        index_dir = self.settings.index_dir
        for ref in written.refs:
            return manifests.read_segment(layout.segments_dir(index_dir) / ref.id).dimensions
        return build_embedder(self.settings).dimensions  # nothing written: ask the model itself


@contextlib.contextmanager
def ray_session(settings: Settings, cpus: int | None = None) -> Iterator[Any]:
    """Ray for one build: joined at ``settings.ray_address``, or a local instance with
    ``cpus`` CPUs (default: the machine's, and at least one per worker). A process that
    already joined Ray (a test, a notebook) keeps its session; else it ends with the build."""
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    quiet = dict(logging_level=logging.ERROR, log_to_driver=logger.isEnabledFor(logging.DEBUG))
    address = settings.ray_address
    if address:
        _reachable(address, settings.ray_connect_timeout)
        try:
            ray.init(address=address, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ClusterUnreachable(f"cannot join the Ray cluster at {address}: {exc}") from exc
    else:
        cpus = cpus or max(settings.ray_workers, os.cpu_count() or 1)
        started = time.perf_counter()
        ray.init(num_cpus=cpus, include_dashboard=False, **quiet)
        logger.info(
            "local Ray instance with %d CPUs up in %.1f s", cpus, time.perf_counter() - started
        )
    try:
        yield ray
    finally:
        ray.shutdown()


def _reachable(address: str, timeout: float) -> None:
    """Fail within ``timeout`` when nothing listens at ``address``: ray.init itself keeps
    retrying an address that does not answer for minutes."""
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise ClusterUnreachable(
            f"no Ray cluster answers at {address} ({exc.strerror or exc}); start one there "
            "with `ray start --head`, or leave QA_RAY_ADDRESS empty to build on a local "
            "Ray instance"
        ) from exc


def _absolute(settings: Settings) -> Settings:
    """Workers have their own working directory: every path they get is absolute. They
    also run the backend ``auto`` picked here, so a node with another CPU embeds in the
    precision the index records."""
    update: dict[str, Any] = {
        "corpus_dir": settings.corpus_dir.resolve(),
        "index_dir": settings.index_dir.resolve(),
        "backend": resolve_backend(settings.backend),
    }
    if settings.adapter not in ("", "none", BUNDLED_ADAPTER):
        update["adapter"] = str(Path(settings.adapter).resolve())
    if Path(settings.model).exists():
        update["model"] = str(Path(settings.model).resolve())
    if settings.model_cache_dir is not None:
        update["model_cache_dir"] = settings.model_cache_dir.resolve()
    return settings.model_copy(update=update)


def _run(
    settings: Settings,
    model: str,
    changed: list[str],
    carried: list[Document],
    known: dict[str, np.ndarray],
    actor: type | None,
    progress: bool,
) -> Written:
    """Run the pipeline: the segments written, with the paths parsed and the files skipped."""
    from ray import data

    context = data.DataContext.get_current()
    context.enable_progress_bars = progress
    context.print_on_execution_start = False
    # Ray Data logs a failure with its traceback before raising it; the error raised here
    # says why in one line, and `qa -v` shows everything.
    debug = logger.isEnabledFor(logging.DEBUG)
    logging.getLogger("ray.data").setLevel(logging.DEBUG if debug else logging.CRITICAL)
    rows = [{"path": p, "document": ""} for p in changed]
    rows += [{"path": d.path, "document": _to_json(d)} for d in carried]
    workers = min(settings.ray_workers, len(rows))
    # One block per segment, as many blocks as workers (or a multiple, for a large corpus):
    # each actor gets whole blocks, so 2 workers write 2 segments, not 3 uneven ones.
    blocks = workers * math.ceil(len(rows) / (workers * MAX_SEGMENT_DOCUMENTS))
    with warnings.catch_warnings():
        # max_restarts and max_task_retries have no named parameter in Ray 2.60 yet
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*deprecated")
        # one document, one worker: said by Ray Data at length, harmless
        warnings.filterwarnings("ignore", message=".*number of concurrent.*")
        dataset = (
            data.from_items(rows, override_num_blocks=blocks)
            # The actors hold a CPU each for the whole build; parsing and splitting take
            # none, or with as many CPUs as actors they would wait for ever.
            .map(
                _parse,
                fn_kwargs={"corpus": str(settings.corpus_dir)},
                num_cpus=0,
                compute=data.TaskPoolStrategy(size=workers),
                max_retries=MAX_RETRIES,
            )
            .map(
                _split,
                fn_kwargs={"settings": settings},
                num_cpus=0,
                compute=data.TaskPoolStrategy(size=workers),
                max_retries=MAX_RETRIES,
            )
            .map_batches(
                actor or EmbedWriter,
                fn_constructor_kwargs={"settings": settings, "model": model, "known": known},
                batch_size=None,
                batch_format="numpy",
                num_cpus=1,  # a block per call
                compute=data.ActorPoolStrategy(size=workers),
                max_restarts=MAX_RETRIES,
                max_task_retries=MAX_RETRIES,
            )
        )
        try:
            results = dataset.take_all()
        except Exception as exc:  # a worker's error arrives wrapped in Ray's own types
            raise DistributedBuildFailed(
                f"the Ray build failed and nothing was published: {_reason(exc)}"
            ) from exc
    return _collect(results, {d.path for d in carried})


def _reason(exc: BaseException) -> str:
    """The last line of a (remote) traceback: the error itself."""
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}".strip()


def _collect(results: list[dict], carried: set[str]) -> Written:
    refs, parsed, skipped = [], [], []
    totals = dict.fromkeys(("documents", "chunks", "sentences", "embedded", "reused"), 0)
    for row in results:
        if row["segment"]:
            refs.append(SegmentRef(str(row["segment"])))
        paths = json.loads(row["paths"])
        parsed += [p for p in paths if p not in carried]
        skipped += [Skipped(p, reason) for p, reason in json.loads(row["skipped"])]
        totals["documents"] += len(paths)
        for key in ("chunks", "sentences", "embedded", "reused"):
            totals[key] += int(row[key])
    refs.sort(key=lambda ref: ref.id)  # by time written: the order does not matter
    return Written(
        tuple(refs),
        **totals,
        parsed=tuple(sorted(parsed)),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
    )


def _to_json(document: Document) -> str:
    return json.dumps(asdict(document))


def _from_json(text: str) -> Document:
    raw = json.loads(text)
    return Document(
        **{
            **raw,
            "pages": tuple(tuple(p) for p in raw["pages"]),
            "sections": tuple(
                Section(s["start"], tuple(s["path"]), s["anchor"]) for s in raw["sections"]
            ),
            "code": tuple(tuple(span) for span in raw["code"]),
        }
    )


def _parse(row: dict[str, Any], corpus: str) -> dict[str, Any]:
    """Stage 1, a task: a new or changed file in, its document (or why not) out."""
    if row["document"]:  # an unchanged document written again: parsed already
        return {**row, "error": ""}
    loaded = load_file(Path(corpus), row["path"])
    if isinstance(loaded, Skipped):
        return {"path": row["path"], "document": "", "error": loaded.reason}
    return {"path": row["path"], "document": _to_json(loaded), "error": ""}


def _split(row: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Stage 2, a task: a document in, its chunk and sentence spans out."""
    if not row["document"]:
        return {**row, "chunks": "", "sentences": ""}
    [(_, chunks, sentences)] = split_documents(settings, [_from_json(row["document"])])
    return {
        **row,
        "chunks": json.dumps([(c.id, c.start, c.end) for c in chunks]),
        "sentences": json.dumps([(s.start, s.end) for s in sentences]),
    }


def _splits(batch: dict[str, np.ndarray]) -> tuple[list[Split], list[tuple[str, str]]]:
    """The split documents of a batch, and the files that could not be parsed."""
    splits: list[Split] = []
    skipped: list[tuple[str, str]] = []
    for i, path in enumerate(batch["path"]):
        if not batch["document"][i]:
            skipped.append((str(path), str(batch["error"][i])))
            continue
        doc = _from_json(batch["document"][i])
        chunks = [
            Chunk(cid, doc.id, a, b, doc.text[a:b]) for cid, a, b in json.loads(batch["chunks"][i])
        ]
        sentences = [
            Sentence(doc.id, a, b, doc.text[a:b]) for a, b in json.loads(batch["sentences"][i])
        ]
        splits.append((doc, chunks, sentences))
    return splits, skipped


class EmbedWriter:
    """Stage 3, an actor: loads the model once (as `qa serve` does), then for each batch of
    split documents embeds what ``known`` (the last version's vectors for the documents
    this build replaces) does not hold and writes the batch as one segment."""

    def __init__(self, settings: Settings, model: str, known: dict[str, np.ndarray]) -> None:
        self.settings = settings
        self.known = known
        self.storage = storage_of(settings)
        self.embedder = self.load_embedder(settings)
        if self.embedder.name != model:  # another adapter file on this node, say
            raise ModelUnavailable(
                f"a worker loads {self.embedder.name!r}, the build expects {model!r}"
            )

    def load_embedder(self, settings: Settings) -> Embedder:
        embedder = build_embedder(settings)
        embedder.embed(["warm-up"])  # load the model now, once for every batch
        return embedder

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list]:
        splits, skipped = _splits(batch)
        segment, embedded, reused, chunks, sentences = "", 0, 0, 0, 0
        if splits:
            data, embedded, reused = segment_data(
                self.embedder, splits, self._known, Progress(False)
            )
            segment = write_segment(self.settings.index_dir, data, self.embedder.name, self.storage)
            chunks, sentences = len(data.chunks), len(data.sentences)
        return {
            "segment": [segment],
            "paths": [json.dumps([doc.path for doc, _, _ in splits])],
            "skipped": [json.dumps(skipped)],
            "chunks": [chunks],
            "sentences": [sentences],
            "embedded": [embedded],
            "reused": [reused],
        }

    def _known(self, wanted: set[str]) -> dict[str, np.ndarray]:
        return {t: self.known[t] for t in wanted if t in self.known}
