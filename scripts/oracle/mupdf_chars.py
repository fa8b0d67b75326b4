#!/usr/bin/python3
"""Print MuPDF's view of one PDF's text as JSON, for tests that compare the
PDF engine against an independent extractor.

Usage: /usr/bin/python3 mupdf_chars.py FILE.pdf [PASSWORD]

Output: {"pages":[{"number":1,"width":…,"height":…,"rotation":0,
"chars":[{"c":"a","bbox":[x0,y0,x1,y1],"font":"…","size":…}],"text":"…"}]}
Boxes are converted to the PDF's default user space of the unrotated page
(origin bottom-left of the MediaBox), the space releasegate reports glyphs in.
Characters outside the crop box are not reported (MuPDF drops them).

Debian's PyMuPDF 1.21.1 (SWIG 4.1.0) over-releases SWIG's type table, which
shows up as random "'SwigPyObject' object has no attribute 'thisown'" errors
and segfaults (PyMuPDF issues #2293, #2328). Holding an extra reference to
the type-table capsule avoids it; callers also run one file per process.
"""
import json
import sys

import fitz

try:  # keep SWIG's type table alive for the life of the process
    import swig_runtime_data4  # noqa: F401
    _KEEP = swig_runtime_data4.type_pointer_capsule
except Exception:  # older or newer builds without the module
    _KEEP = None


def main():
    doc = fitz.open(sys.argv[1])
    if doc.needs_pass and not doc.authenticate(sys.argv[2] if len(sys.argv) > 2 else ""):
        sys.exit("wrong password")
    pages = []
    for page in doc:
        # MuPDF reports boxes with the origin at the top left; the inverse
        # of its PDF-to-MuPDF matrix gives default user space. (Rotated
        # pages and crop boxes offset from the media box are still to be
        # checked against hand-made fixtures.)
        to_user = ~page.transformation_matrix
        # releasegate reports positions from the MediaBox's lower-left
        # corner, which need not be (0, 0).
        mb = page.mediabox
        to_user = to_user * fitz.Matrix(1, 0, 0, 1, -mb.x0, -mb.y0)
        chars = []
        raw = page.get_text("rawdict", flags=fitz.TEXT_PRESERVE_WHITESPACE | fitz.TEXT_PRESERVE_LIGATURES)
        for block in raw["blocks"]:
            for line in block.get("lines", []):
                for span in line["spans"]:
                    for ch in span["chars"]:
                        r = fitz.Rect(ch["bbox"]) * to_user
                        r.normalize()
                        chars.append({"c": ch["c"], "bbox": [round(v, 3) for v in (r.x0, r.y0, r.x1, r.y1)],
                                      "font": span["font"], "size": round(span["size"], 3)})
        pages.append({"number": page.number + 1, "width": round(mb.width, 3), "height": round(mb.height, 3),
                      "rotation": page.rotation, "chars": chars, "text": page.get_text("text")})
    json.dump({"pages": pages}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
