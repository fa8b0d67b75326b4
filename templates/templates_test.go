package templates_test

import (
	"html/template"
	"testing"

	"github.com/releasegate/releasegate/templates"
)

// TestTemplatesParse: every embedded template parses, so a broken page
// fails the build's tests rather than a request.
func TestTemplatesParse(t *testing.T) {
	tm, err := template.ParseFS(templates.FS, "*.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	if tm.Lookup("layout") == nil {
		t.Fatal(`no "layout" template`)
	}
}
