# releasegate — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/releasegate

.PHONY: run test unit build vet bench bench-text clean

## run: the whole service on http://127.0.0.1:8080 with embedded defaults (data in ./data)
run: build
	./$(BIN)

## build: the static binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/releasegate

## test: installs what the tests need, starts PostgreSQL, Redis and MinIO on free
## loopback ports, and runs every test on the embedded and the real backends
test:
	scripts/test.sh

## unit: the tests on embedded backends only (no installs, no servers)
unit:
	$(GO) test ./...

vet:
	$(GO) vet ./...

## bench: upload-to-ready and ingest benchmarks (real backends started as for test)
bench:
	scripts/backends.sh -- $(GO) test -run '^$$' -bench . -benchtime 20x ./internal/app/... ./internal/pdf/...

## bench-text: pages/s of `releasegate text` (plain and --json) against poppler's
## pdftotext on testdata/pdf and a 300-page concatenation (RUNS=n to change 10)
bench-text:
	scripts/bench-text.sh -n $(or $(RUNS),10)

clean:
	rm -rf bin
