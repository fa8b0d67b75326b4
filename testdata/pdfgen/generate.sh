#!/usr/bin/env bash
# Makes the PDF fixtures in ../pdf from the sources in src/ with real
# producers from Debian packages. Run from anywhere; commit what it writes.
#   LibreOffice  src/police-report.html -> police-report.libreoffice.pdf
#   Ghostscript  src/school-letter.ps   -> school-letter.ghostscript.pdf
#   reportlab    src/gp-letter.py       -> gp-letter.reportlab.pdf
#   groff        src/probation.ms       -> probation.groff.pdf
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

# Hand-made edge cases and their ground truth; no producer, no dates.
/usr/bin/python3 "$here/edge.py" "$out"

for f in "$out"/*.pdf; do
	printf '%-40s %6d bytes  %s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(pdfinfo "$f" 2>/dev/null | sed -n 's/^Producer: *//p')"
done
