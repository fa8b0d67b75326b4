#!/usr/bin/python3
"""Write the hand-made edge-case PDFs testdata/pdf/edge-*.pdf and, beside each,
edge-*.json: the words each page draws, from the same data the page is drawn
from, so tests can check extracted text without trusting any extractor.

Usage: /usr/bin/python3 edge.py OUTDIR

No PDF library is used: every object, stream and xref entry is written here
byte by byte. The only outside inputs are DejaVuSans (fonts-dejavu-core),
subset with fontTools (python3-fonttools) for the CID cases. Output is
byte-reproducible: no dates, IDs derived from the content.

Every name, address and number in the text is fictional.

Ground truth format (edge-*.json):
  {"file": "edge-x.pdf", "about": "...",
   "pages": [{"number": 1, "media_box": [...], "crop_box": [...] | null,
              "rotate": 0, "about": "...",
              "words": [{"text": "Referral", "invisible": false}, ...]}]}
A word may also carry:
  "why":  why it is invisible (render mode 3, white on white, clipped,
          outside the crop box, outside the media box) or otherwise special;
  "unicode": "none" when the file gives no way to know its characters (the
          text is what the glyph shapes were drawn to mean);
  "partial": true when part of it is outside the visible area.
Words are split at space characters and at explicit gaps (TJ adjustments,
separate Td moves); letter spacing (Tc) never splits a word.
"""
import hashlib
import io
import json
import os
import sys
import zlib

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

# Helvetica advance widths (Adobe's Core14 AFM) for WinAnsiEncoding codes
# 32..255; 0 where WinAnsi leaves a code undefined.
HELVETICA_WINANSI = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
]
# Helvetica widths of the glyphs the Differences case names.
HELVETICA_NAMED = {"A": 667, "fi": 500, "sterling": 556, "endash": 556,
                   "quotedblleft": 333, "quotedblright": 333, "eacute": 556}


def helv_width(s, size):
    """Advance of a WinAnsi string in Helvetica at size, in text space units."""
    return sum(HELVETICA_WINANSI[ord(c) - 32] for c in s) * size / 1000.0


def lit(s):
    """A PDF literal string for s (str as Latin-1, or bytes), as a str."""
    b = s.encode("latin-1") if isinstance(s, str) else s
    out = bytearray(b"(")
    for c in b:
        if c in b"()\\":
            out += b"\\" + bytes([c])
        elif 32 <= c < 127:
            out.append(c)
        else:
            out += b"\\%03o" % c
    return (out + b")").decode("latin-1")


def num(x):
    """A PDF number without needless digits."""
    if float(x).is_integer():
        return "%d" % x
    return ("%.4f" % x).rstrip("0").rstrip(".")


