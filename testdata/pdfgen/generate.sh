#!/usr/bin/env bash
# Makes the PDF fixtures in ../pdf from the sources in src/ with real
# producers from Debian packages. Run from anywhere; commit what it writes.
#   LibreOffice  src/police-report.html -> police-report.libreoffice.pdf
#   Ghostscript  src/school-letter.ps   -> school-letter.ghostscript.pdf
#   reportlab    src/gp-letter.py       -> gp-letter.reportlab.pdf
#   groff        src/probation.ms       -> probation.groff.pdf
#   Chromium     src/camhs-letter.html  -> camhs-letter.chromium.pdf
#   pdfTeX       src/school-report.tex  -> school-report.pdftex.pdf
#   edge.py      (hand-written PDF syntax) -> edge-*.pdf + edge-*.json
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../pdf
mkdir -p "$out"
need=()
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui fonts-liberation2)
command -v ps2pdf >/dev/null || need+=(ghostscript)
/usr/bin/python3 -c 'import reportlab' 2>/dev/null || need+=(python3-reportlab)
command -v groff >/dev/null && groff -Tpdf -v >/dev/null 2>&1 || need+=(groff)
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || need+=(fonts-dejavu-core)
/usr/bin/python3 -c 'import fontTools' 2>/dev/null || need+=(python3-fonttools)
command -v chromium >/dev/null || need+=(chromium)
command -v pdflatex >/dev/null || need+=(texlive-latex-base)
[[ -f /usr/share/fonts/opentype/urw-base35/C059-Roman.otf ]] || need+=(fonts-urw-base35)
if ((${#need[@]})); then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Producers stamp dates; SOURCE_DATE_EPOCH keeps the ones that honour it stable.
export SOURCE_DATE_EPOCH=1795000000

HOME=$tmp soffice --headless --norestore --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export --outdir "$tmp" "$here/src/police-report.html" >/dev/null
mv "$tmp/police-report.pdf" "$out/police-report.libreoffice.pdf"

ps2pdf -dCompatibilityLevel=1.5 "$here/src/school-letter.ps" "$out/school-letter.ghostscript.pdf"

/usr/bin/python3 "$here/src/gp-letter.py" "$out/gp-letter.reportlab.pdf"

groff -ms -Tpdf "$here/src/probation.ms" >"$out/probation.groff.pdf"

# Chromium (Skia/PDF) ignores SOURCE_DATE_EPOCH: the only bytes that differ
# between two runs are the CreationDate and ModDate strings of the Info
# dictionary, so they are rewritten in place to the same epoch (same length:
# the xref offsets stay right).
TZ=UTC chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$tmp/chr" --no-pdf-header-footer \
	--print-to-pdf="$tmp/camhs-letter.pdf" "file://$here/src/camhs-letter.html" 2>/dev/null
/usr/bin/python3 - "$tmp/camhs-letter.pdf" "$out/camhs-letter.chromium.pdf" <<'PY'
import datetime, os, re, sys
when = datetime.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), datetime.timezone.utc)
data = open(sys.argv[1], "rb").read()
data, n = re.subn(rb"D:\d{14}[+-]\d\d'\d\d'", when.strftime("D:%Y%m%d%H%M%S+00'00'").encode(), data)
assert n == 2, "expected CreationDate and ModDate, found %d dates" % n
open(sys.argv[2], "wb").write(data)
PY

# pdfTeX honours SOURCE_DATE_EPOCH for its dates and trailer /ID;
# FORCE_SOURCE_DATE makes \today follow it too.
(cd "$tmp" && FORCE_SOURCE_DATE=1 pdflatex -interaction=batchmode -halt-on-error "$here/src/school-report.tex" >/dev/null)
mv "$tmp/school-report.pdf" "$out/school-report.pdftex.pdf"

# Hand-made edge cases and their ground truth; no producer, no dates.
/usr/bin/python3 "$here/edge.py" "$out"

for f in "$out"/*.pdf; do
	printf '%-40s %6d bytes  %s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(pdfinfo "$f" 2>/dev/null | sed -n 's/^Producer: *//p')"
done
