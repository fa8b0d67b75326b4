// Package config reads releasegate's settings from RG_* environment
// variables (each may instead name a file with RG_*_FILE, for secrets
// mounted by an orchestrator); command-line flags override them.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Config is every setting. Zero values mean the embedded defaults.
type Config struct {
	Addr         string // RG_ADDR, default 127.0.0.1:8080
	DataDir      string // RG_DATA_DIR, default ./data
	DatabaseURL  string // RG_DATABASE_URL: postgres://… (empty: SQLite in DataDir)
	RedisURL     string // RG_REDIS_URL (empty: embedded queue)
	QueueAddr    string // RG_QUEUE_ADDR: embedded queue's loopback address, default 127.0.0.1:0
	S3Endpoint   string // RG_S3_ENDPOINT (empty: blobs in DataDir/blobs)
	S3Bucket     string // RG_S3_BUCKET, default releasegate
	S3AccessKey  string // RG_S3_ACCESS_KEY
	S3SecretKey  string // RG_S3_SECRET_KEY
	S3Region     string // RG_S3_REGION
	S3UseTLS     bool   // RG_S3_USE_TLS, default true
	MaxUploadMB  int    // RG_MAX_UPLOAD_MB, default 100
	MaxPages     int    // RG_MAX_PAGES, default 2000
	MaxExpandMB  int    // RG_MAX_EXPANDED_MB: decompressed content allowed per document, default 1024
	Concurrency  int    // RG_WORKER_CONCURRENCY, default 4
	LogLevel     string // RG_LOG_LEVEL: debug, info, warn, error
	SecureCookie bool   // RG_SECURE_COOKIES: set when served over HTTPS
	// PublicPerMinute bounds the requests one client address may make to
	// the routes that need no account (sign-in, an author's link, a
	// recipient's download): RG_PUBLIC_RATE_PER_MIN, default 120; 0 is no
	// limit.
	PublicPerMinute int

	// PublicURL is where people outside the council reach releasegate
	// (RG_PUBLIC_URL, e.g. https://releasegate.example.gov.uk): the start
	// of the links in letters. Empty means http://Addr (see BaseURL).
	PublicURL string
	// SMTP (RG_SMTP_*): with no host, emails wait in the outbox for a
	// person to send them.
	SMTPHost     string // RG_SMTP_HOST
	SMTPPort     int    // RG_SMTP_PORT, default 587 (465: TLS from the start)
	SMTPFrom     string // RG_SMTP_FROM: "Children's Services <cs@example.gov.uk>"
	SMTPUsername string // RG_SMTP_USERNAME (optional)
	SMTPPassword string // RG_SMTP_PASSWORD or RG_SMTP_PASSWORD_FILE
	// Asking the author for consent (RG_CONSENT_*).
	ConsentReplyTo   string // RG_CONSENT_REPLY_TO: where authors write back when a request names no address (default: RG_SMTP_FROM)
	ConsentLinkDays  int    // RG_CONSENT_LINK_DAYS: how long an author's link works, default 14 days
	ConsentChaseDays int    // RG_CONSENT_CHASE_WORKING_DAYS: working days between letters before a reminder, default 3
	ConsentReminders int    // RG_CONSENT_REMINDERS: reminders before the manager is told, default 2
	// Letters to families and notices to Legal Services.
	ContactEmail      string // RG_CONTACT_EMAIL: the team's address that letters to families give
	ComplaintsContact string // RG_COMPLAINTS_CONTACT: how a family complains, as letters say it ("the Complaints Team, complaints@example.gov.uk, 0300 123 4567")
	LegalEmail        string // RG_LEGAL_EMAIL: where notices routing Care Order redactions to Legal Services are emailed (with SMTP); without it they wait in the outbox
}

// Defaults returns the embedded defaults.
func Defaults() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./data", S3Bucket: "releasegate", S3UseTLS: true,
		MaxUploadMB: 100, MaxPages: 2000, MaxExpandMB: 1024, Concurrency: 4, LogLevel: "info", QueueAddr: "127.0.0.1:0",
		SMTPPort: 587, ConsentLinkDays: 14, ConsentChaseDays: 3, ConsentReminders: 2, PublicPerMinute: 120}
}

