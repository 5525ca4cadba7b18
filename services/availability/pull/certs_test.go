package pull_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// pki is a throwaway certificate authority with a vendor server certificate
// and a SAS client certificate it signed.
type pki struct {
	roots  *x509.CertPool
	server tls.Certificate
	client tls.Certificate
}

// testPKI is made once per test binary: key generation is the slow part.
var testPKI = sync.OnceValues(newPKI)

// newPKI creates the authority and its two certificates.
func newPKI() (*pki, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ca := template(1, "pull test CA")
	ca.IsCA, ca.BasicConstraintsValid, ca.KeyUsage = true, true, x509.KeyUsageCertSign
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	p := &pki{roots: x509.NewCertPool()}
	p.roots.AddCert(caCert)
	srv := template(2, "vendor.test")
	srv.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	srv.IPAddresses, srv.DNSNames = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, []string{"localhost"}
	if p.server, err = leaf(srv, caCert, caKey); err != nil {
		return nil, err
	}
	cli := template(3, clientName)
	cli.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	p.client, err = leaf(cli, caCert, caKey)
	return p, err
}

// clientName is the common name of the SAS client certificate.
const clientName = "sas-availability-pull"

// template is a certificate valid for an hour around now.
func template(serial int64, name string) *x509.Certificate {
	now := time.Now()
	return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature}
}

// leaf signs a certificate of tmpl with a new key.
func leaf(tmpl, ca *x509.Certificate, caKey *ecdsa.PrivateKey) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// mustPKI returns the test authority.
func mustPKI(t testing.TB) *pki {
	t.Helper()
	p, err := testPKI()
	if err != nil {
		t.Fatalf("test certificates: %v", err)
	}
	return p
}

// clientTLS is what the SAS side dials a vendor with: the client
// certificate, and the test authority as roots.
func clientTLS(t testing.TB) *tls.Config {
	p := mustPKI(t)
	return &tls.Config{RootCAs: p.roots, Certificates: []tls.Certificate{p.client}, MinVersion: tls.VersionTLS12}
}

// serverTLS requires and verifies a client certificate of the test authority.
func serverTLS(t testing.TB) *tls.Config {
	p := mustPKI(t)
	return &tls.Config{Certificates: []tls.Certificate{p.server}, ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs: p.roots, MinVersion: tls.VersionTLS12}
}
