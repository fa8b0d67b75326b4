#!/usr/bin/env bash
# make bench-text: how fast `releasegate text` is against poppler's pdftotext
# on the same files, measured in the same run.
#
#   scripts/bench-text.sh [-n RUNS] [-l] [FILE.pdf ...]
#
# Without files the corpus is testdata/pdf/*.pdf plus a long file made of
# those fixtures concatenated by qpdf until it has at least 300 pages, so
# that the cost of starting a process and opening a document does not hide
# the cost per page. Each file is run RUNS times (default 10, after 2 warm-up
# runs) by three commands: `releasegate text`, `releasegate text --json`
# (every glyph with its box) and `pdftotext -enc UTF-8 FILE -`. hyperfine
# times them when it is installed (Debian package hyperfine); otherwise, or
# with -l, a loop takes the three in turn on every round. Times are medians and include process start.
#
# The table gives pages/s for each mode and the ratio releasegate/pdftotext:
# above 1, releasegate is faster. Both modes are compared with the same
# plain pdftotext run. The totals divide every page by all the time.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=10
warmup=2
min_large_pages=300

use_loop=
usage() { echo "usage: scripts/bench-text.sh [-n RUNS] [-l] [FILE.pdf ...]" >&2; }
while getopts n:lh opt; do
	case $opt in
	n) runs=$OPTARG ;;
	l) use_loop=1 ;;
	h) usage; exit 0 ;;
	*) usage; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
	echo "bench-text: -n wants a positive number of runs, not $runs" >&2
	exit 2
fi
for tool in go pdftotext qpdf; do
	if ! command -v "$tool" >/dev/null; then
		echo "bench-text: $tool is required (poppler-utils, qpdf)" >&2
		exit 1
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "building releasegate" >&2
go build -trimpath -o "$tmp/releasegate" ./cmd/releasegate
rg=$tmp/releasegate

npages() { qpdf --show-npages "$1"; }

if (($#)); then
	files=("$@")
else
	files=(testdata/pdf/*.pdf)
	per_pass=0
	for f in "${files[@]}"; do
		per_pass=$((per_pass + $(npages "$f")))
	done
	pages_args=()
	large_pages=0
	while ((large_pages < min_large_pages)); do
		pages_args+=("${files[@]}")
		large_pages=$((large_pages + per_pass))
	done
	large=$tmp/fixtures-x$((large_pages / per_pass)).pdf
	echo "concatenating the fixtures into $large_pages pages" >&2
	qpdf --empty --pages "${pages_args[@]}" -- "$large"
	files+=("$large")
fi

# run runs one of the three commands on a file, its output discarded.
run() {
	case $1 in
	text) "$rg" text "$2" ;;
	json) "$rg" text --json "$2" ;;
	pdftotext) pdftotext -enc UTF-8 "$2" - ;;
	esac >/dev/null
}

# median reads numbers, one a line, and prints the middle one.
median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# time_hyperfine prints "MODE SECONDS" for each command on file $1.
time_hyperfine() {
	local q csv=$tmp/hyperfine.csv
	q=$(printf '%q' "$1")
	hyperfine --shell=none --style none --warmup "$warmup" --runs "$runs" --export-csv "$csv" \
		--command-name text "$(printf '%q' "$rg") text $q" \
		--command-name json "$(printf '%q' "$rg") text --json $q" \
		--command-name pdftotext "pdftotext -enc UTF-8 $q -" >/dev/null
	# command,mean,stddev,median,user,system,min,max
	awk -F, 'NR > 1 { print $1, $4 }' "$csv"
}

# time_loop prints "MODE SECONDS" for each command on file $1, taking the
# commands in turn on every round so that they share the machine's state.
time_loop() {
	local i mode t0 t1
	rm -f "$tmp"/times.*
	for ((i = 0; i < warmup + runs; i++)); do
		for mode in text json pdftotext; do
			t0=${EPOCHREALTIME/[.,]/}
			run "$mode" "$1"
			t1=${EPOCHREALTIME/[.,]/}
			if ((i >= warmup)); then
				echo "$((t1 - t0))e-6" >>"$tmp/times.$mode"
			fi
		done
	done
	for mode in text json pdftotext; do
		echo "$mode $(median <"$tmp/times.$mode")"
	done
}

if [[ -z $use_loop ]] && command -v hyperfine >/dev/null; then
	timer=hyperfine
	timer_version=$(hyperfine --version)
else
	timer=loop
	timer_version="bash timing loop (EPOCHREALTIME)"
fi

results=$tmp/results
: >"$results"
for f in "${files[@]}"; do
	if ! { run text "$f" && run json "$f" && run pdftotext "$f"; }; then
		echo "bench-text: $f: a command failed" >&2
		exit 1
	fi
	pages=$(npages "$f")
	echo "timing $(basename "$f") ($pages pages, $timer)" >&2
	"time_$timer" "$f" | while read -r mode secs; do
		echo "$(basename "$f") $pages $mode $secs"
	done >>"$results"
done

echo "releasegate text against $(pdftotext -v 2>&1 | head -1)"
echo "timer: $timer_version; $runs runs after $warmup warm-up, median, process start included"
echo "$(go version | cut -d' ' -f3-), $(nproc) CPUs"
echo
awk '
	{ p[$1] = $2; t[$1, $3] = $4; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
	function row(name, pages, mode, trg, tpt) {
		printf "%-32s %6d  %-4s %12.1f %12.1f %7.2f\n", name, pages, mode, pages / trg, pages / tpt, tpt / trg
	}
	END {
		printf "%-32s %6s  %-4s %12s %12s %7s\n", "file", "pages", "mode", "releasegate", "pdftotext", "ratio"
		printf "%-32s %6s  %-4s %12s %12s %7s\n", "", "", "", "pages/s", "pages/s", ""
		for (i = 1; i <= n; i++) {
			f = order[i]
			for (m = 1; m <= 2; m++) {
				mode = m == 1 ? "text" : "json"
				row(m == 1 ? f : "", p[f], mode, t[f, mode], t[f, "pdftotext"])
				sum[mode] += t[f, mode]
			}
			sum["pdftotext"] += t[f, "pdftotext"]
			pages += p[f]
		}
		row("total (" n " files)", pages, "text", sum["text"], sum["pdftotext"])
		row("", pages, "json", sum["json"], sum["pdftotext"])
	}
' "$results"
