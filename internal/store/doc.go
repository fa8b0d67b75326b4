// Package store opens the records database — SQLite (embedded default) or
// PostgreSQL — and applies the one versioned migration set to either.
//
// Queries are written once, with "?" placeholders and a portable subset of
// SQL; DB rebinds them to "$1, $2, …" for PostgreSQL. Identifiers are text
// (generated in Go), times are stored in UTC, so the same statements run on
// both engines and the same behaviour suites test both.
package store
