#!/usr/bin/python3
"""Redact terms from one PDF with PyMuPDF, as the baseline that
scripts/compare-pymupdf.sh holds releasegate against.

Usage: /usr/bin/python3 pymupdf_redact.py TERMS IN.pdf OUT.pdf

TERMS has one term a line (blank lines ignored), the file releasegate's
--terms reads. On every page each term is looked for with page.search_for
(case-insensitive in PyMuPDF 1.21), every hit gets a redaction annotation,
the page's redactions are applied with PyMuPDF's defaults (text whose box
touches a hit is removed, overlapped image pixels blanked), and the document
is saved with garbage=4, deflate=True.

Output, one JSON line: {"hits": N, "pages": P, "seconds": S}, where S covers
opening, searching, redacting and saving, not starting Python.

Debian's PyMuPDF 1.21.1 (SWIG 4.1.0) over-releases SWIG's type table
(PyMuPDF issues #2293, #2328), which shows up as "'SwigPyObject' object has
no attribute 'thisown'" and segfaults. mupdf_chars.py holds one extra
reference to the type-table capsule; that is not enough here: every
annotation PyMuPDF creates or loads (add_redact_annot, and the loop inside
apply_redactions) drops one reference that was never taken, so one page with
five hits already frees the table. The script therefore tops the capsule's
count up before each page, by more than that page can take away. The caller
runs one file per process, as for mupdf_chars.py. (At exit SWIG may print
"detected a memory leak" lines to stdout after the JSON line; they are
harmless, and callers read only the line that starts with {.)
"""
import json
import sys
import time

import fitz

try:  # keep SWIG's type table alive for the life of the process
    import swig_runtime_data4
    _CAPSULE = swig_runtime_data4.type_pointer_capsule
except Exception:  # older or newer builds without the module
    _CAPSULE = None
_KEEP = []
_FLOOR = 64  # references held beyond what a page may drop


def hold(annotations):
    """Hold enough references to the type-table capsule that a page with
    this many redaction annotations cannot free it (two drops each, see
    the module's doc)."""
    if _CAPSULE is None:
        return
    want = _FLOOR + 4 * annotations
    while sys.getrefcount(_CAPSULE) < want:
        _KEEP.append(_CAPSULE)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: pymupdf_redact.py TERMS IN.pdf OUT.pdf")
    with open(sys.argv[1], encoding="utf-8") as f:
        terms = [t.strip() for t in f if t.strip()]
    start = time.perf_counter()
    doc = fitz.open(sys.argv[2])
    hits = 0
    for page in doc:
        quads = [q for term in terms for q in page.search_for(term, quads=True)]
        hold(len(quads))
        for quad in quads:
            page.add_redact_annot(quad)
        hits += len(quads)
        page.apply_redactions()
    pages = doc.page_count
    doc.save(sys.argv[3], garbage=4, deflate=True)
    doc.close()
    seconds = time.perf_counter() - start
    print(json.dumps({"hits": hits, "pages": pages, "seconds": round(seconds, 4)}))


if __name__ == "__main__":
    main()
