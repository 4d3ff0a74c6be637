"""Document parsers compared per format: parse time per file, text quality and installed size.

Every sample is the shipped article (corpus/*.txt: 14.6 KB, 21 paragraphs) written in each
format with its writer library (headings every four paragraphs; spreadsheets and CSV hold
one paragraph per row beside a number and a topic). Per format and library:

  ms/file     median of --reps warm parses of the sample (import time excluded)
  sentences   of 40 article sentences spread through the text, how many come out whole
              (whitespace folded; a sentence broken by a line wrap or cut off counts as lost)
  headed rows of the spreadsheet rows, how many keep their header beside the value in one
              sentence or line ("Topic: Mining; ...") - the sense of a cell without its column
  sections    headings reported as sections with offsets (qa-bot's parsers only)
  MB          installed size of the library and the packages it brings (already-installed
              shared ones such as lxml counted with it), from its installed files

markitdown (MIT) runs in a subprocess from --markitdown DIR (`pip install --target DIR
'markitdown[docx,pptx,xlsx]'`; skipped when DIR is missing, as it is not a dependency).

    .venv/bin/python -m bench.formats [--reps 20] [--markitdown /tmp/markitdown-pkgs]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from qa.corpus.loader import load_bytes
from qa.corpus.sentences import split_spans

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = next((ROOT / "corpus").glob("*.txt"))
TOPICS = ("Coca", "Mining", "Crime", "Politics")
LIBRARIES = {  # library -> distributions it installs
    "python-docx": ("python-docx", "lxml", "typing_extensions"),
    "python-pptx": ("python-pptx", "lxml", "pillow", "xlsxwriter", "typing_extensions"),
    "openpyxl": ("openpyxl", "et-xmlfile"),
    "odfpy": ("odfpy", "defusedxml"),
    "docutils": ("docutils",),
    "stdlib": (),
}


def article() -> tuple[str, list[tuple[str, list[str]]]]:
    text = ARTICLE.read_text(encoding="utf-8")
    title, *paragraphs = [p.strip() for p in text.split("\n\n") if len(p.strip()) > 40]
    sections = [
        (f"Part {n // 4 + 1}: {TOPICS[(n // 4) % len(TOPICS)]}", paragraphs[n : n + 4])
        for n in range(0, len(paragraphs), 4)
    ]
    return title, sections


def probe_sentences(sections) -> list[str]:
    text = "\n\n".join(p for _, ps in sections for p in ps)
    spans = [text[a:b] for a, b in split_spans(text) if b - a > 60]
    step = max(1, len(spans) // 40)
    return spans[::step][:40]


# --- samples ---------------------------------------------------------------------------


def samples(title: str, sections) -> dict[str, bytes]:
    import docx
    import openpyxl
    from pptx import Presentation

    out: dict[str, bytes] = {}
    document = docx.Document()
    document.add_heading(title, 0)
    for heading, paragraphs in sections:
        document.add_heading(heading, 1)
        for p in paragraphs:
            document.add_paragraph(p)
    out[".docx"] = _saved(document)

    deck = Presentation()
    for heading, paragraphs in sections:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = heading
        slide.placeholders[1].text_frame.text = paragraphs[0]
        for p in paragraphs[1:]:
            slide.placeholders[1].text_frame.add_paragraph().text = p
    out[".pptx"] = _saved(deck)

    rows = [(n, heading.split(": ")[1], p) for n, (heading, ps) in enumerate(sections) for p in ps]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Paragraphs"
    sheet.append(["Number", "Topic", "Text"])
    for row in rows:
        sheet.append(list(row))
    out[".xlsx"] = _saved(workbook)
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer)
    writer.writerow(["Number", "Topic", "Text"])
    writer.writerows(rows)
    out[".csv"] = buffer.getvalue().encode()

    odt_body = "".join(
        f'<text:h text:outline-level="1">{_x(h)}</text:h>'
        + "".join(f"<text:p>{_x(p)}</text:p>" for p in ps)
        for h, ps in sections
    )
    out[".odt"] = _odt(odt_body)
    out[".epub"] = _epub(title, sections)
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["Subject"] = "a@example.com", title
    message.set_content("\n\n".join(p for _, ps in sections for p in ps))
    out[".eml"] = bytes(message)
    cells = []
    for h, ps in sections:
        cells.append(
            {"cell_type": "markdown", "metadata": {}, "source": f"# {h}\n\n" + "\n\n".join(ps)}
        )
        cells.append(
            {
                "cell_type": "code",
                "metadata": {},
                "source": "print(1)",
                "outputs": [],
                "execution_count": None,
            }
        )
    out[".ipynb"] = json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    ).encode()
    rst = [title, "=" * len(title), ""]
    for h, ps in sections:
        rst += [h, "-" * len(h), ""] + [_wrap(p) + "\n" for p in ps] + ["::", "", "    code()", ""]
    out[".rst"] = "\n".join(rst).encode()
    return out


# --- parsers ---------------------------------------------------------------------------


def ours(suffix: str) -> Callable[[bytes], tuple[str, int]]:
    def parse(data: bytes) -> tuple[str, int]:
        doc = load_bytes("sample" + suffix, data)
        return doc.text, len(doc.sections)

    return parse


def odfpy_text(data: bytes) -> tuple[str, int]:
    from odf import teletype, text
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    parts = [teletype.extractText(e) for e in document.getElementsByType(text.P)]
    heads = [teletype.extractText(e) for e in document.getElementsByType(text.H)]
    return "\n\n".join(heads + parts), 0  # odfpy lists elements by type, not in order


def docutils_text(data: bytes) -> tuple[str, int]:
    from docutils.core import publish_doctree

    tree = publish_doctree(data.decode(), settings_overrides={"report_level": 5})
    return tree.astext(), 0


def openpyxl_full(data: bytes) -> tuple[str, int]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    rows = [
        "; ".join(str(c) for c in row if c is not None)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]
    return "\n".join(rows), 0


ALTERNATIVES = {
    ".odt": [("odfpy", odfpy_text)],
    ".rst": [("docutils", docutils_text)],
    ".xlsx": [("openpyxl (normal mode, plain rows)", openpyxl_full)],
}
OURS = {
    ".docx": "python-docx",
    ".pptx": "python-pptx",
    ".xlsx": "openpyxl",
    ".csv": "stdlib",
    ".odt": "stdlib",
    ".epub": "stdlib",
    ".eml": "stdlib",
    ".ipynb": "stdlib",
    ".rst": "stdlib",
}
MARKITDOWN_RUNNER = r"""
import io, json, statistics, sys, time
from markitdown import MarkItDown, StreamInfo
md = MarkItDown()
reps = int(sys.argv[1]); out = {}
for path in sys.argv[2:]:
    data = open(path, "rb").read(); suffix = path[path.rfind("."):]
    times = []
    try:
        for _ in range(reps):
            t = time.perf_counter()
            text = md.convert_stream(io.BytesIO(data), stream_info=StreamInfo(extension=suffix)).text_content
            times.append(time.perf_counter() - t)
        out[suffix] = {"ms": statistics.median(times) * 1000, "text": text}
    except Exception as exc:
        out[suffix] = {"error": " ".join(f"{type(exc).__name__}: {exc}".split())[:300]}
