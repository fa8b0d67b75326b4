package mail_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	rgmail "github.com/releasegate/releasegate/internal/mail"
	"github.com/releasegate/releasegate/internal/mail/mailtest"
)

func newSender(t *testing.T, srv *mailtest.Server) *rgmail.SMTP {
	t.Helper()
	s, err := rgmail.NewSMTP(rgmail.Config{Host: srv.Host(), Port: srv.Port(), From: "Children's Services <cs@example.gov.uk>", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendWithAttachment(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv)
	m := rgmail.Message{
		To:          rgmail.Address{Name: "DC Jane Example", Email: "jane@police.example"},
		ReplyTo:     "sam@example.gov.uk",
		Subject:     "Request for your consent — case LA-1",
		Text:        "Dear DC Example,\n\nPlease answer at:\nhttps://rg.example/author/v1/abc\n",
		Attachments: []rgmail.Attachment{{Filename: "letter.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 letter")}},
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 || got[0].From != "cs@example.gov.uk" || len(got[0].To) != 1 || got[0].To[0] != "jane@police.example" {
		t.Fatalf("received %+v", got)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("subject %q (%v)", subject, err)
	}
	if rt := msg.Header.Get("Reply-To"); rt != "<sam@example.gov.uk>" {
		t.Errorf("Reply-To %q", rt)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	text, err := mr.NextPart() // decodes quoted-printable
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(text)
	if !strings.Contains(string(body), "https://rg.example/author/v1/abc") {
		t.Errorf("body %q", body)
	}
	att, err := mr.NextPart()
	if err != nil || att.FileName() != "letter.pdf" {
		t.Fatalf("attachment %v %v", att, err)
	}
}

func TestRejectedRecipientIsPermanent(t *testing.T) {
	srv := mailtest.Start(t)
	srv.RejectRecipients(true)
	err := newSender(t, srv).Send(context.Background(), rgmail.Message{To: rgmail.Address{Email: "nobody@example.org"}, Subject: "x", Text: "y"})
	if !rgmail.Permanent(err) {
		t.Fatalf("err = %v, want a permanent refusal", err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("a refused message was kept")
	}
}

func TestServerDownIsNotPermanent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s, err := rgmail.NewSMTP(rgmail.Config{Host: "127.0.0.1", Port: port, From: "cs@example.gov.uk"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), rgmail.Message{To: rgmail.Address{Email: "a@example.org"}, Subject: "x", Text: "y"})
	if err == nil || rgmail.Permanent(err) {
		t.Fatalf("err = %v, want a transient failure", err)
	}
	if !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Errorf("error does not say where: %v", err)
	}
}

// A name or subject with a line break cannot add a header.
func TestBuildKeepsHeadersWhole(t *testing.T) {
	from := &mail.Address{Address: "cs@example.gov.uk"}
	b, err := rgmail.Build(from, rgmail.Message{To: rgmail.Address{Name: "Jane\r\nBcc: evil@example.org", Email: "jane@example.org"},
		Subject: "Hello\r\nBcc: evil@example.org", Text: "hi"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Bcc") != "" {
		t.Fatalf("a Bcc header was injected:\n%s", b)
	}
}

func TestNewSMTPChecksFrom(t *testing.T) {
	if _, err := rgmail.NewSMTP(rgmail.Config{Host: "mail.example", From: "not an address"}); err == nil {
		t.Fatal("a bad From address was accepted")
	}
	if _, err := rgmail.NewSMTP(rgmail.Config{From: "a@example.org"}); err == nil {
		t.Fatal("no host was accepted")
	}
}
