#!/usr/bin/env bash
# compare-pymupdf.sh — releasegate's redaction held against PyMuPDF's, on the
# same files and terms, measured by oracles that belong to neither.
#
#   scripts/compare-pymupdf.sh [-t TERMS] [FILE.pdf ...]
#
# Without files the corpus is testdata/pdf/*.pdf; TERMS defaults to
# testdata/redact-terms.txt (one term a line). For each file:
#   1. PyMuPDF 1.21 (scripts/oracle/pymupdf_redact.py, one file per process):
#      page.search_for for every term (case-insensitive), a redaction
#      annotation on every hit, page.apply_redactions() with its defaults,
#      save with garbage=4, deflate=True;
#   2. `releasegate redact --terms TERMS --report …` with the default width
#      policy; exit 1 is a refusal and its one-line reason is listed below the
#      table;
#   3. each output (and the input, as the baseline) is measured:
#      leaks    occurrences of a term in the output, counted three ways:
#               pdftotext (poppler) page by page; MuPDF's page.get_text()
#               (scripts/oracle/mupdf_chars.py); the bytes of
#               `qpdf --qdf --object-streams=disable` (streams decompressed),
#               looked for as UTF-8, Latin-1 and UTF-16BE. Text is compared
#               case-insensitively after NFKC (ligatures ﬁ ﬀ → fi ff), with
#               accents dropped (so MuPDF's "Kami´nska" is "kaminska"), curly
#               apostrophes and the Unicode hyphens U+2010/U+2011 folded to
#               ASCII, runs of white space as one space; a hyphen at the end
#               of a line is tried both kept and dropped (the larger count
#               wins). Raw bytes are compared as they are (ASCII case folded).
#      lost     words of the input's pdftotext (words are runs of letters and
#               digits, folded as above) missing from the output's, as a
#               multiset, after taking out the words of every occurrence of a
#               term in the input: what a redaction took beyond its terms.
#      qpdf     `qpdf --check`: ok, warn (exit 3) or fail.
#   4. prints a table and the totals per tool, then every leak by file, tool
#      and term, then the refusals.
# seconds is wall time of the redacting process, start-up included (Python's
# import of fitz is most of PyMuPDF's on small files; the totals also give
# the time PyMuPDF measured inside the process). RELEASEGATE=/path/to/binary
# skips the build. Needs poppler-utils, qpdf and python3-fitz (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."

terms=testdata/redact-terms.txt
usage() { echo "usage: scripts/compare-pymupdf.sh [-t TERMS] [FILE.pdf ...]" >&2; }
while getopts t:h opt; do
	case $opt in
	t) terms=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

python=/usr/bin/python3
missing=()
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v qpdf >/dev/null || missing+=(qpdf)
if ! [[ -x $python ]] || ! "$python" -c 'import fitz' 2>/dev/null; then
	missing+=(python3-fitz)
