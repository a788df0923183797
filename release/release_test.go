package release

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

func TestSignVerifyAndCheck(t *testing.T) {
	key, _ := crypto.GenerateKey()
	other, _ := crypto.GenerateKey()
	archive := []byte("an archive's bytes")
	sums := Sums{{Name: "meadow-node_linux_amd64.tar.gz", SHA256: sha256.Sum256(archive)}, {Name: "b.zip"}}.Bytes()
	if !strings.HasPrefix(string(sums), strings.Repeat("0", 64)+"  b.zip\n") {
		t.Fatalf("sums not sorted by name:\n%s", sums)
	}
	sig, err := Sign(key, sums)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := Verify(sums, sig, crypto.PubkeyToAddress(key.PublicKey))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if err := parsed.Check("meadow-node_linux_amd64.tar.gz", bytes.NewReader(archive)); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if err := parsed.Check("meadow-node_linux_amd64.tar.gz", strings.NewReader("tampered")); err == nil {
		t.Fatal("Check accepted tampered bytes")
	}
	if err := parsed.Check("missing", bytes.NewReader(archive)); err == nil {
		t.Fatal("Check accepted an unlisted file")
	}
	if _, err := Verify(sums, sig, crypto.PubkeyToAddress(other.PublicKey)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("another signer: %v, want ErrBadSignature", err)
	}
	tampered := bytes.Replace(sums, []byte("b.zip"), []byte("c.zip"), 1)
	if _, err := Verify(tampered, sig, crypto.PubkeyToAddress(key.PublicKey)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered sums: %v, want ErrBadSignature", err)
	}
	if _, err := Verify(sums, []byte("0x1234"), crypto.PubkeyToAddress(key.PublicKey)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("short signature: %v, want ErrBadSignature", err)
	}
}

func TestParseSumsNamesTheProblem(t *testing.T) {
	h := strings.Repeat("a", 64)
	for _, tc := range []struct{ in, want string }{
		{"", "ending in a newline"},
		{h + "  x", "ending in a newline"},
		{h + " x\n", "line 1"},
		{strings.ToUpper(h) + "  x\n", "lowercase hex"},
		{h + "  ../etc/passwd\n", "plain file name"},
		{h + "  .hidden\n", "plain file name"},
		{h + "  a\n" + h + "  a\n", "listed twice"},
		{h + "  a\n" + "zz  b\n", "line 2"},
	} {
		_, err := ParseSums([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseSums(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func FuzzParseSums(f *testing.F) {
	f.Add([]byte(strings.Repeat("0", 64) + "  meadow-node_linux_amd64.tar.gz\n"))
	f.Add([]byte("x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSums(data)
		if err != nil {
			return
		}
		again, err := ParseSums(s.Bytes())
		if err != nil || len(again) != len(s) {
			t.Fatalf("re-parsing written sums: %v", err)
		}
	})
}