class Doc:
    """A PDF being written: numbered objects, pages, a ground-truth record."""

    def __init__(self, name, about):
        self.name = name
        self.about = about
        self.objs = [None]  # object 0 is the free-list head
        self.pages = []  # (object number, truth dict)
        self.pages_num = self.reserve()

    def reserve(self):
        self.objs.append(None)
        return len(self.objs) - 1

    def add(self, body, n=None):
        if isinstance(body, str):
            body = body.encode("latin-1")
        if n is None:
            n = self.reserve()
        self.objs[n] = body
        return n

    def stream(self, data, entries="", n=None, compress=False):
        if isinstance(data, str):
            data = data.encode("latin-1")
        if compress:
            data = zlib.compress(data, 9)
            entries = "/Filter /FlateDecode " + entries
        head = ("<< /Length %d %s>>\nstream\n" % (len(data), entries)).encode("latin-1")
        return self.add(head + data + b"\nendstream", n)

    def page(self, contents, resources, words, media=(0, 0, 612, 792), crop=None,
             rotate=0, about=""):
        """Add a page; contents is a str/bytes or a list of them (one stream each)."""
        if isinstance(contents, (list, tuple)):
            refs = "[" + " ".join("%d 0 R" % self.stream(c) for c in contents) + "]"
        else:
            refs = "%d 0 R" % self.stream(contents)
        d = "<< /Type /Page /Parent %d 0 R /MediaBox [%s] " % (
            self.pages_num, " ".join(num(v) for v in media))
        if crop:
            d += "/CropBox [%s] " % " ".join(num(v) for v in crop)
        if rotate:
            d += "/Rotate %d " % rotate
        d += "/Resources %s /Contents %s >>" % (resources, refs)
        n = self.add(d)
        self.pages.append((n, {
            "number": len(self.pages) + 1, "media_box": list(media),
            "crop_box": list(crop) if crop else None, "rotate": rotate,
            "about": about, "words": words}))
        return n

    def write(self, outdir):
        self.add("<< /Type /Pages /Kids [%s] /Count %d >>" % (
            " ".join("%d 0 R" % n for n, _ in self.pages), len(self.pages)), self.pages_num)
        root = self.add("<< /Type /Catalog /Pages %d 0 R >>" % self.pages_num)
        info = self.add("<< /Title %s /Producer (releasegate testdata/pdfgen/edge.py) >>"
                        % lit(self.name))
        buf = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = [0]
        for i, body in enumerate(self.objs[1:], 1):
            assert body is not None, "object %d reserved but never written" % i
            offsets.append(len(buf))
            buf += b"%d 0 obj\n" % i + body + b"\nendobj\n"
        xref = len(buf)
        buf += b"xref\n0 %d\n" % len(self.objs)
        buf += b"0000000000 65535 f \n"
        for off in offsets[1:]:
            buf += b"%010d 00000 n \n" % off
        fid = hashlib.md5(bytes(buf)).hexdigest().upper()
        buf += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n"
                b"startxref\n%d\n%%%%EOF\n" % (len(self.objs), root, info,
                                               fid.encode(), fid.encode(), xref))
        with open(os.path.join(outdir, self.name + ".pdf"), "wb") as f:
            f.write(buf)
        truth = {"file": self.name + ".pdf", "about": self.about,
                 "pages": [t for _, t in self.pages]}
        with open(os.path.join(outdir, self.name + ".json"), "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1)
            f.write("\n")


def words(text, **extra):
    """Ground-truth entries for the space-separated words of text."""
    return [dict({"text": w, "invisible": False}, **extra) for w in text.split()]


def hidden(text, why, **extra):
    return words(text, invisible=True, why=why, **extra)


def std_font(doc, base, encoding="/WinAnsiEncoding", widths=False):
    d = "<< /Type /Font /Subtype /Type1 /BaseFont /%s" % base
    if encoding:
        d += " /Encoding %s" % encoding
    if widths:
        d += " /FirstChar 32 /LastChar 255 /Widths [%s]" % " ".join(map(str, HELVETICA_WINANSI))
    return doc.add(d + " >>")


# ---------------------------------------------------------------------------
# edge-type3.pdf


def type3(outdir):
    doc = Doc("edge-type3", "Type3 fonts: one with AGL glyph names and a ToUnicode "
              "(codes are not ASCII), one with a 0.01 FontMatrix, glyph names "
              "outside the AGL and no ToUnicode (codes are ASCII).")

    # Font A: 1000-unit glyph space, codes 1.. assigned in order of first use,
    # so neither the codes nor a Latin-1 reading of them give the text.
    lines_a = ["CHILD IN NEED REVIEW", "HOME VISIT BY TEAM B", "NEXT REVIEW JUNE"]
    letters = []
    for line in lines_a:
        for ch in line:
            if ch not in letters:
                letters.append(ch)
    code_of = {ch: i + 1 for i, ch in enumerate(letters)}
    agl = {" ": "space"}
    procs, widths, diffs = [], [], ["1"]
    for i, ch in enumerate(letters):
        name = agl.get(ch, ch)
        diffs.append("/" + name)
        if ch == " ":
            w = 300
            proc = "300 0 0 0 0 0 d1\n"
        elif i % 2 == 0:
            # d1: shape only, colour comes from the text state.
            w = 560 + 20 * (ord(ch) % 5)
            proc = "%d 0 40 0 %d 700 d1\n40 0 %d 700 re f\n" % (w, w - 40, w - 80)
        else:
            # d0: the glyph sets its own colour and draws an outline box.
            w = 600
            proc = "600 0 d0\n0.1 0.2 0.5 rg 40 0 520 700 re f\n1 1 1 rg 120 100 360 500 re f\n"
        procs.append("/%s %d 0 R" % (name, doc.stream(proc)))
        widths.append(w)
    tu_a = doc.stream(tounicode_cmap(1, [(code_of[ch], ord(ch)) for ch in letters], "T3A"))
    font_a = doc.add(
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 700 700] "
        "/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << %s >> "
        "/Encoding << /Type /Encoding /Differences [%s] >> /FirstChar 1 /LastChar %d "
        "/Widths [%s] /ToUnicode %d 0 R /Resources << >> >>" % (
            " ".join(procs), " ".join(diffs), len(letters), " ".join(map(str, widths)), tu_a))

    # Font B: 100-unit glyph space, names with no Unicode meaning, codes are
    # the ASCII codes of the letters the boxes stand for.
    lines_b = ["SAFEGUARDING LOG", "DISCLOSURE AT SCHOOL"]
    letters_b = sorted(set("".join(lines_b)))
    procs, diffs = [], []
    for ch in letters_b:
        name = "sp" if ch == " " else "sq" + ch  # e.g. /sqA: not in the AGL
        if ch == " ":
            proc = "30 0 0 0 0 0 d1\n"
        else:
            proc = "60 0 5 0 55 70 d1\n5 0 50 70 re f\n"
        procs.append("/%s %d 0 R" % (name, doc.stream(proc)))
        diffs.append("%d /%s" % (ord(ch), name))
    first, last = ord(letters_b[0]), ord(letters_b[-1])
    wb = [(30 if c == 32 else 60) if chr(c) in letters_b else 0 for c in range(first, last + 1)]
    font_b = doc.add(
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 60 70] "
        "/FontMatrix [0.01 0 0 0.01 0 0] /CharProcs << %s >> "
        "/Encoding << /Type /Encoding /Differences [%s] >> /FirstChar %d /LastChar %d "
        "/Widths [%s] /Resources << >> >>" % (
            " ".join(procs), " ".join(diffs), first, last, " ".join(map(str, wb))))
    helv = std_font(doc, "Helvetica")

    res = "<< /Font << /T3A %d 0 R /T3B %d 0 R /F1 %d 0 R >> >>" % (font_a, font_b, helv)
    c = "BT /F1 10 Tf 72 740 Td (Type3 font with ToUnicode:) Tj ET\n"
    w = words("Type3 font with ToUnicode:")
    y = 700
    for line in lines_a:
        c += "BT /T3A 18 Tf 72 %d Td %s Tj ET\n" % (y, lit(bytes(code_of[ch] for ch in line)))
        w += words(line)
        y -= 30
    doc.page(c, res, w, about="Type3 font A (FontMatrix 0.001, d0 and d1 glyphs, ToUnicode)")

    c = "BT /F1 10 Tf 72 740 Td (Type3 font without ToUnicode:) Tj ET\n"
    w = words("Type3 font without ToUnicode:")
    y = 700
    for line in lines_b:
        c += "BT /T3B 20 Tf 72 %d Td %s Tj ET\n" % (y, lit(line))
        w += words(line, unicode="none")
        y -= 30
    doc.page(c, res, w, about="Type3 font B (FontMatrix 0.01, non-AGL names /sqA.., no ToUnicode)")
    doc.write(outdir)


