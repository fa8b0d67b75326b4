#!/bin/sh
# extract.sh writes the ToUnicode CMaps of the real-producer fixtures in
# ../../../../testdata/pdf as decoded stream data, one file per font:
# tounicode.<producer>.<object number>.cmap. Needs qpdf (11+) and jq.
set -eu
cd "$(dirname "$0")"
for pdf in ../../../../testdata/pdf/*.pdf; do
	producer=$(basename "$pdf" .pdf | sed 's/.*\.//')
	qpdf --json=2 --json-key=qpdf "$pdf" |
		jq -r '.qpdf[1] | to_entries[] | .value.value | objects | .["/ToUnicode"] // empty' |
		sort -u | while read -r num gen _; do
		qpdf --show-object="$num,$gen" --filtered-stream-data "$pdf" >"tounicode.$producer.$num.cmap"
	done
done
