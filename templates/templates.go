// Package templates holds the HTML pages and letter templates, embedded in
// the binary (//go:embed cannot reach parent folders, so the package lives
// beside its files).
package templates

import "embed"

// FS is every template file.
//
//go:embed *.tmpl
var FS embed.FS
