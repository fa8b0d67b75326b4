package stamp

import (
	"os"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// TestMain sets pdfcpu's process-wide setting as main does: no
// configuration directory in $HOME.
func TestMain(m *testing.M) {
	model.ConfigPath = "disable"
	os.Exit(m.Run())
}
