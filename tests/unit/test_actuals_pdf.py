"""actuals.pdf: the file parses back (xref offsets, page tree, compressed content streams)
and holds the text and shapes drawn."""

from __future__ import annotations

import re
import zlib

from actuals.pdf import Document, text_width


def parse_pdf(data: bytes) -> dict:
    """A strict reader of what ``actuals.pdf`` writes: every xref offset must point at its
    object, the page tree must count the pages, every stream's /Length must hold. Returns
    ``{"pages": n, "text": [each page's strings], "ops": [each page's operators], "info":
    the info dictionary}``."""
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
    assert data[start:].startswith(b"xref")
    count = int(re.match(rb"xref\s+0 (\d+)\s", data[start:]).group(1))
    entries = re.findall(rb"(\d{10}) (\d{5}) ([nf]) ?\r?\n", data[start:])[:count]
    objects = {}
    for number, (offset, _gen, kind) in enumerate(entries):
        if kind == b"f":
            continue
        body = data[int(offset) :]
        assert body.startswith(f"{number} 0 obj".encode()), (number, body[:20])
        objects[number] = body[len(f"{number} 0 obj") : body.index(b"endobj")].strip()
    trailer = data[data.rindex(b"trailer") :]
    root = int(re.search(rb"/Root (\d+) 0 R", trailer).group(1))
    info = objects[int(re.search(rb"/Info (\d+) 0 R", trailer).group(1))]
    pages_ref = int(re.search(rb"/Pages (\d+) 0 R", objects[root]).group(1))
    tree = objects[pages_ref]
    kids = [
        int(k) for k in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[(.*?)\]", tree).group(1))
    ]
    assert int(re.search(rb"/Count (\d+)", tree).group(1)) == len(kids)
    texts, ops = [], []
    for kid in kids:
        contents = int(re.search(rb"/Contents (\d+) 0 R", objects[kid]).group(1))
        stream = objects[contents]
        length = int(re.search(rb"/Length (\d+)", stream).group(1))
        raw = stream[stream.index(b"stream\n") + 7 :][:length]
        assert stream[stream.index(b"stream\n") + 7 + length :].strip() == b"endstream"
        content = zlib.decompress(raw).decode("latin-1")
        ops.append(content)
        strings = re.findall(r"\(((?:\\.|[^\\)])*)\) Tj", content)
        texts.append([re.sub(r"\\(.)", r"\1", s) for s in strings])
    return {"pages": len(kids), "text": texts, "ops": ops, "info": info}


def test_a_document_parses_back_with_its_text_and_shapes() -> None:
    document = Document(title="Report (test)")
    first = document.new_page()
    first.text(36, 800, "Service (level) \\ 80 %", 12, bold=True)
    first.text(300, 780, "right", 9, align="right")
    first.rect(36, 100, 50, 120, (0.8, 0.2, 0.1))
    first.line(36, 300, 500, 300, dash=(6, 3))
    document.new_page().text(36, 800, "second page: \u20ac and \u4e2d")
    parsed = parse_pdf(document.render())
    assert parsed["pages"] == 2
    assert parsed["text"][0] == ["Service (level) \\ 80 %", "right"]
    assert parsed["text"][1] == ["second page: \x80 and ?"]  # WinAnsi euro; no CJK glyph
    assert "36.00 100.00 50.00 120.00 re f" in parsed["ops"][0] and "[6 3] 0 d" in parsed["ops"][0]
    assert f"{300 - text_width('right', 9):.2f} 780.00 Td" in parsed["ops"][0]
    assert b"/Title (Report \\(test\\))" in parsed["info"]
