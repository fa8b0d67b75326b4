#!/usr/bin/env bash
# make test: everything the test suite needs, on a fresh Debian machine.
#  1. Debian packages the tests use (installed only when missing): make,
#     curl, the PDF oracles poppler-utils, qpdf and python3-fitz, and the
#     fonts the font tests read (fonts-dejavu-core, fonts-urw-base35);
#  2. Go modules;
#  3. PostgreSQL, Redis and MinIO on free loopback ports (scripts/backends.sh);
#  4. go vet and every test, on the embedded and the real backends.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v make >/dev/null || need+=(make)
command -v curl >/dev/null || need+=(curl)
# Independent PDF tools the PDF engine's tests use as oracles: poppler
# (pdftotext, pdftoppm), qpdf, and MuPDF through Debian's python3-fitz.
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
/usr/bin/python3 -c 'import fitz' 2>/dev/null || need+=(python3-fitz)
# Fonts the font tests read real files from (they skip without them).
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || need+=(fonts-dejavu-core)
[[ -d /usr/share/fonts/type1/urw-base35 ]] || need+=(fonts-urw-base35)
if ((${#need[@]})); then
	echo "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

export PATH="$PATH:/usr/local/go/bin"
gopath=$(go env GOPATH 2>/dev/null || echo "$HOME/go")
export PATH="$PATH:$gopath/bin"
go mod download
go vet ./...
unformatted=$(gofmt -l cmd internal worker templates 2>/dev/null || true)
if [[ -n "$unformatted" ]]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
exec scripts/backends.sh -- go test -count=1 -timeout 30m ./... "$@"
