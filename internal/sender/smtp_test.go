package sender_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/courtdesk/courtdesk/internal/sender"
	"github.com/courtdesk/courtdesk/knowledge/notice"
)

// mailbox is a real SMTP server (emersion/go-smtp) on loopback that offers STARTTLS, requires
// AUTH PLAIN and keeps every message it accepts.
type mailbox struct {
	mu    sync.Mutex
	mails []received
	got   chan struct{}
	addr  string
	port  int
	roots *x509.CertPool
}

type received struct {
	from, to string
	data     []byte
}

type backend struct{ mb *mailbox }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{mb: b.mb}, nil }

type session struct {
	mb       *mailbox
	authed   bool
	from, to string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "notices@court.example" || pass != "s3cret-pass" {
			return errors.New("bad credentials")
		}
		s.authed = true
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	s.mb.mails = append(s.mb.mails, received{s.from, s.to, b})
	s.mb.mu.Unlock()
	s.mb.got <- struct{}{}
	return nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	mb := &mailbox{got: make(chan struct{}, 100), roots: roots}
	srv := smtp.NewServer(backend{mb})
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	mb.addr = "127.0.0.1"
	mb.port = l.Addr().(*net.TCPAddr).Port
	return mb
}

func (mb *mailbox) provider(password string) sender.SMTP {
	return sender.SMTP{Host: mb.addr, Port: mb.port, User: "notices@court.example", Password: password,
		From: "notices@court.example", TLS: &tls.Config{RootCAs: mb.roots, ServerName: "127.0.0.1"}}
}

func (mb *mailbox) wait(t *testing.T, n int) []received {
	t.Helper()
	for {
		mb.mu.Lock()
		got := len(mb.mails)
		mb.mu.Unlock()
		if got >= n {
			break
		}
		select {
		case <-mb.got:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d mails after 10 s, want %d", got, n)
		}
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]received(nil), mb.mails...)
}

// decode reads a received mail's subject and body as a mail client would show them.
func decode(t *testing.T, r received) (subject, body string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(r.data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mimeDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(m.Body)
	return subject, b64(t, string(raw))
}

func TestSMTPStartTLSAndAuth(t *testing.T) {
	mb := startMailbox(t)
	ctx := context.Background()
	msg := notice.Message{Channel: notice.ChannelEmail, To: "boss@firm.example", Subject: "沈阳市中级人民法院：法官已答复您的咨询",
		Text: "【沈阳市中级人民法院】法官已答复您的咨询，请点击查看：https://court.example/n/abc"}
	if err := mb.provider("s3cret-pass").Send(ctx, msg); err != nil {
		t.Fatal(err)
	}
	got := mb.wait(t, 1)
	if got[0].from != "notices@court.example" || got[0].to != "boss@firm.example" {
		t.Fatalf("envelope %q → %q", got[0].from, got[0].to)
	}
	subject, body := decode(t, got[0])
	if subject != msg.Subject || body != msg.Text {
		t.Fatalf("mail reads %q / %q", subject, body)
	}
	// A wrong password is refused by the server and reported, so the outbox retries.
	if err := mb.provider("wrong").Send(ctx, msg); err == nil || !strings.Contains(err.Error(), "auth") {
		t.Fatalf("wrong password: %v", err)
	}
	// A server certificate the client does not trust: no password is sent.
	p := mb.provider("s3cret-pass")
	p.TLS = nil
	if err := p.Send(ctx, msg); err == nil || !strings.Contains(err.Error(), "starttls") {
		t.Fatalf("untrusted certificate: %v", err)
	}
}