// FromEnv reads the environment over the defaults. getenv is os.Getenv in
// production and a map in tests.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Defaults()
	var errs []error
	str := func(dst *string, name string) {
		v, err := lookup(getenv, name)
		if err != nil {
			errs = append(errs, err)
		} else if v != "" {
			*dst = v
		}
	}
	num := func(dst *int, name string) {
		var s string
		str(&s, name)
		if s == "" {
			return
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("%s must be a positive whole number, not %q", name, s))
			return
		}
		*dst = n
	}
	boolean := func(dst *bool, name string) {
		var s string
		str(&s, name)
		if s == "" {
			return
		}
		b, err := strconv.ParseBool(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s must be true or false, not %q", name, s))
			return
		}
		*dst = b
	}
	str(&c.Addr, "RG_ADDR")
	str(&c.DataDir, "RG_DATA_DIR")
	str(&c.DatabaseURL, "RG_DATABASE_URL")
	str(&c.RedisURL, "RG_REDIS_URL")
	str(&c.QueueAddr, "RG_QUEUE_ADDR")
	str(&c.S3Endpoint, "RG_S3_ENDPOINT")
	str(&c.S3Bucket, "RG_S3_BUCKET")
	str(&c.S3AccessKey, "RG_S3_ACCESS_KEY")
	str(&c.S3SecretKey, "RG_S3_SECRET_KEY")
	str(&c.S3Region, "RG_S3_REGION")
	boolean(&c.S3UseTLS, "RG_S3_USE_TLS")
	num(&c.MaxUploadMB, "RG_MAX_UPLOAD_MB")
	num(&c.MaxPages, "RG_MAX_PAGES")
	num(&c.MaxExpandMB, "RG_MAX_EXPANDED_MB")
	num(&c.Concurrency, "RG_WORKER_CONCURRENCY")
	str(&c.LogLevel, "RG_LOG_LEVEL")
	boolean(&c.SecureCookie, "RG_SECURE_COOKIES")
	num(&c.PublicPerMinute, "RG_PUBLIC_RATE_PER_MIN")
	str(&c.PublicURL, "RG_PUBLIC_URL")
	str(&c.SMTPHost, "RG_SMTP_HOST")
	num(&c.SMTPPort, "RG_SMTP_PORT")
	str(&c.SMTPFrom, "RG_SMTP_FROM")
	str(&c.SMTPUsername, "RG_SMTP_USERNAME")
	str(&c.SMTPPassword, "RG_SMTP_PASSWORD")
	str(&c.ConsentReplyTo, "RG_CONSENT_REPLY_TO")
	num(&c.ConsentLinkDays, "RG_CONSENT_LINK_DAYS")
	num(&c.ConsentChaseDays, "RG_CONSENT_CHASE_WORKING_DAYS")
	num(&c.ConsentReminders, "RG_CONSENT_REMINDERS")
	str(&c.ContactEmail, "RG_CONTACT_EMAIL")
	str(&c.ComplaintsContact, "RG_COMPLAINTS_CONTACT")
	str(&c.LegalEmail, "RG_LEGAL_EMAIL")
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// lookup reads NAME, or the file NAME_FILE points at (trailing newline
// trimmed). Setting both is an error, so there is never a doubt which won.
func lookup(getenv func(string) string, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	if file == "" {
		return v, nil
	}
	if v != "" {
		return "", fmt.Errorf("set %s or %s_FILE, not both", name, name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// Validate checks combinations.
func (c Config) Validate() error {
	if c.S3Endpoint != "" && (c.S3AccessKey == "" || c.S3SecretKey == "") {
		return errors.New("RG_S3_ENDPOINT is set: set RG_S3_ACCESS_KEY and RG_S3_SECRET_KEY (or their _FILE forms) too")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return errors.New("RG_DATABASE_URL must be a postgres:// URL, or unset for the embedded SQLite database")
	}
	if c.SMTPHost != "" {
		if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
			return errors.New("RG_SMTP_HOST is set: set RG_SMTP_FROM to the address emails come from, e.g. \"Children's Services <cs@example.gov.uk>\"")
		}
	}
	if (c.SMTPUsername == "") != (c.SMTPPassword == "") {
		return errors.New("set both RG_SMTP_USERNAME and RG_SMTP_PASSWORD (or RG_SMTP_PASSWORD_FILE), or neither")
	}
	for _, a := range []struct{ name, v, example string }{
		{"RG_CONTACT_EMAIL", c.ContactEmail, "childrens.services@example.gov.uk"},
		{"RG_LEGAL_EMAIL", c.LegalEmail, "legal.services@example.gov.uk"},
	} {
		if a.v == "" {
			continue
		}
		if addr, err := mail.ParseAddress(a.v); err != nil || addr.Address != a.v {
			return fmt.Errorf("%s must be an email address such as %s, not %q", a.name, a.example, a.v)
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("RG_PUBLIC_URL must be an http(s) URL such as https://releasegate.example.gov.uk, not %q", c.PublicURL)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("RG_LOG_LEVEL must be debug, info, warn or error, not %q", c.LogLevel)
	}
	return nil
}

// Flags registers the common overrides on fs, writing into c.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "HTTP listen address (RG_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory for the embedded database, blobs and scratch files (RG_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "PostgreSQL URL; empty for embedded SQLite (RG_DATABASE_URL)")
	fs.StringVar(&c.RedisURL, "redis-url", c.RedisURL, "Redis URL; empty for the embedded queue (RG_REDIS_URL)")
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "tasks processed at once (RG_WORKER_CONCURRENCY)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (RG_LOG_LEVEL)")
}

// Redacted describes the configuration for the start-up log line, without
// secrets or credentials in URLs.
func (c Config) Redacted() map[string]any {
	mode := func(set bool, real, embedded string) string {
		if set {
			return real
		}
		return embedded
	}
	return map[string]any{
		"addr":          c.Addr,
		"data_dir":      c.DataDir,
		"records":       mode(c.DatabaseURL != "", "postgres", "sqlite"),
		"queue":         mode(c.RedisURL != "", "redis", "embedded"),
		"blobs":         mode(c.S3Endpoint != "", "s3", "directory"),
		"max_upload_mb": c.MaxUploadMB,
		"concurrency":   c.Concurrency,
		"mail":          mode(c.SMTPHost != "", "smtp", "outbox"),
		"legal_notices": mode(c.SMTPHost != "" && c.LegalEmail != "", "email", "outbox"),
		"public_url":    c.BaseURL(),
	}
}

// BaseURL is the start of links given to people outside the council:
// RG_PUBLIC_URL, or http://Addr without it.
func (c Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + c.Addr
}
