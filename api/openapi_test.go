package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// docs/api.yaml describes the coordinator's HTTP routes. These tests keep it
// in step with the code: every route the coordinator serves and the node
// client calls is a path in it, and every envelope method is named in it.
// They read the YAML as text (api imports no YAML library) and the Go sources
// with go/parser, so that a route or method added to the code without the
// document fails here.

const openAPIPath = "../docs/api.yaml"

// servedPaths are the coordinator's routes as docs/api.yaml spells them
// (coord/http.go, coord/nodeapi.go, coord/blob/http.go).
var servedPaths = []string{
	"/healthz",
	"/readyz",
	"/metrics",
	"/v1/cluster/members",
	"/v1/cluster/status",
	"/v1/cluster/console",
	"/console",
	"/v1/cluster/join",
	"/v1/cluster/remove",
	"/v1/cluster/sign",
	"/v1/cluster/digest",
	"/v1/cluster/groups/report",
	"/v1/groups",
	"/v1/cluster/blob-stored",
	"/v1/cluster/settle",
	"/v1/chain",
	"/v1/rewards/relay",
	"/v1/release",
	"/v1/release/files/{name}",
	"/v1/node/register",
	"/v1/node/work",
	"/v1/node/commit",
	"/v1/node/reveal",
	"/v1/node/upload",
	"/v1/node/upload/url",
	"/v1/node/upload/staged",
	"/v1/modules/upload/url",
	"/v1/modules/upload/staged",
	"/v1/node/refuse",
	"/v1/node/{address}",
	"/v1/node/{address}/rewards",
	"/v1/jobs",
	"/v1/pipelines",
	"/v1/pipelines/{id}",
	"/v1/pipelines/{id}/card",
	"/v1/pipelines/{id}/cancel",
	"/v1/modules",
	"/v1/jobs/{id}",
	"/v1/jobs/{id}/cancel",
	"/v1/jobs/{id}/pause",
	"/v1/jobs/{id}/resume",
	"/v1/jobs/{id}/grant",
	"/v1/jobs/{id}/revoke",
	"/v1/datasets",
	"/v1/datasets/{id}",
	"/v1/datasets/{id}/manifest",
	"/v1/datasets/{id}/data",
	"/v1/datasets/{id}/proof",
	"/v1/blobs/{hash}",
	"/v1/dev/faucet",
	"/v1/tokens/revoke",
}

// signedRoutes are the routes that open an envelope, with its method.
var signedRoutes = map[string]string{
	"/v1/node/register":          MethodRegister,
	"/v1/node/work":              MethodWork,
	"/v1/node/commit":            MethodCommit,
	"/v1/node/reveal":            MethodReveal,
	"/v1/node/upload":            MethodUpload,
	"/v1/node/upload/url":        MethodUploadURL,
	"/v1/node/upload/staged":     MethodUploadStaged,
	"/v1/modules/upload/url":     MethodModuleUploadURL,
	"/v1/modules/upload/staged":  MethodModuleUploadStaged,
	"/v1/node/refuse":            MethodRefuse,
	"/v1/jobs":                   MethodJobSubmit,
	"/v1/pipelines":              MethodPipelineSubmit,
	"/v1/pipelines/{id}":         MethodRead,
	"/v1/pipelines/{id}/card":    MethodRead,
	"/v1/pipelines/{id}/cancel":  MethodPipelineCancel,
	"/v1/jobs/{id}/cancel":       MethodJobCancel,
	"/v1/jobs/{id}/pause":        MethodJobPause,
	"/v1/jobs/{id}/resume":       MethodJobResume,
	"/v1/jobs/{id}/grant":        MethodJobGrant,
	"/v1/jobs/{id}/revoke":       MethodJobRevoke,
	"/v1/jobs/{id}":              MethodRead,
	"/v1/datasets":               MethodRead,
	"/v1/datasets/{id}":          MethodRead,
	"/v1/datasets/{id}/manifest": MethodRead,
	"/v1/datasets/{id}/proof":    MethodRead,
	"/v1/datasets/{id}/data":     MethodDatasetGet,
	"/v1/blobs/{hash}":           MethodBlobGet,
	"/v1/node/{address}":         MethodNodeRead,
	"/v1/dev/faucet":             MethodDevFaucet,
	"/v1/tokens/revoke":          MethodTokenRevoke,
}

// openAPIPaths returns the keys of the document's paths: section, each with
// the text of its block.
func openAPIPaths(t *testing.T) (string, map[string]string) {
	t.Helper()
	b, err := os.ReadFile(openAPIPath)
	if err != nil {
		t.Fatalf("read the OpenAPI document: %v", err)
	}
	doc := string(b)
	lines := strings.Split(doc, "\n")
	start := slices.Index(lines, "paths:")
	if start < 0 {
		t.Fatalf("%s: no top-level paths: section", openAPIPath)
	}
	paths := map[string]string{}
	var cur string
	var block strings.Builder
	flush := func() {
		if cur != "" {
			paths[cur] = block.String()
		}
		block.Reset()
	}
	for _, l := range lines[start+1:] {
		if l != "" && l[0] != ' ' && l[0] != '#' {
			break // the next top-level key
		}
		if strings.HasPrefix(l, "  /") && !strings.HasPrefix(l, "   ") && strings.HasSuffix(strings.TrimRight(l, " "), ":") {
			flush()
			cur = strings.TrimSuffix(strings.TrimSpace(l), ":")
			continue
		}
		block.WriteString(l)
		block.WriteByte('\n')
	}
	flush()
	if len(paths) == 0 {
		t.Fatalf("%s: the paths: section lists no path", openAPIPath)
	}
	return doc, paths
}

