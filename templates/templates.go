// Package templates holds the HTML pages and letter templates, embedded in
// the binary (//go:embed cannot reach parent folders, so the package lives
// beside its files).
//
// The HTML pages are the *.tmpl files at the top; the letters and emails
// that internal/letter renders are plain-text templates under letter/, kept
// apart so that html/template never parses them (their output is a PDF or
// a text/plain email, not HTML).
package templates

import "embed"

// FS is every template file.
//
//go:embed *.tmpl letter/*.tmpl
var FS embed.FS
