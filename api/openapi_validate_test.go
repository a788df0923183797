package api

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenAPIValid: docs/api.yaml is valid OpenAPI 3.1 as standard tools
// read it (test/openapi/validate.mjs: @readme/openapi-parser against the
// 3.1 schema, and no key with white space, the mark of a comma in an
// unquoted flow-mapping value). cmd/meadow's TestDevBuyerClient generates a
// client from it and reads a dev network through it.
func TestOpenAPIValid(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("this test needs Node.js (the node command) to validate docs/api.yaml")
	}
	if _, err := os.Stat(filepath.Join("..", "node_modules", "@readme", "openapi-parser", "package.json")); err != nil {
		t.Fatal("npm package @readme/openapi-parser is missing: run 'make deps' (npm install from package.json)")
	}
	cmd := exec.Command(node, "test/openapi/validate.mjs", "docs/api.yaml")
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok: ") {
		t.Fatalf("docs/api.yaml is not valid OpenAPI 3.1: %v\n%s", err, out)
	}

	// The checker itself fails on the slips it is there for.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	doc, err := os.ReadFile(openAPIPath)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(doc), "'409': {description: \"The envelope's nonce was used.\"}",
		"'409': {description: The envelope's nonce was used, or not.}", 1)
	if broken == string(doc) {
		t.Fatal("the HEAD /v1/blobs/{hash} 409 line to break is not in docs/api.yaml any more: update this test")
	}
	if err := os.WriteFile(bad, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(node, "test/openapi/validate.mjs", bad)
	cmd.Dir = ".."
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "a key with white space") {
		t.Errorf("a description with an unquoted comma passed: %v\n%s", err, out)
	}
}