// hasPath reports whether route is a path of the document; a route ending
// in "/" (a prefix the code completes with an id) needs a templated path
// that starts with it, such as /v1/node/{address} for "/v1/node/".
func hasPath(paths map[string]string, route string) bool {
	if !strings.HasSuffix(route, "/") {
		_, ok := paths[route]
		return ok
	}
	for p := range paths {
		if strings.HasPrefix(p, route+"{") {
			return true
		}
	}
	return false
}

func TestOpenAPIServedPaths(t *testing.T) {
	_, paths := openAPIPaths(t)
	for _, p := range servedPaths {
		if _, ok := paths[p]; !ok {
			t.Errorf("%s: no path %q", openAPIPath, p)
		}
	}
	// And nothing the coordinator does not serve.
	for p := range paths {
		if !slices.Contains(servedPaths, p) {
			t.Errorf("%s: path %q is not a route of the coordinator (add it to servedPaths if it is)", openAPIPath, p)
		}
	}
}

// TestOpenAPICoordRoutes checks the route literals of the coordinator's
// handlers: every `case "/…":` of its path switches and every prefix it
// matches with strings.HasPrefix.
func TestOpenAPICoordRoutes(t *testing.T) {
	_, paths := openAPIPaths(t)
	var routes []string
	for _, f := range []string{"../coord/http.go", "../coord/nodeapi.go"} {
		routes = append(routes, routeLiterals(t, f)...)
	}
	routes = append(routes, stringConsts(t, "../coord/blob/http.go", "PathPrefix")...)
	if len(routes) < 15 {
		t.Fatalf("found only %d route literals in the coordinator's handlers: %q", len(routes), routes)
	}
	for _, r := range routes {
		if !hasPath(paths, r) {
			t.Errorf("the coordinator serves %q; %s has no such path", r, openAPIPath)
		}
	}
}

// TestOpenAPINodeClientRoutes checks node/client.go's route constants.
func TestOpenAPINodeClientRoutes(t *testing.T) {
	_, paths := openAPIPaths(t)
	routes := stringConsts(t, "../node/client.go", "route")
	if len(routes) < 7 {
		t.Fatalf("found only %d route constants in node/client.go: %q", len(routes), routes)
	}
	for _, r := range routes {
		if !hasPath(paths, r) {
			t.Errorf("the node client calls %q; %s has no such path", r, openAPIPath)
		}
	}
}

// TestOpenAPIMethods checks that every api.Method* constant is named in the
// document (each has an envelope schema with `method: {const: …}`), and that
// each signed route names its method.
func TestOpenAPIMethods(t *testing.T) {
	doc, paths := openAPIPaths(t)
	var methods []string
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			methods = append(methods, stringConsts(t, f, "Method")...)
		}
	}
	if len(methods) < 14 {
		t.Fatalf("found only %d Method constants in package api: %q", len(methods), methods)
	}
	for _, m := range methods {
		if !strings.Contains(doc, "const: "+m+"}") {
			t.Errorf("%s: no envelope schema for method %q (method: {const: %s})", openAPIPath, m, m)
		}
	}
	for route, m := range signedRoutes {
		if !strings.Contains(paths[route], "x-meadow-envelope-method: "+m+"\n") {
			t.Errorf("%s: path %q does not name its envelope method %q", openAPIPath, route, m)
		}
	}
}

// stringConsts returns the values of the string constants in file whose
// names start with prefix.
func stringConsts(t *testing.T, file, prefix string) []string {
	t.Helper()
	f := parseGo(t, file)
	var out []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !strings.HasPrefix(n.Name, prefix) || i >= len(vs.Values) {
					continue
				}
				if v, ok := stringLit(vs.Values[i]); ok {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// routeLiterals returns the string literals starting with "/" that are case
// values of a switch or prefixes given to strings.HasPrefix in file.
func routeLiterals(t *testing.T, file string) []string {
	t.Helper()
	f := parseGo(t, file)
	var out []string
	add := func(e ast.Expr) {
		if v, ok := stringLit(e); ok && strings.HasPrefix(v, "/") {
			out = append(out, v)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CaseClause:
			for _, e := range n.List {
				add(e)
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "HasPrefix" && len(n.Args) == 2 {
				add(n.Args[1])
			}
		}
		return true
	})
	return out
}

func parseGo(t *testing.T, file string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	return f
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	v, err := strconv.Unquote(lit.Value)
	return v, err == nil
}
