package app_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/user"
)

// BenchmarkUploadToReady measures one 20-page PDF from the start of its
// upload to the moment the API reports it ready, on each set of backends.
func BenchmarkUploadToReady(b *testing.B) {
	for _, mode := range apptest.Modes(b) {
		b.Run(string(mode), func(b *testing.B) {
			env := apptest.Start(b, mode, apptest.Options{})
			sw := env.User("sam", user.SocialWorker)
			caseID := sw.NewCase("LA-BENCH", "none")
			pdf := ingesttest.TextPDF(b, 20)
			b.SetBytes(int64(len(pdf)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				data := append(append([]byte{}, pdf...), fmt.Sprintf("%% %d\n", i)...)
				r := sw.Upload(caseID, "r.pdf", data, apptest.Receipt())
				if r.Status != http.StatusAccepted {
					b.Fatalf("%d %s", r.Status, r.Body)
				}
				id := r.Map(b)["id"].(string)
				for {
					got := sw.Do(http.MethodGet, "/api/v1/documents/"+id, nil).Map(b)
					if got["state"] == "ready" {
						break
					}
					if got["state"] == "rejected" {
						b.Fatalf("%v", got)
					}
					time.Sleep(2 * time.Millisecond)
				}
			}
		})
	}
}
