"""A minimal PDF writer (PDF 1.4, no dependency): pages of text, lines and filled rectangles.

Enough for a client report: the standard Helvetica fonts (not embedded, WinAnsi encoding;
characters outside it print as ``?``), strokes and fills in RGB, dashed lines. Each page's
content stream is Flate-compressed; the file ends with a cross-reference table whose byte
offsets point at each object, so any reader (and ``tests/unit/test_actuals_pdf.py``, which
parses it back) can find them. Coordinates are PDF points from the bottom-left corner.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

A4 = (595.0, 842.0)
Colour = tuple[float, float, float]
BLACK: Colour = (0.0, 0.0, 0.0)
# Helvetica advance widths (1/1000 em) of the characters a report prints most; others 556.
_WIDTHS = {" ": 278, ".": 278, ",": 278, ":": 278, ";": 278, "-": 333, "(": 333, ")": 333,
           "%": 889, "/": 278, "+": 584, "i": 222, "l": 222, "j": 222, "t": 278, "f": 278,
           "r": 333, "I": 278, "m": 833, "w": 722, "M": 833, "W": 944}  # fmt: skip


def text_width(text: str, size: float) -> float:
    """Width of ``text`` in Helvetica at ``size`` points (bold taken as regular)."""
    return sum(_WIDTHS.get(c, 556) for c in text) * size / 1000.0


def _string(text: str) -> str:
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return "(" + raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _rgb(colour: Colour) -> str:
    return " ".join(f"{c:.3f}" for c in colour)


@dataclass
class Page:
    """One page's drawing operators, in order."""

    ops: list[str] = field(default_factory=list)

    def text(self, x: float, y: float, text: str, size: float = 9.0, *, bold: bool = False,
             colour: Colour = BLACK, align: str = "left") -> None:  # fmt: skip
        """``text`` with its baseline at ``y``, starting (``left``) or ending (``right``) at
        ``x``, or centred on it (``center``)."""
        width = text_width(text, size)
        x -= {"left": 0.0, "right": width, "center": width / 2}[align]
        font = "F2" if bold else "F1"
        self.ops.append(f"BT /{font} {size:g} Tf {_rgb(colour)} rg {x:.2f} {y:.2f} Td "
                        f"{_string(text)} Tj ET")  # fmt: skip

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.5,
             colour: Colour = BLACK, dash: tuple[float, float] | None = None) -> None:  # fmt: skip
        pattern = f"[{dash[0]:g} {dash[1]:g}] 0 d" if dash else "[] 0 d"
        self.ops.append(f"q {width:g} w {pattern} {_rgb(colour)} RG {x1:.2f} {y1:.2f} m "
                        f"{x2:.2f} {y2:.2f} l S Q")  # fmt: skip

    def rect(self, x: float, y: float, width: float, height: float, colour: Colour) -> None:
        """A filled rectangle (a negative height or width draws it the other way)."""
        self.ops.append(f"q {_rgb(colour)} rg {x:.2f} {y:.2f} {width:.2f} {height:.2f} re f Q")


@dataclass
class Document:
    """Pages in order; ``render()`` gives the file's bytes."""

    title: str
    size: tuple[float, float] = A4
    pages: list[Page] = field(default_factory=list)

    def new_page(self) -> Page:
        page = Page()
        self.pages.append(page)
        return page

    def render(self) -> bytes:
        """The PDF file: catalog 1, page tree 2, fonts 3-4, info 5, then each page and its
        content stream; the xref table lists every object's byte offset."""
        width, height = self.size
        count = len(self.pages)
        kids = " ".join(f"{6 + 2 * i} 0 R" for i in range(count))
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
            b"/Encoding /WinAnsiEncoding >>",
            f"<< /Title {_string(self.title)} /Producer (Staffwise) >>".encode("latin-1"),
        ]
        for i, page in enumerate(self.pages):
            stream = zlib.compress("\n".join(page.ops).encode("latin-1"))
            objects.append(
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:g} {height:g}] "
                f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
                f"/Contents {7 + 2 * i} 0 R >>".encode()
            )
            head = f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
            objects.append(head + stream + b"\nendstream")
        return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 5 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()  # fmt: skip
    return bytes(out)
