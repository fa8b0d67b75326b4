#!/usr/bin/env bash
# Print poppler's pdftotext view of one PDF as JSON lines, one per page:
#   {"page":1,"words":["Referral","from",...]}
# Words are pdftotext's UTF-8 output split at whitespace, one page per run
# (-f N -l N), so tests can compare word lists without parsing form feeds.
# Usage: pdftotext_words.sh FILE.pdf [extra pdftotext options, e.g. -raw]
set -euo pipefail
file=$1
shift
pages=$(pdfinfo "$file" | sed -n 's/^Pages: *//p')
for ((n = 1; n <= pages; n++)); do
	pdftotext -q -enc UTF-8 "$@" -f "$n" -l "$n" "$file" - |
		/usr/bin/python3 -c 'import json, sys
print(json.dumps({"page": int(sys.argv[1]), "words": sys.stdin.read().split()}, ensure_ascii=False))' "$n"
done