fi
if ((${#missing[@]})); then
	echo "compare-pymupdf: missing tools; install the Debian packages: ${missing[*]}" >&2
	exit 1
fi
if ! [[ -r $terms ]]; then
	echo "compare-pymupdf: cannot read terms file $terms" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ -n ${RELEASEGATE:-} ]]; then
	rg=$RELEASEGATE
else
	echo "building releasegate" >&2
	go build -o "$tmp/releasegate" ./cmd/releasegate
	rg=$tmp/releasegate
fi

if (($#)); then
	files=("$@")
else
	files=(testdata/pdf/*.pdf)
fi

# measure.py counts leaks and lost words; it reads only files the script
# wrote, so it runs on plain python3 (no fitz).
cat >"$tmp/measure.py" <<'EOF'
import collections, json, re, sys, unicodedata

QUOTES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",
          "\u2010": "-", "\u2011": "-", "\u00ad": ""}

# the spacing accents MuPDF reports for TeX's two-glyph accents
# (´ ` ¨ ˆ ˜ ¸ ˇ ˘ ˙ ˚ ¯), dropped before NFKC turns them into a space and a
# combining mark
SPACING_ACCENTS = "\u00b4`\u00a8\u02c6\u02dc\u00b8\u02c7\u02d8\u02d9\u02da\u00af"

def fold(s):
    s = "".join(c for c in s if c not in SPACING_ACCENTS)
    s = unicodedata.normalize("NFKC", s)
    s = "".join(QUOTES.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.casefold()

def variants(page):
    page = fold(page)
    out = []
    for joined in (page, re.sub(r"-[ \t]*\n\s*", "-", page), re.sub(r"-[ \t]*\n\s*", "", page)):
        out.append(re.sub(r"\s+", " ", joined))
    return out

def count_text(pages, term):
    t = re.sub(r"\s+", " ", fold(term)).strip()
    return sum(max(v.count(t) for v in variants(p)) for p in pages)

def count_raw(raw, term):
    n, seen = 0, set()
    for enc in ("utf-8", "latin-1", "utf-16-be"):
        try:
            b = term.lower().encode(enc)
        except UnicodeEncodeError:
            continue
        if b not in seen:
            seen.add(b)
            n += raw.count(b)
    return n

def words(pages):
    return collections.Counter(w for p in pages for w in re.findall(r"\w+", fold(p)))

def pdftotext_pages(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().split("\f")

def mupdf_pages(path):
    with open(path, encoding="utf-8") as f:
        return [p["text"] for p in json.load(f)["pages"]]

def main():
    # measure.py TERMS IN.txt OUT.txt OUT.mupdf.json OUT.qdf LABEL DETAILS
    terms_path, in_txt, out_txt, out_mu, out_qdf, label, details = sys.argv[1:]
    with open(terms_path, encoding="utf-8") as f:
        terms = [t.strip() for t in f if t.strip()]
    inp = pdftotext_pages(in_txt)
    pt = pdftotext_pages(out_txt)
    mu = mupdf_pages(out_mu)
    with open(out_qdf, "rb") as f:
        raw = f.read().lower()
    total = [0, 0, 0]
    kept = words(inp)
    with open(details, "a", encoding="utf-8") as d:
        for t in terms:
            c = (count_text(pt, t), count_text(mu, t), count_raw(raw, t))
            if any(c):
                d.write("%s\t%s\t%d\t%d\t%d\n" % (label, t, *c))
            total = [a + b for a, b in zip(total, c)]
            n = count_text(inp, t)
            for w in re.findall(r"\w+", fold(t)):
                kept[w] = max(0, kept[w] - n)
    gone = kept - words(pt)
    lost = sum(gone.values())
    if lost:
        with open(details + ".lost", "a", encoding="utf-8") as d:
            d.write("%s\t%s\n" % (label, " ".join(sorted(gone.elements()))))
    print(*total, lost)

main()
EOF

# mupdf_text writes MuPDF's view of $1 as JSON to $2 (one file per process).
mupdf_text() { "$python" scripts/oracle/mupdf_chars.py "$1" >"$2" 2>/dev/null; }

# qpdf_check prints ok, warn or fail for $1.
qpdf_check() {
	local rc=0
	qpdf --check "$1" >/dev/null 2>&1 || rc=$?
	case $rc in
	0) echo ok ;;
	3) echo warn ;;
	*) echo fail ;;
	esac
}

# measure prints "PDFTOTEXT MUPDF RAW LOST QPDF" for output $2 of input $1,
# appending its leaks to the details file under label $3.
measure() {
	local in=$1 out=$2 label=$3 base=$tmp/m
	pdftotext -q -enc UTF-8 "$out" "$base.txt" || : >"$base.txt"
	mupdf_text "$out" "$base.json" || echo '{"pages":[]}' >"$base.json"
	qpdf --qdf --object-streams=disable "$out" "$base.qdf" >/dev/null 2>&1 || [[ -s $base.qdf ]] || cp "$out" "$base.qdf"
	echo "$("$python" "$tmp/measure.py" "$terms" "$in.txt" "$base.txt" "$base.json" "$base.qdf" "$label" "$tmp/details") $(qpdf_check "$out")"
}

now() { echo "${EPOCHREALTIME/,/.}"; }

results=$tmp/results # file tool status pt mu raw lost qpdf seconds
notes=$tmp/notes
: >"$results"
: >"$notes"
: >"$tmp/details"
pymupdf_inner=0
for f in "${files[@]}"; do
	name=$(basename "$f" .pdf)
	echo "redacting $name" >&2
	in=$tmp/$name.in
	pdftotext -q -enc UTF-8 "$f" "$in.txt" || : >"$in.txt"

	# the input itself: how many occurrences each oracle can see at all
	read -r pt mu raw lost check < <(measure "$in" "$f" "$name	input")
	echo "$name input - $pt $mu $raw - $check -" >>"$results"

	out=$tmp/$name.pymupdf.pdf
	t0=$(now)
	if "$python" scripts/oracle/pymupdf_redact.py "$terms" "$f" "$out" >"$tmp/py.json" 2>"$tmp/py.err"; then
		t1=$(now)
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
		inner=$(sed -n 's/^{"hits".*"seconds": *\([0-9.e-]*\)}$/\1/p' "$tmp/py.json")
		pymupdf_inner=$(awk -v a="$pymupdf_inner" -v b="$inner" 'BEGIN { print a + b }')
		read -r pt mu raw lost check < <(measure "$in" "$out" "$name	pymupdf")
		echo "$name pymupdf ok $pt $mu $raw $lost $check $secs" >>"$results"
	else
		echo "$name pymupdf error - - - - - -" >>"$results"
		echo "$name pymupdf: $(grep -v 'swig/python detected a memory leak' "$tmp/py.err" | tail -1)" >>"$notes"
	fi

	out=$tmp/$name.releasegate.pdf
	rc=0
	t0=$(now)
	"$rg" redact -o "$out" --terms "$terms" --report "$tmp/$name.report.json" "$f" >/dev/null 2>"$tmp/rg.err" || rc=$?
	t1=$(now)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	if ((rc == 0)); then
		read -r pt mu raw lost check < <(measure "$in" "$out" "$name	releasegate")
		echo "$name releasegate ok $pt $mu $raw $lost $check $secs" >>"$results"
		if grep -q '"widths_leak": *true' "$tmp/$name.report.json" 2>/dev/null; then
			echo "$name releasegate: report says widths_leak (a gap fell back to the exact layout)" >>"$notes"
		fi
	else
		status=error
		((rc == 1)) && status=refused
		echo "$name releasegate $status - - - - - $secs" >>"$results"
		echo "$name releasegate $status (exit $rc): $(tail -1 "$tmp/rg.err")" >>"$notes"
	fi
done

echo "releasegate redact (default width policy) against PyMuPDF $("$python" -c 'import fitz; print(fitz.VersionBind)' 2>/dev/null) on $(wc -l <"$terms") terms from $terms"
echo "oracles: $(pdftotext -v 2>&1 | head -1), MuPDF (page.get_text), $(qpdf --version | head -1)"
echo "leaks = term occurrences found in the output by pdftotext/mupdf/raw qpdf --qdf bytes; input rows count them in the file before redaction"
echo
awk -v inner="$pymupdf_inner" '
	function row(f, tool, st, l, lost, q, s) {
		printf "%-26s %-11s %-7s %16s %6s %5s %8s\n", f, tool, st, l, lost, q, s
	}
	{
		leaks = ($4 == "-") ? "-" : $4 "/" $5 "/" $6
		row($1 == prev ? "" : $1, $2, $3, leaks, $7, $8, $9)
		prev = $1
		if ($2 == "input") next
		n[$2]++
		count[$2, $3]++
		if ($4 != "-") { pt[$2] += $4; mu[$2] += $5; raw[$2] += $6; lost[$2] += $7 }
		if ($9 != "-") secs[$2] += $9
		if ($8 == "fail" || $8 == "warn") bad[$2]++
	}
	BEGIN { row("file", "tool", "status", "leaks pt/mu/raw", "lost", "qpdf", "seconds") }
	END {
		print ""
		split("pymupdf releasegate", order, " ")
		for (i = 1; i <= 2; i++) {
			t = order[i]
			printf "total %-11s %d files: %d ok, %d refused, %d error; leaks %d/%d/%d; words lost %d; qpdf not ok %d; %.3f s", \
				t, n[t], count[t, "ok"], count[t, "refused"], count[t, "error"], pt[t], mu[t], raw[t], lost[t], bad[t], secs[t]
			if (t == "pymupdf") printf " (%.3f s inside Python)", inner
			printf "\n"
		}
	}
' "$results"

echo
echo "leaks by term (file, tool, term: pdftotext mupdf raw); input rows are the baseline"
if [[ -s $tmp/details ]]; then
	awk -F'\t' '$2 != "input" { printf "  %-26s %-11s %-24s %s %s %s\n", $1, $2, $3, $4, $5, $6 }' "$tmp/details"
	echo "input (occurrences before redaction):"
	awk -F'\t' '$2 == "input" { printf "  %-26s %-24s %s %s %s\n", $1, $3, $4, $5, $6 }' "$tmp/details"
fi
if [[ -s $tmp/details.lost ]]; then
	echo
	echo "words lost outside the terms (file, tool: words)"
	awk -F'\t' '{ printf "  %-26s %-11s %s\n", $1, $2, $3 }' "$tmp/details.lost"
fi
if [[ -s $notes ]]; then
	echo
	echo "notes"
	sed 's/^/  /' "$notes"
fi