print(json.dumps(out))
"""


def timed(parse, data: bytes, reps: int) -> tuple[float, str, int]:
    parse(data)  # warm: imports and caches
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        text, sections = parse(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, text, sections


def quality(text: str, probes: list[str], rows: list[tuple[int, str, str]], suffix: str):
    folded = " ".join(text.split())
    whole = sum(" ".join(p.split()) in folded for p in probes)
    if suffix not in (".xlsx", ".csv"):
        return whole, None
    lines = [" ".join(line.split()) for line in text.replace("\n\n", "\n").split("\n")]
    headed = sum(
        any(f"Topic: {topic}" in line and paragraph[:40] in line for line in lines)
        for _, topic, paragraph in rows
    )
    return whole, headed


def installed_mb(library: str) -> float:
    total = 0
    for name in LIBRARIES[library]:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        total += sum((f.size or 0) for f in dist.files or ())
    return total / 1e6


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--markitdown", type=Path, default=Path("/tmp/markitdown-pkgs"))
    args = parser.parse_args()
    title, sections = article()
    probes = probe_sentences(sections)
    rows = [(n, h.split(": ")[1], p) for n, (h, ps) in enumerate(sections) for p in ps]
    files = samples(title, sections)
    markitdown = {}
    if args.markitdown.is_dir():
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for suffix, data in files.items():
                (Path(tmp) / f"sample{suffix}").write_bytes(data)
                paths.append(str(Path(tmp) / f"sample{suffix}"))
            env = {**os.environ, "PYTHONPATH": str(args.markitdown)}
            done = subprocess.run(
                [sys.executable, "-c", MARKITDOWN_RUNNER, str(args.reps), *paths],
                env=env,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            markitdown = json.loads(done.stdout) if done.returncode == 0 else {}
            if done.returncode:
                print("markitdown failed:", done.stderr[-500:], file=sys.stderr)
    print(
        f"{len(probes)} probe sentences, {len(rows)} rows; sample sizes: "
        + ", ".join(f"{s} {len(d) / 1024:.1f} KB" for s, d in files.items())
    )
    print("| format | library | ms/file | sentences whole | headed rows | sections | MB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for suffix, data in files.items():
        entries = [(f"qa-bot ({OURS[suffix]})", ours(suffix), installed_mb(OURS[suffix]))]
        for name, parse in ALTERNATIVES.get(suffix, []):
            library = name.split(" ")[0]
            entries.append((name, parse, installed_mb(library) if library in LIBRARIES else 0.0))
        for name, parse, mb in entries:
            ms, text, count = timed(parse, data, args.reps)
            whole, headed = quality(text, probes, rows, suffix)
            _row(suffix, name, ms, whole, len(probes), headed, len(rows), count, mb)
        if suffix in markitdown:
            got = markitdown[suffix]
            if "error" in got:
                print(f"| {suffix} | markitdown | failed: {got['error']} | | | | |")
                continue
            whole, headed = quality(got["text"], probes, rows, suffix)
            mb = folder_mb(args.markitdown)
            _row(suffix, "markitdown", got["ms"], whole, len(probes), headed, len(rows), 0, mb)
    print(f"\n    {' '.join([Path(sys.executable).name, '-m', 'bench.formats', *sys.argv[1:]])}")


def _row(suffix, name, ms, whole, probes, headed, rows, sections, mb) -> None:
    headed_cell = f"{headed}/{rows}" if headed is not None else ""
    print(
        f"| {suffix} | {name} | {ms:.2f} | {whole}/{probes} | {headed_cell} | "
        f"{sections or ''} | {mb:.1f} |"
    )


# --- writers ---------------------------------------------------------------------------


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _x(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(paragraph: str, width: int = 78) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(paragraph, width))


def _odt(body: str) -> bytes:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"'
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
            f"<office:body><office:text>{body}</office:text></office:body></office:document-content>",
            "META-INF/manifest.xml": manifest,
        }
    )


def _epub(title: str, sections) -> bytes:
    chapters = {
        f"OEBPS/c{n}.xhtml": '<?xml version="1.0" encoding="UTF-8"?><html '
        f'xmlns="http://www.w3.org/1999/xhtml"><head><title>{_x(h)}</title></head><body>'
        f"<h1>{_x(h)}</h1>" + "".join(f"<p>{_x(p)}</p>" for p in ps) + "</body></html>"
        for n, (h, ps) in enumerate(sections)
    }
    manifest = "".join(
        f'<item id="c{n}" href="c{n}.xhtml" media-type="application/xhtml+xml"/>'
        for n in range(len(sections))
    )
    spine = "".join(f'<itemref idref="c{n}"/>' for n in range(len(sections)))
    return _zip(
        {
            "mimetype": "application/epub+zip",
            "META-INF/container.xml": '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile '
            'full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
            "OEBPS/content.opf": '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" '
            'version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title>{_x(title)}</dc:title><dc:identifier id="id">x</dc:identifier>'
            f"<dc:language>en</dc:language></metadata><manifest>{manifest}</manifest>"
            f"<spine>{spine}</spine></package>",
            **chapters,
        }
    )


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


if __name__ == "__main__":
    main()
