// Package mail sends the emails releasegate writes — consent requests and
// reminders to a document's author — by SMTP.
//
// Callers hold a Sender, so tests use a fake (mailtest). When no SMTP
// server is configured there is no Sender at all: the caller keeps each
// message in its outbox for a person to send, which is why nothing here
// queues or retries. A Send either hands the message to the server or
// says why not; Permanent tells a refusal that will not change on retry
// (an address the server rejects) from trouble that may pass.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// ErrRejected means the server refused the message for good (a 5xx
// reply); sending it again would be refused again.
var ErrRejected = errors.New("the mail server refused the message")

// Permanent reports whether err is a refusal that retrying cannot fix.
func Permanent(err error) bool { return errors.Is(err, ErrRejected) }

// Sender hands messages to a mail server.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Address is a mailbox with an optional display name.
type Address struct {
	Name  string
	Email string
}

// Message is one email: a text/plain body, and attachments such as the
// letter as a PDF.
type Message struct {
	To          Address
	ReplyTo     string // where the recipient's reply goes ("" for From)
	Subject     string
	Text        string
	Attachments []Attachment
}

// Attachment is a file sent with a message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Config is how to reach the SMTP server (RG_SMTP_*).
type Config struct {
	Host     string
	Port     int    // 587 (submission, STARTTLS) if 0; 465 means TLS from the start
	From     string // "Children's Services <childrens.services@example.gov.uk>"
	Username string // optional; AUTH PLAIN, only over TLS
	Password string
	// HelloName is the name given in EHLO ("localhost" if empty).
	HelloName string
	// Timeout bounds one Send (2 minutes if 0).
	Timeout time.Duration
	// TLS overrides the TLS settings (tests); nil verifies the server
	// as Host.
	TLS *tls.Config
}

// SMTP sends by SMTP, upgrading the connection with STARTTLS whenever the
// server offers it.
type SMTP struct {
	cfg  Config
	from *mail.Address
}

// NewSMTP checks cfg and returns a sender.
func NewSMTP(cfg Config) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: no SMTP host")
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Minute
	}
	if cfg.HelloName == "" {
		cfg.HelloName = "localhost"
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: from address %q: %w", cfg.From, err)
	}
	return &SMTP{cfg: cfg, from: from}, nil
}

// Send delivers m to the server: EHLO, STARTTLS when offered (always on
// port 465's TLS), AUTH when a username is set, then one recipient.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if _, err := mail.ParseAddress(m.To.Email); err != nil {
		return fmt.Errorf("%w: recipient %q is not an email address", ErrRejected, m.To.Email)
	}
	msg, err := Build(s.from, m, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if s.cfg.Port == 465 {
		conn = tls.Client(conn, s.tlsConfig())
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return classify("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HelloName); err != nil {
		return classify("EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && s.cfg.Port != 465 {
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return classify("STARTTLS", err)
		}
	}
	if s.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("the SMTP server does not offer AUTH, but RG_SMTP_USERNAME is set")
		}
		// PlainAuth refuses to send the password over a connection that is
		// not encrypted (except to localhost).
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return classify("AUTH", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return classify("MAIL FROM", err)
	}
	if err := c.Rcpt(m.To.Email); err != nil {
		return classify("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return classify("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return classify("DATA", err)
	}
	if err := w.Close(); err != nil {
		return classify("end of DATA", err)
	}
	_ = c.Quit() // the message is accepted; a failed QUIT changes nothing
	return nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.cfg.TLS != nil {
		return s.cfg.TLS
	}
	return &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
}

// classify marks 5xx replies as permanent.
func classify(step string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return fmt.Errorf("%w: %s: %d %s", ErrRejected, step, te.Code, te.Msg)
	}
	return fmt.Errorf("smtp %s: %w", step, err)
}

// Build writes m as an RFC 5322 message from from: headers encoded for
// any text, a quoted-printable UTF-8 body, and base64 attachments in a
// multipart/mixed body when there are any. Values that came from people
// (names, subjects) cannot add header lines: line breaks in them are
// removed before encoding.
func Build(from *mail.Address, m Message, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	to := mail.Address{Name: oneLine(m.To.Name), Address: oneLine(m.To.Email)}
	header("From", from.String())
	header("To", to.String())
	if m.ReplyTo != "" {
		rt, err := mail.ParseAddress(oneLine(m.ReplyTo))
		if err != nil {
			return nil, fmt.Errorf("mail: reply-to %q: %w", m.ReplyTo, err)
		}
		header("Reply-To", rt.String())
	}
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(from.Address))
	header("MIME-Version", "1.0")
	header("Auto-Submitted", "auto-generated")
	if len(m.Attachments) == 0 {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	tp, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, err
	}
	if err := writeQP(tp, m.Text); err != nil {
		return nil, err
	}
	for _, a := range m.Attachments {
		ap, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {a.ContentType},
			"Content-Transfer-Encoding": {"base64"},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": oneLine(a.Filename)})},
		})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			fmt.Fprintf(ap, "%s\r\n", enc[:76])
			enc = enc[76:]
		}
		fmt.Fprintf(ap, "%s\r\n", enc)
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeQP(w interface{ Write([]byte) (int, error) }, text string) error {
	qp := quotedprintable.NewWriter(w)
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(text)); err != nil {
		return err
	}
	return qp.Close()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func messageID(from string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	domain := "releasegate.invalid"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	return "<" + hex.EncodeToString(b[:]) + "@" + domain + ">"
}
