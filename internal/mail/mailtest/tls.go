package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"
)

// Encryption is how a TLS test server protects its connections.
type Encryption int

const (
	// STARTTLS offers the upgrade on a plain connection.
	STARTTLS Encryption = iota
	// ImplicitTLS speaks TLS from the first byte (port 465's way).
	ImplicitTLS
)

// StartTLS starts a server with a freshly made self-signed certificate
// for 127.0.0.1, which clients must be told to accept. Authentication is
// refused before encryption, and Received.TLS says how each message came.
func StartTLS(t testing.TB, enc Encryption) *Server {
	t.Helper()
	s := newServer()
	s.srv.AllowInsecureAuth = false
	s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}, MinVersion: tls.VersionTLS12}
	var wrap func(net.Listener) net.Listener
	if enc == ImplicitTLS {
		wrap = func(ln net.Listener) net.Listener { return tls.NewListener(ln, s.srv.TLSConfig) }
	}
	s.serve(t, wrap)
	return s
}

func selfSigned(t testing.TB) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "registre test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