def tounicode_cmap(nbytes, pairs, name, ranges=()):
    """A ToUnicode CMap: pairs of (code, unicode int or str) as bfchar, plus
    ranges given as ready-made bfrange lines."""
    def hexcode(c):
        return "<%0*X>" % (2 * nbytes, c)

    def hexuni(u):
        s = chr(u) if isinstance(u, int) else u
        b = s.encode("utf-16-be")
        return "<" + b.hex().upper() + ">"

    out = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
           "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
           "/CMapName /%s def\n/CMapType 2 def\n1 begincodespacerange\n%s %s\nendcodespacerange\n"
           % (name, hexcode(0), hexcode(256 ** nbytes - 1)))
    pairs = list(pairs)
    for i in range(0, len(pairs), 100):
        chunk = pairs[i:i + 100]
        out += "%d beginbfchar\n" % len(chunk)
        out += "".join("%s %s\n" % (hexcode(c), hexuni(u)) for c, u in chunk)
        out += "endbfchar\n"
    if ranges:
        out += "%d beginbfrange\n%sendbfrange\n" % (len(ranges), "".join(r + "\n" for r in ranges))
    out += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    return out


# ---------------------------------------------------------------------------
# edge-differences.pdf


def differences(outdir):
    doc = Doc("edge-differences", "Simple-font encodings: WinAnsi base with "
              "Differences over it (Helvetica, with Widths), and Differences over "
              "the font's built-in StandardEncoding (Times-Roman, no Widths).")
    diffs = {1: "A", 2: "sterling", 3: "endash", 128: "fi",
             0x58: "quotedblleft", 0x59: "quotedblright", 0xE9: "eacute"}
    widths = list(HELVETICA_WINANSI)
    for code, name in diffs.items():
        if code >= 32:
            widths[code - 32] = HELVETICA_NAMED[name]
    low = [HELVETICA_NAMED[diffs[c]] if c in diffs else 0 for c in range(1, 32)]
    helv = doc.add(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
        "/BaseEncoding /WinAnsiEncoding /Differences [1 /A /sterling /endash 88 /quotedblleft "
        "/quotedblright 128 /fi 233 /eacute] >> /FirstChar 1 /LastChar 255 /Widths [%s] >>"
        % " ".join(map(str, low + widths)))
    # StandardEncoding: 0x27 is quoteright, 0x60 quoteleft, 0xAE fi, 0xE9
    # Oslash (remapped here to eacute), 0xB1 endash, 0xA3 sterling.
    times = doc.add(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /Type /Encoding "
        "/Differences [233 /eacute 1 /A] >> >>")
    res = "<< /Font << /F1 %d 0 R /F2 %d 0 R >> >>" % (helv, times)

    # (bytes drawn, the words they mean)
    helv_lines = [
        (b"\x01llocated social worker: Ren\xe9e Castellano", "Allocated social worker: Renée Castellano"),
        (b"Case con\x80dential \x03 do not copy", "Case confidential – do not copy"),
        (b"Travel claim \x0212.40 for the of\x80ce visit", "Travel claim £12.40 for the office visit"),
        (b"She said \x58I want to stay\x59 twice", "She said “I want to stay” twice"),
    ]
    times_lines = [
        (b"Mr O\x27Neill\x27s \x60contact\x27 note", "Mr O’Neill’s ‘contact’ note"),
        (b"Caf\xe9 meeting, \xa35 \xb1 paid by \x01ngela", "Café meeting, £5 – paid by Angela"),
        (b"Bene\xaet review with Ms D\xe9sir\xe9e Holt", "Benefit review with Ms Désirée Holt"),
    ]
    c, w, y = "", [], 720
    for raw, text in helv_lines:
        c += "BT /F1 12 Tf 72 %d Td %s Tj ET\n" % (y, lit(raw))
        w += words(text)
        y -= 20
    y -= 20
    for raw, text in times_lines:
        c += "BT /F2 12 Tf 72 %d Td %s Tj ET\n" % (y, lit(raw))
        w += words(text)
        y -= 20
    doc.page(c, res, w, about="Helvetica: WinAnsi + Differences (codes 1,2,3,88,89,128,233), "
             "Widths; Times-Roman: StandardEncoding + Differences (1, 233), no Widths")
    doc.write(outdir)


