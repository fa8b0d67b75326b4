// Package mailtest gives tests a mail server and a mail.Sender that keep
// what they are sent.
package mailtest

import (
	"context"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"

	"github.com/releasegate/releasegate/internal/mail"
)

// Received is a message as the server got it.
type Received struct {
	From string
	To   []string
	Data []byte
}

// Server is a small SMTP server on loopback: no TLS, no AUTH, every
// message accepted unless RejectRecipients is set.
type Server struct {
	ln net.Listener

	mu       sync.Mutex
	received []Received
	reject   bool
	wg       sync.WaitGroup
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

// Host is the server's address without its port.
func (s *Server) Host() string { return s.ln.Addr().(*net.TCPAddr).IP.String() }

// Port is the server's port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// RejectRecipients makes the server answer every RCPT TO with 550.
func (s *Server) RejectRecipients(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = v
}

// Messages returns what the server has accepted, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.session(textproto.NewConn(c))
		}()
	}
}

func (s *Server) session(c *textproto.Conn) {
	reply := func(lines ...string) bool {
		for _, l := range lines {
			if err := c.PrintfLine("%s", l); err != nil {
				return false
			}
		}
		return true
	}
	if !reply("220 mailtest ESMTP") {
		return
	}
	var cur Received
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		ok := true
		switch strings.ToUpper(verb) {
		case "EHLO":
			ok = reply("250-mailtest", "250-8BITMIME", "250 OK")
		case "HELO", "NOOP":
			ok = reply("250 OK")
		case "RSET":
			cur = Received{}
			ok = reply("250 OK")
		case "MAIL":
			cur = Received{From: address(arg)}
			ok = reply("250 OK")
		case "RCPT":
			s.mu.Lock()
			reject := s.reject
			s.mu.Unlock()
			if reject {
				ok = reply("550 5.1.1 no such mailbox")
				break
			}
			cur.To = append(cur.To, address(arg))
			ok = reply("250 OK")
		case "DATA":
			if !reply("354 go ahead") {
				return
			}
			data, err := c.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data = data
			s.mu.Lock()
			s.received = append(s.received, cur)
			s.mu.Unlock()
			cur = Received{}
			ok = reply("250 OK: queued")
		case "QUIT":
			reply("221 bye")
			return
		default:
			ok = reply("502 not implemented")
		}
		if !ok {
			return
		}
	}
}

// address takes the mailbox out of "FROM:<a@b>" or "TO:<a@b>".
func address(arg string) string {
	if i := strings.IndexByte(arg, '<'); i >= 0 {
		if j := strings.IndexByte(arg[i:], '>'); j > 0 {
			return arg[i+1 : i+j]
		}
	}
	return arg
}

// Recorder is a mail.Sender that keeps every message, or fails with Err.
type Recorder struct {
	mu   sync.Mutex
	sent []mail.Message
	err  error
}

// Send records m, or returns the error set by Fail.
func (r *Recorder) Send(_ context.Context, m mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.sent = append(r.sent, m)
	return nil
}

// Fail makes every later Send return err (nil to succeed again).
func (r *Recorder) Fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
}

// Sent returns the messages sent so far.
func (r *Recorder) Sent() []mail.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]mail.Message(nil), r.sent...)
}
