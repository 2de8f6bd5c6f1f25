package senders_test

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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sasl "github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/senders"
)

// mailbox is a real SMTP server (go-smtp) on loopback with STARTTLS and PLAIN auth.
type mailbox struct {
	mu       sync.Mutex
	messages []*mail.Message
	raw      []string
	tls      []bool
	// reject, when set, answers DATA with this error.
	reject *smtp.SMTPError
}

type session struct {
	mb   *mailbox
	conn *smtp.Conn
	auth bool
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "sales" || pass != "pw" {
			return errors.New("bad credentials")
		}
		s.auth = true
		return nil
	}), nil
}
func (s *session) Mail(string, *smtp.MailOptions) error {
	if !s.auth {
		return &smtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	return nil
}
func (s *session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	if s.mb.reject != nil {
		return s.mb.reject
	}
	m, err := mail.ReadMessage(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.mb.messages, s.mb.raw, s.mb.tls = append(s.mb.messages, m), append(s.mb.raw, string(b)), append(s.mb.tls, isTLS)
	return nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// startMailbox runs the server; implicit is TLS from the first byte instead of STARTTLS.
func startMailbox(t *testing.T, implicit bool) (*mailbox, int, *x509.CertPool) {
	cert, pool := selfSigned(t)
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{mb: mb, conn: c}, nil }))
	srv.Domain = "mx.example.test"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return mb, ln.Addr().(*net.TCPAddr).Port, pool
}

func smtpChannel(port int, security v1.SMTPSecurity) *v1.Channel {
	return &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "email"}, Spec: v1.ChannelSpec{Type: v1.ChannelSMTP,
		SMTP:           &v1.SMTPChannel{Host: "127.0.0.1", Port: int32(port), Security: security, From: "ACME Sales <sales@acme.example>"},
		CredentialsRef: &v1.SecretKeyRef{Name: "smtp"}, RateLimit: v1.RateLimit{PerMinute: 6000}}}
}

func TestEmailOverStartTLSAndTLS(t *testing.T) {
	for _, security := range []v1.SMTPSecurity{"StartTLS", "TLS"} {
		mb, port, pool := startMailbox(t, security == "TLS")
		var cs channels
		cs.add(smtpChannel(port, security), map[string]string{"username": "sales", "password": "pw"})
		r := senders.NewRouter(&cs, nil, senders.WithTLSConfig(&tls.Config{RootCAs: pool}))
		d := delivery("email")
		if res := r.Dispatch(context.Background(), d); res.Outcome != cadence.Sent {
			t.Fatalf("%s: %+v", security, res)
		}
		// A resend after a crash is the same message: same Message-ID.
		if res := r.Dispatch(context.Background(), d); res.Outcome != cadence.Sent {
			t.Fatalf("%s resend: %+v", security, res)
		}
		mb.mu.Lock()
		if len(mb.messages) != 2 || !mb.tls[0] {
			t.Fatalf("%s: %d messages, tls %v", security, len(mb.messages), mb.tls)
		}
		m, raw := mb.messages[0], mb.raw[0]
		h := m.Header
		if h.Get("Message-Id") != "<touch-k1a2b3c4d5e6@acme.example>" || mb.messages[1].Header.Get("Message-Id") != h.Get("Message-Id") {
			t.Errorf("%s: Message-ID %q / %q", security, h.Get("Message-Id"), mb.messages[1].Header.Get("Message-Id"))
		}
		if h.Get("X-Followup-Key") != "k1a2b3c4d5e6" || h.Get("Subject") != "CNC laser: catalog" ||
			!strings.Contains(h.Get("To"), "hanna@example.pl") || !strings.Contains(h.Get("From"), "sales@acme.example") {
			t.Errorf("%s: headers %v", security, h)
		}
		if !strings.Contains(raw, "multipart/alternative") || !strings.Contains(raw, "text/plain") ||
			!strings.Contains(raw, "text/html") || !strings.Contains(raw, "Hello Hanna,<br>here is our catalog.") {
			t.Errorf("%s: want plain and HTML parts:\n%s", security, raw)
		}
		mb.mu.Unlock()
	}
}

func TestEmailRepliesDecideRetryOrFallback(t *testing.T) {
	mb, port, pool := startMailbox(t, false)
	var cs channels
	cs.add(smtpChannel(port, "StartTLS"), map[string]string{"username": "sales", "password": "pw"})
	r := senders.NewRouter(&cs, nil, senders.WithTLSConfig(&tls.Config{RootCAs: pool}))
	for _, c := range []struct {
		code    int
		outcome cadence.Outcome
	}{{451, cadence.Transient}, {550, cadence.Permanent}, {552, cadence.Permanent}} {
		mb.mu.Lock()
		mb.reject = &smtp.SMTPError{Code: c.code, EnhancedCode: smtp.EnhancedCode{c.code / 100, 0, 0}, Message: "no"}
		mb.mu.Unlock()
		res := r.Dispatch(context.Background(), delivery("email"))
		if res.Outcome != c.outcome || res.Message != "SMTP "+strconv.Itoa(c.code) {
			t.Errorf("SMTP %d: %+v, want %s", c.code, res, c.outcome)
		}
	}
	// Wrong password: the server refuses; never a secret in the message.
	cs.creds["email"]["password"] = []byte("wrong-pw")
	mb.reject = nil
	res := r.Dispatch(context.Background(), delivery("email"))
	if res.Outcome == cadence.Sent || strings.Contains(res.Message, "wrong-pw") || strings.Contains(res.Message, "hanna") {
		t.Errorf("bad auth: %+v", res)
	}
	d := delivery("email")
	d.Contact.Email = ""
	if res := r.Dispatch(context.Background(), d); res.Outcome != cadence.Permanent || res.Message != "contact has no email" {
		t.Errorf("no email: %+v", res)
	}
}