# ---------------------------------------------------------------------------
# CID fonts from DejaVuSans


class Subset:
    """DejaVuSans cut down to the characters given, with its cmap kept."""

    def __init__(self, chars, extra_unicodes=()):
        from fontTools import subset
        from fontTools.ttLib import TTFont
        font = TTFont(DEJAVU, recalcTimestamp=False)
        opts = subset.Options()
        opts.layout_features = []
        opts.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        opts.notdef_outline = True
        opts.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM"]
        opts.hinting = False
        unis = sorted(set(ord(ch) for ch in chars) | set(extra_unicodes))
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=unis)
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
        self.data = buf.getvalue()
        self.upem = font["head"].unitsPerEm
        order = font.getGlyphOrder()
        cmap = font.getBestCmap()
        self.gid = {u: order.index(g) for u, g in cmap.items()}
        self.hmtx = font["hmtx"].metrics
        self.order = order
        self.bbox = [round(v * 1000 / self.upem) for v in (
            font["head"].xMin, font["head"].yMin, font["head"].xMax, font["head"].yMax)]
        self.ascent = round(font["hhea"].ascent * 1000 / self.upem)
        self.descent = round(font["hhea"].descent * 1000 / self.upem)

    def width(self, gid):
        return round(self.hmtx[self.order[gid]][0] * 1000 / self.upem)

    def hexs(self, text, gids=None):
        """Identity-H/V code string (CID = GID) for text."""
        return "<" + "".join("%04X" % self.gid[ord(ch)] for ch in text) + ">"

    def w_array(self):
        """/W with both forms and a /DW: the commonest width goes to /DW and
        is left out; runs of equal widths use c1 c2 w, the rest c [w ...]."""
        gids = list(range(1, len(self.order)))
        ws = {g: self.width(g) for g in gids}
        dw = max(set(ws.values()), key=lambda v: (list(ws.values()).count(v), v))
        gids = [g for g in gids if ws[g] != dw]
        out, i = [], 0
        while i < len(gids):
            j = i
            while j + 1 < len(gids) and gids[j + 1] == gids[j] + 1 and ws[gids[j + 1]] == ws[gids[i]]:
                j += 1
            if j > i:
                out.append("%d %d %d" % (gids[i], gids[j], ws[gids[i]]))
                i = j + 1
                continue
            j = i
            while j + 1 < len(gids) and gids[j + 1] == gids[j] + 1:
                j += 1
            out.append("%d [%s]" % (gids[i], " ".join(str(ws[g]) for g in gids[i:j + 1])))
            i = j + 1
        return dw, "[" + " ".join(out) + "]"

    def embed(self, doc, extra=""):
        """Write FontFile2, descriptor and CIDFontType2; return its number."""
        ff = doc.stream(self.data, "/Length1 %d " % len(self.data), compress=True)
        desc = doc.add(
            "<< /Type /FontDescriptor /FontName /RGEDGE+DejaVuSans /Flags 32 "
            "/FontBBox [%s] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight 729 "
            "/StemV 80 /FontFile2 %d 0 R >>" % (" ".join(map(str, self.bbox)),
                                                self.ascent, self.descent, ff))
        dw, w = self.w_array()
        return doc.add(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /RGEDGE+DejaVuSans "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            "/FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW %d /W %s%s >>" % (desc, dw, w, extra))


def cid_noto(outdir):
    doc = Doc("edge-cid-noto", "Type0/Identity-H over an embedded TrueType subset "
              "(CIDFontType2, CIDToGIDMap Identity, /W in both forms, /DW). Page 1 has "
              "no ToUnicode: Unicode must come from the font's own cmap. Page 2 uses "
              "the same descendant font with a ToUnicode of bfchar, incrementing "
              "bfrange and array bfrange entries, a surrogate pair and a ligature.")
    p1 = [
        "CAMHS referral – Zoë Pembleton-Oduya, aged 11",
        "Referrer: Dr Aurélie Nkemelu, Whitfield Surgery",
        "Fee for the report: £0 (NHS); next review 14/03",
        "“She’s settled” says foster carer Mrs Kowalczyk",
    ]
    p2 = [
        "Ofﬁce use only: ﬁled by Bernadette Quaye",
        "Attainment grade: 𝐀 in English",
        "ABCDE family group reference XYZ",
    ]
    chars = set("".join(p1) + "".join(p2)) - {"𝐀"}
    # The glyph drawn for U+1D400 is DejaVu's Greek capital alpha (DejaVuSans
    # has no mathematical alphanumerics); only the ToUnicode says U+1D400.
    sub = Subset(chars | {"Α"})
    cid = sub.embed(doc)
    plain = doc.add("<< /Type /Font /Subtype /Type0 /BaseFont /RGEDGE+DejaVuSans "
                    "/Encoding /Identity-H /DescendantFonts [%d 0 R] >>" % cid)

    def gid(ch):
        return sub.gid[ord("Α") if ch == "𝐀" else ord(ch)]

    # ToUnicode for page 2: the ligature and the surrogate pair as bfchar,
    # A-E as one incrementing bfrange, X-Z as an array bfrange, the rest bfchar.
    used = sorted(set("".join(p2)))
    ranges, special = [], {}
    abcde = [gid(ch) for ch in "ABCDE"]
    assert abcde == list(range(abcde[0], abcde[0] + 5)), abcde
    ranges.append("<%04X> <%04X> <0041>" % (abcde[0], abcde[-1]))
    xyz = [gid(ch) for ch in "XYZ"]
    assert xyz == list(range(xyz[0], xyz[0] + 3)), xyz
    ranges.append("<%04X> <%04X> [<0058> <0059> <005A>]" % (xyz[0], xyz[-1]))
    special[gid("ﬁ")] = "fi"
    special[gid("𝐀")] = "𝐀"
    pairs = []
    for ch in used:
        if ch in "ABCDEXYZ" or ch in "ﬁ𝐀":
            continue
        pairs.append((gid(ch), ord(ch)))
    pairs += sorted(special.items())
    pairs.sort()
    tu = doc.stream(tounicode_cmap(2, pairs, "RGEDGE-UCS", ranges))
    mapped = doc.add("<< /Type /Font /Subtype /Type0 /BaseFont /RGEDGE+DejaVuSans "
                     "/Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>"
                     % (cid, tu))
    res = "<< /Font << /C0 %d 0 R /C1 %d 0 R >> >>" % (plain, mapped)

    def show(lines, font):
        c, y = "", 720
        for line in lines:
            c += "BT /%s 13 Tf 72 %d Td <%s> Tj ET\n" % (
                font, y, "".join("%04X" % gid(ch) for ch in line))
            y -= 24
        return c

    doc.page(show(p1, "C0"), res, [w for line in p1 for w in words(line)],
             about="Identity-H, no ToUnicode: text from the TrueType cmap")
    w2 = []
    for line in p2:
        w2 += words(line.replace("ﬁ", "fi"))
    doc.page(show(p2, "C1"), res, w2,
             about="same CIDFont with ToUnicode: ﬁ glyph -> 'fi', Greek Alpha glyph -> U+1D400 "
             "(surrogate pair <D835DC00>), bfrange incrementing and array forms")
    doc.write(outdir)


def vertical(outdir):
    doc = Doc("edge-vertical", "Vertical writing: Type0 Identity-V over an embedded "
              "TrueType subset, /W2 in both forms and /DW2; a horizontal Identity-H "
              "heading from the same font file.")
    heading = "Case file spine labels"
    cols = ["WARD 7", "KINSHIP", "REF 4471"]
    sub = Subset(set(heading + "".join(cols)))
    # W2: the letters of KINSHIP individually ([c [w1y v1x v1y ...]]) and a
    # range for the digits (c1 c2 w1y v1x v1y); everything else takes DW2.
    kin = sorted(set(sub.gid[ord(ch)] for ch in "KINSHIP"))
    w2 = []
    i = 0
    while i < len(kin):
        j = i
        while j + 1 < len(kin) and kin[j + 1] == kin[j] + 1:
            j += 1
        w2.append("%d [%s]" % (kin[i], " ".join(
            "-1100 %d 880" % (sub.width(g) // 2) for g in kin[i:j + 1])))
        i = j + 1
    digits = sorted(set(sub.gid[ord(ch)] for ch in "0123456789" if ord(ch) in sub.gid))
    w2.append("%d %d -800 318 880" % (digits[0], digits[-1]))
    cid = sub.embed(doc, " /DW2 [880 -1000] /W2 [%s]" % " ".join(w2))
    pairs = sorted((g, u) for u, g in sub.gid.items())
    tu = doc.stream(tounicode_cmap(2, pairs, "RGEDGE-UCS"))
    fv = doc.add("<< /Type /Font /Subtype /Type0 /BaseFont /RGEDGE+DejaVuSans-Identity-V "
                 "/Encoding /Identity-V /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid, tu))
    fh = doc.add("<< /Type /Font /Subtype /Type0 /BaseFont /RGEDGE+DejaVuSans "
                 "/Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid, tu))
    res = "<< /Font << /V %d 0 R /H %d 0 R >> >>" % (fv, fh)
    c = "BT /H 14 Tf 72 740 Td %s Tj ET\n" % sub.hexs(heading)
    w = words(heading)
    x = 120
    for col in cols:
        c += "BT /V 20 Tf %d 680 Td %s Tj ET\n" % (x, sub.hexs(col))
        w += words(col, why="vertical column")
        x += 80
    doc.page(c, res, w, about="three vertical columns, each read top to bottom")
    doc.write(outdir)


# ---------------------------------------------------------------------------
# edge-rotated.pdf, edge-cropbox.pdf


def rotated(outdir):
    doc = Doc("edge-rotated", "Page /Rotate 90, 180 and 270 with ordinary horizontal "
              "text, and an unrotated page whose text matrix turns 30 degrees.")
    helv = std_font(doc, "Helvetica")
    res = "<< /Font << /F1 %d 0 R >> >>" % helv
    texts = {
        90: ["Police report PR-2291 rotated ninety", "Officer PC Lennox Abara"],
        180: ["School report upside down", "Pupil Tamsin Okonkwo-Reid, Year 8"],
        270: ["GP letter rotated two seventy", "Dr Ishbel Farquharson, Hollins Lane"],
    }
    for rot, lines in texts.items():
        c, w, y = "", [], 700
        for line in lines:
            c += "BT /F1 14 Tf 72 %d Td %s Tj ET\n" % (y, lit(line))
            w += words(line)
            y -= 30
        c += "BT /F1 9 Tf 520 40 Td (corner %d) Tj ET\n" % rot
        w += words("corner %d" % rot)
        doc.page(c, res, w, rotate=rot, about="/Rotate %d" % rot)
    line = "Contact arrangements agreed with Mr Pryce"
    c = ("BT /F1 14 Tf 72 740 Td (Heading level text) Tj ET\n"
         "BT /F1 14 Tf 0.866025 0.5 -0.5 0.866025 100 400 Tm %s Tj ET\n" % lit(line))
    doc.page(c, res, words("Heading level text") + words(line, why="baseline at 30 degrees"),
             about="text matrix rotated 30 degrees")
    doc.write(outdir)


def cropbox(outdir):
    doc = Doc("edge-cropbox", "A CropBox smaller than the MediaBox with text inside, "
              "outside and across its edge; a MediaBox whose origin is not 0 0.")
    helv = std_font(doc, "Helvetica")
    res = "<< /Font << /F1 %d 0 R >> >>" % helv
    c = ("BT /F1 12 Tf 72 700 Td (Inside the crop box: Jordan Mbeki-Hale) Tj ET\n"
         "BT /F1 12 Tf 72 400 Td (Visit notes for 12 Alder Row) Tj ET\n"
         "BT /F1 10 Tf 10 30 Td (Outside margin note) Tj ET\n"
         "BT /F1 10 Tf 400 760 Td (Trimmed header) Tj ET\n"
         "BT /F1 12 Tf 30 300 Td (Straddling) Tj ET\n")
    w = (words("Inside the crop box: Jordan Mbeki-Hale") + words("Visit notes for 12 Alder Row")
         + hidden("Outside margin note", "outside the crop box")
         + hidden("Trimmed header", "outside the crop box")
         + words("Straddling", partial=True, why="starts at x=30, crop box starts at x=50"))
    doc.page(c, res, w, crop=(50, 60, 562, 732), about="CropBox [50 60 562 732] in MediaBox [0 0 612 792]")
    c = ("BT /F1 12 Tf 172 800 Td (Offset media box: Corran Lodge) Tj ET\n"
         "BT /F1 12 Tf 172 500 Td (Respite review for Ellis Vantongeren) Tj ET\n"
         "BT /F1 12 Tf 20 50 Td (Below the media box) Tj ET\n")
    w = (words("Offset media box: Corran Lodge") + words("Respite review for Ellis Vantongeren")
         + hidden("Below the media box", "outside the media box"))
    doc.page(c, res, w, media=(100, 100, 712, 892), about="MediaBox [100 100 712 892], no CropBox")
    doc.write(outdir)


# ---------------------------------------------------------------------------
# edge-form-reused.pdf


def form_reused(outdir):
    doc = Doc("edge-form-reused", "One form XObject with its own /Matrix and "
              "/Resources drawn on three pages under different cm; the page's /F1 "
              "is Times-Roman, the form's /F1 is Helvetica. Page 3 also draws a "
              "form that draws the first form (nested).")
    helv = std_font(doc, "Helvetica")
    times = std_font(doc, "Times-Roman")
    form_text = "Child Protection Plan reviewed"
    fm1 = doc.stream("BT /F1 11 Tf 0 10 Td %s Tj ET\n0 0 m 200 0 l S\n" % lit(form_text),
                     "/Type /XObject /Subtype /Form /BBox [0 0 300 40] "
                     "/Matrix [1 0 0 1 10 20] /Resources << /Font << /F1 %d 0 R >> >> " % helv)
    outer_text = "Conference chair: Halima Sorensen"
    fm2 = doc.stream("BT /F1 11 Tf 0 60 Td %s Tj ET\nq 1 0 0 1 0 0 cm /Inner Do Q\n" % lit(outer_text),
                     "/Type /XObject /Subtype /Form /BBox [0 0 400 100] "
                     "/Resources << /Font << /F1 %d 0 R >> /XObject << /Inner %d 0 R >> >> "
                     % (times, fm1))
    res = "<< /Font << /F1 %d 0 R >> /XObject << /Fm1 %d 0 R /Fm2 %d 0 R >> >>" % (times, fm1, fm2)
    placements = ["1 0 0 1 72 600 cm", "0.8 0 0 0.8 300 300 cm", "1 0 0 1 72 100 cm"]
    for i, cm in enumerate(placements, 1):
        own = "Strategy meeting page %d" % i
        c = "BT /F1 12 Tf 72 740 Td %s Tj ET\nq %s /Fm1 Do Q\n" % (lit(own), cm)
        w = words(own) + words(form_text, why="form XObject Fm1")
        if i == 3:
            c += "q 1 0 0 1 72 400 cm /Fm2 Do Q\n"
            w += words(outer_text, why="form XObject Fm2") + words(form_text, why="Fm1 inside Fm2")
        doc.page(c, res, w, about="Fm1 under %s%s" % (cm, "; Fm2 (containing Fm1) at 72 400" if i == 3 else ""))
    doc.write(outdir)


# ---------------------------------------------------------------------------
# edge-tj-kerning.pdf


def tj_kerning(outdir):
    doc = Doc("edge-tj-kerning", "Text state and positioning operators: TJ kerning, "
              "a TJ gap standing for a space, Tc, Tw, Tz, Ts, TL with T*, ' and \".")
    helv = std_font(doc, "Helvetica", widths=True)
    res = "<< /Font << /F1 %d 0 R >> >>" % helv
    c = "BT /F1 12 Tf 72 720 Td\n"
    w = []
    c += "[(Cl) 20 (aire) ( ) (W) 60 (ard) (,) -15 ( social worker)] TJ\n"
    w += words("Claire Ward, social worker")
    c += "0 -24 Td [(Placement) -1000 (breakdown) -1200 (recorded) -800 (on) -900 (Tuesday)] TJ\n"
    w += words("Placement breakdown recorded on Tuesday", why="TJ gap, no space glyph")
    c += "0 -24 Td 1.5 Tc (Letter spacing of one and a half) Tj 0 Tc\n"
    w += words("Letter spacing of one and a half")
    c += "0 -24 Td 4 Tc (SPACED) Tj 0 Tc ( heading) Tj\n"
    w += words("SPACED", why="Tc 4 at 12 pt") + words("heading")
    c += "0 -24 Td 6 Tw (Word spacing six points) Tj 0 Tw\n"
    w += words("Word spacing six points")
    c += "0 -24 Td 80 Tz (Horizontal scaling eighty per cent) Tj 100 Tz\n"
    w += words("Horizontal scaling eighty per cent")
    c += "0 -24 Td (Seen on 3) Tj 5 Ts (rd) Tj 0 Ts ( March by Mr Adeyemi) Tj\n"
    w += words("Seen on 3rd March by Mr Adeyemi")
    c += "0 -24 Td 14 TL (Leading set with TL) Tj T* (next line by T star) Tj\n"
    w += words("Leading set with TL") + words("next line by T star")
    c += "(line by quote operator) '\n"
    w += words("line by quote operator")
    c += "3 1 (line by double quote, Tw 3 Tc 1) \"\n"
    w += words("line by double quote, Tw 3 Tc 1")
    c += "0 0 (back to no spacing) \"\n"
    w += words("back to no spacing")
    c += "ET\n"
    doc.page(c, res, w, about="one BT block, Helvetica 12 with Widths")
    doc.write(outdir)


# ---------------------------------------------------------------------------
# edge-invisible.pdf


def invisible(outdir):
    doc = Doc("edge-invisible", "Text that is present but not seen: an OCR layer "
              "(render mode 3, Tz-fitted Helvetica) over a scanned-page image, white "
              "text on white, text outside a clipping path.")
    helv = std_font(doc, "Helvetica")
    # A 102 x 132 grey "scan": off-white paper with dark bars where the
    # printed lines are; the OCR words below sit on those bars.
    W, H = 102, 132
    ocr = [
        (72, 700, "Initial assessment for Kacper Zielinski"),
        (72, 660, "Mother Agnieszka reports missed contact"),
        (72, 620, "Health visitor: Fenella Osei, 07700 900461"),
        (72, 580, "Outcome: strategy discussion on 9 May"),
    ]
    rows = bytearray()
    for y in range(H):
        py = 792 - (y + 0.5) * 792 / H  # page y of this image row
        for x in range(W):
            px = (x + 0.5) * 612 / W
            v = 236 + (x * 7 + y * 3) % 11  # paper grain
            for lx, ly, text in ocr:
                if ly - 2 <= py <= ly + 10 and lx <= px <= lx + helv_width(text, 12) * 0.95:
                    v = 40
            rows.append(v)
    img = doc.stream(bytes(rows), "/Type /XObject /Subtype /Image /Width %d /Height %d "
                     "/ColorSpace /DeviceGray /BitsPerComponent 8 " % (W, H), compress=True)
    res = "<< /Font << /F1 %d 0 R >> /XObject << /Scan %d 0 R >> >>" % (helv, img)
    c = "q 612 0 0 792 0 0 cm /Scan Do Q\nBT 3 Tr\n"
    w = []
    for lx, ly, text in ocr:
        x = lx
        for word in text.split():
            natural = helv_width(word, 12)
            box = natural * 0.95  # the "recognised" word box is a little narrower
            c += "/F1 12 Tf %s Tz 1 0 0 1 %s %d Tm %s Tj\n" % (
                num(round(100 * box / natural, 3)), num(round(x, 3)), ly, lit(word))
            x += box + helv_width(" ", 12) * 0.95
        w += hidden(text, "render mode 3 over an image")
    c += "ET\n"
    doc.page(c, res, w, about="image XObject over the page, OCR words in 3 Tr, one Tm and Tz per word")

    c = ("BT /F1 12 Tf 72 720 Td (Visible: Looked After Child review) Tj ET\n"
         "1 1 1 rg BT /F1 12 Tf 72 690 Td (White note: sibling placed in Rhyl) Tj ET 0 g\n"
         "BT /F1 12 Tf 72 660 Td (Visible again after the white line) Tj ET\n"
         "q 72 500 300 40 re W n\n"
         "BT /F1 12 Tf 72 515 Td (Inside clip: independent reviewing officer) Tj ET\n"
         "BT /F1 12 Tf 72 300 Td (Clipped away: address 4 Quarry Bank) Tj ET\n"
         "Q\n"
         "BT /F1 12 Tf 72 200 Td (After the clip is restored) Tj ET\n")
    w = (words("Visible: Looked After Child review")
         + hidden("White note: sibling placed in Rhyl", "white text on a white page")
         + words("Visible again after the white line")
         + words("Inside clip: independent reviewing officer")
         + hidden("Clipped away: address 4 Quarry Bank", "outside the clipping path")
         + words("After the clip is restored"))
    doc.page(c, res, w, about="white on white (1 1 1 rg), and a 72 500 300 40 re W n clip")
    doc.write(outdir)


# ---------------------------------------------------------------------------
# edge-multistream.pdf


def multistream(outdir):
    doc = Doc("edge-multistream", "/Contents as an array of three streams, split "
              "between an operator's operands and the operator, BT/ET and q/Q spanning "
              "streams; an inline image (BI ID EI) between text, its data holding the "
              "bytes E I.")
    helv = std_font(doc, "Helvetica")
    res = "<< /Font << /F1 %d 0 R >> >>" % helv
    s1 = ("q\nBT /F1 12 Tf 72 720 Td (First stream: referral from Ms Tiwari) Tj\n"
          "0 -24")
    # 8 x 2 grey samples; bytes 0x45 0x49 ("EI") appear inside the data.
    data = bytes([200, 180, 0x45, 0x49, 160, 140, 120, 100,
                  90, 0x45, 0x49, 0x41, 60, 50, 40, 30])
    s2 = (b"Td (second stream: operands came from the first) Tj\nET\n"
          b"q 48 0 0 12 72 640 cm\nBI /W 8 /H 2 /CS /G /BPC 8 ID " + data + b"\nEI\nQ\n"
          b"BT /F1 12 Tf 130 642 Td (after the inline image) Tj\n")
    s3 = ("0 -30 Td (third stream: same text object, font carried over) Tj ET\nQ\n"
          "BT /F1 12 Tf 72 560 Td (Closing line by duty officer Kerrigan) Tj ET\n")
    w = (words("First stream: referral from Ms Tiwari")
         + words("second stream: operands came from the first", why="Td operands in previous stream")
         + words("after the inline image")
         + words("third stream: same text object, font carried over")
         + words("Closing line by duty officer Kerrigan"))
    doc.page([s1, s2, s3], res, w, about="Contents [s1 s2 s3]")
    doc.write(outdir)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "pdf")
    os.makedirs(outdir, exist_ok=True)
    for make in (type3, differences, cid_noto, vertical, rotated, cropbox, form_reused,
                 tj_kerning, invisible, multistream):
        make(outdir)


if __name__ == "__main__":
    main()
