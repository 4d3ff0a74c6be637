"""reStructuredText (.rst), read by the rules of its structure rather than rendered:
underlined (and overlined) titles are sections, levels in the order their adornment
first appears; ``::`` literal blocks and code directives are code (never quoted);
other directives' option lines and comments are left out; paragraphs kept as written."""

from __future__ import annotations

import re

from qa.corpus.formats.parsed import Parsed, TextBuilder, decode_text

_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")
_DIRECTIVE = re.compile(r"^\.\.\s+([\w:-]+)::(.*)$")
_CODE_DIRECTIVES = {"code", "code-block", "sourcecode", "literalinclude", "doctest"}


def parse(data: bytes) -> Parsed:
    lines = decode_text(data).split("\n")
    builder = TextBuilder()
    levels: list[tuple[str, bool]] = []
    paragraph: list[str] = []
    title = ""

    def flush() -> None:
        if paragraph:
            builder.paragraph("\n".join(paragraph))
            paragraph.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _heading(lines, i)
        if heading is not None:
            flush()
            text, style, used = heading
            if style not in levels:
                levels.append(style)
            builder.heading(levels.index(style) + 1, text)
            title = title or " ".join(text.split())
            i += used
            continue
        directive = _DIRECTIVE.match(line)
        if directive or line.startswith(".. ") or line.strip() == "..":
            flush()
            block, i = _indented(lines, i + 1)
            if directive and directive.group(1).lower() in _CODE_DIRECTIVES:
                builder.code_block(_dedent([ln for ln in block if not ln.strip().startswith(":")]))
            elif directive and directive.group(1).lower() not in ("image", "figure", "include"):
                builder.paragraph(directive.group(2).strip())  # admonition titles and such
                builder.paragraph(_dedent([ln for ln in block if not ln.strip().startswith(":")]))
            continue
        if not line.strip():
            literal = bool(paragraph) and paragraph[-1].rstrip().endswith("::")
            flush()
            if literal:
                block, i = _indented(lines, i + 1)
                builder.code_block(_dedent(block))
                continue
            i += 1
            continue
        paragraph.append(line)
        i += 1
    flush()
    return builder.build(title=title)


def _heading(lines: list[str], i: int) -> tuple[str, tuple[str, bool], int] | None:
    """(title, (adornment character, overlined), lines used) if a title starts at line i."""
    line = lines[i]
    over = _ADORNMENT.match(line)
    if over and i + 2 < len(lines) and lines[i + 1].strip():
        under = _ADORNMENT.match(lines[i + 2])
        if under and under.group(1) == over.group(1):
            return lines[i + 1].strip(), (over.group(1), True), 3
    if line.strip() and not line[0].isspace() and i + 1 < len(lines) and not over:
        under = _ADORNMENT.match(lines[i + 1])
        if under and len(lines[i + 1].rstrip()) >= len(line.rstrip()):
            return line.strip(), (under.group(1), False), 2
    return None


def _indented(lines: list[str], i: int) -> tuple[list[str], int]:
    """The indented block from line i (blank lines inside it kept) and the line after it."""
    block: list[str] = []
    while i < len(lines) and (not lines[i].strip() or lines[i][0].isspace()):
        block.append(lines[i])
        i += 1
    while block and not block[-1].strip():
        block.pop()
    return block, i


def _dedent(block: list[str]) -> str:
    indents = [len(ln) - len(ln.lstrip()) for ln in block if ln.strip()]
    cut = min(indents, default=0)
    return "\n".join(ln[cut:] for ln in block).strip("\n")
