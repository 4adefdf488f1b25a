package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chartroom/chartroom/records/postgres/pgtest"
)

// testCA is a certificate authority made for one test, as a practice's own.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// serverCert signs a server certificate for 127.0.0.1 (only) and
// returns it and its key, PEM-encoded.
func (ca *testCA) serverCert(t *testing.T) (cert, key []byte) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &k.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
}

// TLS as the README sets it up: the server's certificate signed by the
// practice's CA, the workstation connecting with sslmode=verify-full and
// that CA's certificate (sslrootcert). A server whose certificate another
// CA signed is refused.
func TestPostgresTLSVerifyFull(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Server(t)
	practice := newTestCA(t, "Maple Street Practice CA (fictitious)")
	cert, key := practice.serverCert(t)
	if err := c.WriteServerFile("server.crt", cert); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteServerFile("server.key", key); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		"ALTER SYSTEM SET ssl_cert_file = '" + filepath.Join(c.Dir(), "server.crt") + "'",
		"ALTER SYSTEM SET ssl_key_file = '" + filepath.Join(c.Dir(), "server.key") + "'",
		"ALTER SYSTEM SET ssl = on",
	} {
		if err := c.Exec(ctx, "postgres", sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	if err := c.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Exec(context.Background(), "postgres", "ALTER SYSTEM RESET ssl"); err != nil {
			t.Error(err)
		}
		if err := c.Reload(context.Background()); err != nil {
			t.Error(err)
		}
	})
	isolatedHome(t)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "practice-ca.crt")
	otherFile := filepath.Join(dir, "other-ca.crt")
	if err := os.WriteFile(caFile, practice.pem, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(otherFile, newTestCA(t, "Another CA (fictitious)").pem, 0o644); err != nil {
		t.Fatal(err)
	}
	plain := newServerHarness(t).db // sslmode=disable
	address := func(host, ca string) string {
		return strings.Replace(strings.Replace(plain, "127.0.0.1", host, 1), "sslmode=disable", "sslmode=verify-full&sslrootcert="+ca, 1)
	}

	h := newHarness(t)
	h.db = address("127.0.0.1", caFile)
	h.must("init", "--admin", adminUser)
	if out := h.must("users", "list"); !strings.Contains(out, adminUser) {
		t.Errorf("users list over TLS: %q", out)
	}
	for _, tt := range []struct{ name, address string }{
		{"a certificate another CA signed", address("127.0.0.1", otherFile)},
		{"a server name the certificate does not give", address("localhost", caFile)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h2 := newHarness(t)
			h2.db = tt.address
			r := h2.run("users", "list")
			if r.code == ExitOK || !strings.Contains(r.stderr, "certificate") {
				t.Errorf("exit %d, stderr %q; want a refusal of the certificate", r.code, r.stderr)
			}
		})
	}
}
