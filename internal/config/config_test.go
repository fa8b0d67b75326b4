package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.MaxUploadMB != 100 || c.DatabaseURL != "" || c.RedisURL != "" || c.S3Endpoint != "" {
		t.Fatalf("%+v", c)
	}
}

func TestSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "secret")
	if err := os.WriteFile(f, []byte("s3cr3t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.FromEnv(env(map[string]string{"RG_S3_ENDPOINT": "minio:9000", "RG_S3_ACCESS_KEY": "rg", "RG_S3_SECRET_KEY_FILE": f}))
	if err != nil {
		t.Fatal(err)
	}
	if c.S3SecretKey != "s3cr3t" {
		t.Fatalf("secret %q", c.S3SecretKey)
	}
	if _, ok := c.Redacted()["s3_secret_key"]; ok {
		t.Fatal("secret in the redacted view")
	}
}

func TestBadConfigSaysWhatToFix(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"RG_MAX_UPLOAD_MB": "lots"}, "RG_MAX_UPLOAD_MB must be a positive whole number"},
		{map[string]string{"RG_S3_ENDPOINT": "minio:9000"}, "set RG_S3_ACCESS_KEY and RG_S3_SECRET_KEY"},
		{map[string]string{"RG_DATABASE_URL": "mysql://x"}, "must be a postgres:// URL"},
		{map[string]string{"RG_S3_SECRET_KEY": "a", "RG_S3_SECRET_KEY_FILE": "/x"}, "not both"},
		{map[string]string{"RG_S3_SECRET_KEY_FILE": "/does/not/exist"}, "RG_S3_SECRET_KEY_FILE"},
		{map[string]string{"RG_LOG_LEVEL": "loud"}, "RG_LOG_LEVEL"},
		{map[string]string{"RG_S3_USE_TLS": "maybe"}, "RG_S3_USE_TLS must be true or false"},
	}
	for _, tc := range cases {
		_, err := config.FromEnv(env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.env, err, tc.want)
		}
	}
}

func TestMailAndConsentSettings(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPHost != "" || c.ConsentLinkDays != 14 || c.ConsentChaseDays != 3 || c.ConsentReminders != 2 || c.BaseURL() != "http://127.0.0.1:8080" {
		t.Fatalf("defaults %+v", c)
	}
	f := filepath.Join(t.TempDir(), "smtp")
	if err := os.WriteFile(f, []byte("pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = config.FromEnv(env(map[string]string{"RG_SMTP_HOST": "smtp.example.gov.uk", "RG_SMTP_PORT": "465",
		"RG_SMTP_FROM": "Children's Services <cs@example.gov.uk>", "RG_SMTP_USERNAME": "rg", "RG_SMTP_PASSWORD_FILE": f,
		"RG_PUBLIC_URL": "https://rg.example.gov.uk/", "RG_CONSENT_LINK_DAYS": "21", "RG_CONSENT_REMINDERS": "3"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPPort != 465 || c.SMTPPassword != "pw" || c.BaseURL() != "https://rg.example.gov.uk" || c.ConsentLinkDays != 21 || c.ConsentReminders != 3 {
		t.Fatalf("%+v", c)
	}
	if c.Redacted()["mail"] != "smtp" || strings.Contains(fmt.Sprint(c.Redacted()), "pw") {
		t.Fatalf("redacted %v", c.Redacted())
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"RG_SMTP_HOST": "smtp.example"}, "RG_SMTP_FROM"},
		{map[string]string{"RG_SMTP_USERNAME": "rg"}, "RG_SMTP_PASSWORD"},
		{map[string]string{"RG_PUBLIC_URL": "rg.example"}, "RG_PUBLIC_URL"},
		{map[string]string{"RG_CONSENT_CHASE_WORKING_DAYS": "0"}, "RG_CONSENT_CHASE_WORKING_DAYS"},
	} {
		if _, err := config.FromEnv(env(tc.env)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.env, err, tc.want)
		}
	}
}

func TestLetterAndNoticeSettings(t *testing.T) {
	c, err := config.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.ContactEmail != "" || c.ComplaintsContact != "" || c.LegalEmail != "" || c.Redacted()["legal_notices"] != "outbox" {
		t.Fatalf("defaults %+v", c)
	}
	f := filepath.Join(t.TempDir(), "legal")
	if err := os.WriteFile(f, []byte("legal.services@example.gov.uk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = config.FromEnv(env(map[string]string{"RG_CONTACT_EMAIL": "cs@example.gov.uk",
		"RG_COMPLAINTS_CONTACT": "the Complaints Team, complaints@example.gov.uk, 0300 123 4567", "RG_LEGAL_EMAIL_FILE": f,
		"RG_SMTP_HOST": "smtp.example.gov.uk", "RG_SMTP_FROM": "cs@example.gov.uk"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ContactEmail != "cs@example.gov.uk" || !strings.HasPrefix(c.ComplaintsContact, "the Complaints Team") ||
		c.LegalEmail != "legal.services@example.gov.uk" || c.Redacted()["legal_notices"] != "email" {
		t.Fatalf("%+v", c)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"RG_LEGAL_EMAIL": "Legal Services"}, "RG_LEGAL_EMAIL must be an email address"},
		{map[string]string{"RG_LEGAL_EMAIL": "Legal <legal@example.gov.uk>"}, "RG_LEGAL_EMAIL must be an email address"},
		{map[string]string{"RG_CONTACT_EMAIL": "cs at example"}, "RG_CONTACT_EMAIL must be an email address"},
		{map[string]string{"RG_LEGAL_EMAIL": "legal@example.gov.uk", "RG_LEGAL_EMAIL_FILE": f}, "not both"},
	} {
		if _, err := config.FromEnv(env(tc.env)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.env, err, tc.want)
		}
	}
}
