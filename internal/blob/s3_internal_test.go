package blob

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"syscall"
	"testing"

	"github.com/minio/minio-go/v7"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name              string
		err               error
		notFound, unavail bool
	}{
		{"NoSuchKey", minio.ErrorResponse{Code: "NoSuchKey", StatusCode: 404}, true, false},
		{"SlowDown", minio.ErrorResponse{Code: "SlowDown", StatusCode: 503}, false, true},
		{"NotInitialized", minio.ErrorResponse{Code: "XMinioServerNotInitialized", StatusCode: 503}, false, true},
		{"Any5xx", minio.ErrorResponse{Code: "Whatever", StatusCode: 502}, false, true},
		{"NoSuchBucket", minio.ErrorResponse{Code: "NoSuchBucket", StatusCode: 404}, false, true},
		{"AccessDenied", minio.ErrorResponse{Code: "AccessDenied", StatusCode: 403}, false, false},
		{"Refused", &url.Error{Op: "Get", URL: "http://127.0.0.1:1", Err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED)}, false, true},
		{"Deadline", fmt.Errorf("stat: %w", context.DeadlineExceeded), false, true},
		{"Canceled", context.Canceled, false, false},
		{"Other", errors.New("bad argument"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.err)
			if errors.Is(got, ErrNotFound) != tt.notFound || errors.Is(got, ErrUnavailable) != tt.unavail {
				t.Errorf("classify(%v) = %v; want notFound=%v unavailable=%v", tt.err, got, tt.notFound, tt.unavail)
			}
			if !errors.Is(got, tt.err) && !errors.Is(got, context.Canceled) {
				t.Errorf("classify dropped the original error: %v", got)
			}
		})
	}
}
