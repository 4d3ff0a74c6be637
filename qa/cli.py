"""The `qa` command: index, crawl, ask, serve, eval (and plugin commands such as `qa slack`)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from qa import errors
from qa.build.priority import lower_process
from qa.plugins import add_cli_plugins
from qa.settings import Settings

EXIT_CODES: list[tuple[type[errors.QAError], int]] = [
    (errors.InvalidQuestion, 2),
    (errors.InvalidDocument, 2),
    (errors.CrawlFailed, 2),
    (errors.CorpusNotFound, 2),
    (errors.ModelUnavailable, 2),
    (errors.DocumentNotFound, 4),
    (errors.NoIndex, 3),
    (errors.IndexBusy, 5),
    (errors.IndexTooLarge, 6),
    (errors.RayNotInstalled, 2),  # before its base: an install problem, not a failed build
    (errors.DistributedBuildFailed, 7),
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = _settings(args)
    except ValidationError as exc:
        print(f"error: invalid configuration: {exc}", file=sys.stderr)
        return 2
    try:
        return args.handler(args, settings)
    except errors.QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return next((code for kind, code in EXIT_CODES if isinstance(exc, kind)), 1)
    except KeyboardInterrupt:
        return 130


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    for name in ("corpus_dir", "index_dir", "host", "port", "ray_workers"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    if isinstance(getattr(args, "ray", None), str):  # `--ray ADDRESS`; a bare `--ray` is True
        overrides["ray_address"] = args.ray
    return Settings(**overrides)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build or update the index from the corpus folder")
    p.add_argument("--corpus", dest="corpus_dir", type=Path, help="corpus folder (QA_CORPUS_DIR)")
    p.add_argument("--index", dest="index_dir", type=Path, help="index folder (QA_INDEX_DIR)")
    p.add_argument("--full", action="store_true", help="re-parse and re-embed everything")
    p.add_argument(
        "--optimize",
        action="store_true",
        help="merge every segment into one, dropping deleted rows (nothing is embedded again)",
    )
    p.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another writer")
    p.add_argument(
        "--ray",
        nargs="?",
        const=True,
        metavar="ADDRESS",
        help="parse, split and embed on Ray: the cluster at ADDRESS (host:port, ray://host:port, "
        "auto), else QA_RAY_ADDRESS, else a local Ray instance; needs the ray extra",
    )
    p.add_argument(
        "--workers",
        dest="ray_workers",
        type=int,
        metavar="N",
        help="with --ray: embedding actors, each loading the model (QA_RAY_WORKERS)",
    )
    p.set_defaults(handler=cmd_index)

    p = sub.add_parser("watch", help="update the index whenever the corpus folder changes")
    p.add_argument("--corpus", dest="corpus_dir", type=Path, help="corpus folder (QA_CORPUS_DIR)")
    p.add_argument("--index", dest="index_dir", type=Path, help="index folder (QA_INDEX_DIR)")
    p.add_argument("--debounce", type=float, default=0.5, help="seconds to group changes")
    p.add_argument("--wait", type=float, default=30.0, help="seconds to wait for another writer")
    p.set_defaults(handler=cmd_watch)

    p = sub.add_parser("crawl", help="fetch a documentation site into the corpus folder")
    p.add_argument("url", help="the start page; only pages below its folder are fetched")
    p.add_argument("--corpus", dest="corpus_dir", type=Path, help="corpus folder (QA_CORPUS_DIR)")
    p.add_argument("--into", help="folder inside the corpus (default: the site's host name)")
    p.add_argument("--max-pages", type=int, help="pages to save at most (QA_CRAWL_MAX_PAGES)")
    p.set_defaults(handler=cmd_crawl)

    p = sub.add_parser("ask", help="answer a question from the index")
    p.add_argument("question")
    p.add_argument("--index", dest="index_dir", type=Path)
    p.add_argument("--top-k", type=int, default=None)
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.set_defaults(handler=cmd_ask)

    p = sub.add_parser("serve", help="serve the HTTP API")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--index", dest="index_dir", type=Path)
    p.add_argument("--corpus", dest="corpus_dir", type=Path)
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser(
        "eval",
        help="measure quality on question sets: WikiQA .tsv, SQuAD/XQuAD .json, or .jsonl",
    )
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument("--index", dest="index_dir", type=Path, help="JSONL: the index to ask")
    p.add_argument(
        "--workdir", type=Path, help="where .tsv/.json sets build their corpus and index"
    )
    p.add_argument(
        "--report",
        type=Path,
        help="write one JSON line per question here (one file per set when several)",
    )
    p.set_defaults(handler=cmd_eval)

    add_cli_plugins(sub)
    return parser


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    if args.ray_workers is not None and args.ray is None:
        print("error: --workers goes with --ray", file=sys.stderr)
        return 2
    lower_process(settings.build_nice)
    options = dict(
        full=args.full, progress=sys.stderr.isatty(), lock_timeout=args.wait, optimize=args.optimize
    )
    if args.ray is not None:
        from qa.build import distributed

        report = distributed.build_index(settings, **options)
    else:
        from qa.build.build import build_index
        from qa.runtime import build_embedder

        report = build_index(settings, build_embedder(settings), **options)
    _print_report(report)
    return 0


def _print_report(report) -> None:
    for skipped in report.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    if report.rebuilt_reason:
        print(f"rebuilt everything: {report.rebuilt_reason}")
    state = "updated" if report.changed else "already up to date"
    print(
        f"index {state}: version {report.version}; {report.documents} documents "
        f"({len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} "
        f"removed, {report.unchanged} unchanged, {len(report.skipped)} skipped), "
        f"{report.chunks} chunks, {report.sentences} sentences, {report.embedded} texts "
        f"embedded ({report.reused} vectors copied) in {report.seconds:.2f} s; "
        f"{report.segments} segment(s)"
        + (f", {report.merged} merged into one" if report.merged else ""),
        flush=True,
    )


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    from qa.build.watcher import watch_corpus
    from qa.runtime import build_embedder

    lower_process(settings.build_nice)
    embedder = build_embedder(settings)
    print(f"watching {settings.corpus_dir} (Ctrl-C to stop)", flush=True)
    for report in watch_corpus(settings, embedder, threading.Event(), args.debounce, args.wait):
        _print_report(report)
    return 0


def cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    from qa.crawl.crawler import CrawlLimits, crawl

    limits = CrawlLimits.from_settings(settings)
    if args.max_pages is not None:
        if args.max_pages < 1:
            print(f"error: --max-pages must be at least 1, got {args.max_pages}", file=sys.stderr)
            return 2
        limits = dataclasses.replace(limits, max_pages=args.max_pages)
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    fetched = [0]

    def show(url: str) -> None:  # one line, rewritten: pages so far and the latest
        fetched[0] += 1
        print(f"\r{fetched[0]:,} pages  {url[-60:]:<60}", end="", file=sys.stderr, flush=True)

    on_page = show if sys.stderr.isatty() else (lambda url: None)
    report = crawl(args.url, settings.corpus_dir, limits, into=args.into, on_page=on_page)
    if fetched[0]:
        print(file=sys.stderr)
    for url, reason in report.refused:
        print(f"refused {url}: {reason}", file=sys.stderr)
    if report.stopped:
        print(report.stopped, file=sys.stderr)
    print(
        f"crawled into {settings.corpus_dir / report.folder}: {len(report.added)} added, "
        f"{len(report.updated)} updated, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged, {len(report.refused)} refused, "
        f"{report.excluded} excluded by robots.txt"
        + ("; run `qa index` to answer from the changes" if report.changed else ""),
        flush=True,
    )
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from qa.api.schemas import answer_out
    from qa.runtime import Runtime

    answer = Runtime.build(settings).service.ask(args.question, args.top_k)
    if args.json:
        print(answer_out(answer, settings.public_url).model_dump_json(indent=2))
        return 0
    if answer.outcome == "not_found":
        print("I could not find this in the documents.")
        for p in answer.passages[:2]:
            print(f"  nearest passage: {p.document.title} ({p.document.source})")
        return 0
    if answer.outcome == "possibly":
        print("Possibly (not sure these quotes answer it):")
    for quote in answer.quotes:
        page = f", page {quote.page}" if quote.page else ""
        page += f", {quote.section}" if quote.section else ""
        quoted = "\n".join("> " + line for line in quote.text.splitlines())
        print(
            f"{quoted}\n  — {quote.document.title} ({quote.document.source}{page}, "
            f"characters {quote.start}-{quote.end})"
        )
    print(f"confidence {answer.confidence:.2f}, index {answer.index_version}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from qa.api.app import create_app
    from qa.plugins import start_background_plugins
    from qa.runtime import Runtime

    logging.getLogger("qa").setLevel(logging.INFO)
    with Runtime.build(settings) as runtime:
        _recover_interrupted_write(runtime)
        # /healthz answers at once; /readyz only once the question model is loaded.
        threading.Thread(target=runtime.warm, name="warm-up", daemon=True).start()
        handles = start_background_plugins(runtime.service, settings)
        try:
            uvicorn.run(create_app(runtime), host=settings.host, port=settings.port)
        finally:
            for handle in handles:
                handle.close()
    return 0


def _recover_interrupted_write(runtime) -> None:
    """A document write killed half-way (see qa.build.journal) is indexed or removed now."""
    from qa.build import journal

    settings = runtime.settings
    if journal.pending(settings.index_dir) is None or not settings.corpus_dir.is_dir():
        return
    settled = runtime.writer.recover()
    if settled is not None:
        print(
            f"an interrupted {settled.write.action} of {settled.write.path} was "
            f"{settled.outcome}: {settled.detail}",
            file=sys.stderr,
            flush=True,
        )


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from qa.evaluation.datasets import prepare_question_set
    from qa.evaluation.metrics import evaluate
    from qa.evaluation.report import outcome_table, summary_table
    from qa.runtime import Runtime, build_embedder

    for path in args.files:
        if not path.is_file():
            raise errors.InvalidDocument(f"no such question file: {path}")
    embedder = build_embedder(settings)
    reports = {}
    with tempfile.TemporaryDirectory(prefix="qa-eval-") as tmp:
        for path in args.files:
            root = args.workdir or Path(tmp)
            work = root if len(args.files) == 1 else root / path.stem
            try:
                qset, asked = prepare_question_set(
                    path, work, settings, embedder, progress=sys.stderr.isatty()
                )
            except ValueError as exc:
                raise errors.InvalidDocument(str(exc)) from exc
            report = evaluate(Runtime.build(asked, embedder).service, qset.questions)
            reports[qset.name] = report
            if len(args.files) > 1:
                print(f"== {path}")
            _print_eval(report, settings)
            print("\n".join(outcome_table({qset.name: report}, *_thresholds(settings))))
            if args.report:
                several = len(args.files) > 1
                name = f"{args.report.stem}-{qset.name}.jsonl" if several else args.report.name
                report.write(args.report.with_name(name))
    if len(reports) > 1:
        print("== outcomes per data set")
        print("\n".join(outcome_table(reports, *_thresholds(settings))))
        print("== per data set")
        print("\n".join(summary_table(reports)))
    return 0


def _thresholds(settings: Settings) -> tuple[float, float]:
    """The answer and hedge thresholds as the service applies them."""
    return settings.min_confidence, min(settings.hedge_confidence, settings.min_confidence)


def _print_eval(report, settings: Settings) -> None:
    from qa.evaluation.report import reliability_table, threshold_table

    default = settings.min_confidence
    print(json.dumps(report.summary(), indent=2))
    thresholds = sorted({0.0, default, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9})
    print("\n".join(threshold_table(report, thresholds, default)))
    print("\n".join(reliability_table(report)))
