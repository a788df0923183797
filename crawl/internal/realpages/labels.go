package realpages

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The labels of a line.
const (
	Main   = 'm' // main text: what the reader came to the page for
	Boiler = 'b' // navigation, header, footer, sidebar and other boilerplate
)

// File is labels.json: the packages the pages come from and each page's
// labelled lines.
type File struct {
	// Rule is one sentence on what counts as main text (README.md has the
	// whole rule).
	Rule     string    `json:"rule"`
	Packages []Package `json:"packages"`
	Pages    []Page    `json:"pages"`
}

// Package is a Debian package whose HTML pages are labelled.
type Package struct {
	Name string `json:"name"`
	// Version is the package version the pages were labelled from.
	Version string `json:"version"`
	// Root is the directory the package installs its HTML under; a page's
	// Path is relative to it, and its URL on the test server is
	// /Name/Path.
	Root string `json:"root"`
	// About says what the pages are and what their boilerplate is.
	About string `json:"about"`
}

// Page is one labelled page.
type Page struct {
	Package string `json:"package"`
	Path    string `json:"path"`
	// Lines is the number of the page's visible lines (Lines).
	Lines int `json:"lines"`
	// SHA256 is PageHash of those lines.
	SHA256 string `json:"sha256"`
	// Labels has one entry a line, in order: the label (m or b), a space
	// and LineHash of the line.
	Labels []string `json:"labels"`
	// Note says what is particular about the page (optional).
	Note string `json:"note,omitempty"`
}

// Load reads a label file and checks its form: every page's package is
// listed, and it has one well-formed label a line.
func Load(path string) (*File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, p := range f.Pages {
		if f.Package(p.Package) == nil {
			return nil, fmt.Errorf("%s: page %s: package %q is not in packages", path, p.Path, p.Package)
		}
		if len(p.Labels) != p.Lines {
			return nil, fmt.Errorf("%s: page %s/%s: %d labels for %d lines", path, p.Package, p.Path, len(p.Labels), p.Lines)
		}
		for i, l := range p.Labels {
			if len(l) != 18 || (l[0] != Main && l[0] != Boiler) || l[1] != ' ' {
				return nil, fmt.Errorf("%s: page %s/%s line %d: label %q, expected \"m HASH\" or \"b HASH\"", path, p.Package, p.Path, i+1, l)
			}
		}
	}
	return &f, nil
}

// Save writes the file, pages sorted by package and path.
func (f *File) Save(path string) error {
	sort.Slice(f.Pages, func(i, j int) bool {
		a, b := f.Pages[i], f.Pages[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.Path < b.Path
	})
	raw, err := json.MarshalIndent(f, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

// Package returns the package named name, or nil.
func (f *File) Package(name string) *Package {
	for i := range f.Packages {
		if f.Packages[i].Name == name {
			return &f.Packages[i]
		}
	}
	return nil
}

// Page returns the page of pkg at path, or nil.
func (f *File) Page(pkg, path string) *Page {
	for i := range f.Pages {
		if f.Pages[i].Package == pkg && f.Pages[i].Path == path {
			return &f.Pages[i]
		}
	}
	return nil
}

// InstalledVersion is the version of a Debian package dpkg says is
// installed; the error names the package and how to install it.
func InstalledVersion(pkg string) (string, error) {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Version} ${db:Status-Status}", pkg).Output()
	v, status, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	if err != nil || status != "installed" || v == "" {
		return "", fmt.Errorf("realpages: Debian package %s is not installed (scripts/deps.sh installs it: apt-get install -y %s)", pkg, pkg)
	}
	return v, nil
}

// ReadPage returns the installed page's bytes.
func (f *File) ReadPage(p Page) ([]byte, error) {
	pkg := f.Package(p.Package)
	if pkg == nil {
		return nil, fmt.Errorf("realpages: page %s: unknown package %q", p.Path, p.Package)
	}
	b, err := os.ReadFile(filepath.Join(pkg.Root, filepath.FromSlash(p.Path)))
	if err != nil {
		return nil, fmt.Errorf("realpages: %s: %w (is Debian's %s installed? scripts/deps.sh installs it)", p.Path, err, p.Package)
	}
	return b, nil
}

// RelabelHint is how to relabel a page, for error messages.
func RelabelHint(p Page) string {
	return fmt.Sprintf("relabel it: go run ./crawl/internal/cmd/realpages show -page %s/%s, then label -page %s/%s -set RANGES (crawl/testdata/realpages/README.md)",
		p.Package, p.Path, p.Package, p.Path)
}

// Check compares a page's installed text with its labels: the same number
// of lines with the same hashes. The error says what changed and how to
// relabel.
func (p Page) Check(lines []string) error {
	if len(lines) == p.Lines && PageHash(lines) == p.SHA256 {
		return nil
	}
	changed := 0
	for i, l := range lines {
		if i >= len(p.Labels) || p.Labels[i][2:] != LineHash(l) {
			changed++
		}
	}
	return fmt.Errorf("realpages: %s/%s changed since it was labelled: %d lines now, %d labelled, %d lines differ at their position; %s",
		p.Package, p.Path, len(lines), p.Lines, changed, RelabelHint(p))
}

// ParseRanges reads a labelling of n lines written as comma-separated
// ranges, each a label and 1-based line numbers: "b1-12,m13-150,b151-"
// (an open end runs to the last line). Every line must be labelled once.
func ParseRanges(spec string, n int) ([]byte, error) {
	out := make([]byte, n)
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		label := part[0]
		if label != Main && label != Boiler {
			return nil, fmt.Errorf("realpages: range %q: expected m or b first", part)
		}
		lo, hi, isRange := strings.Cut(part[1:], "-")
		from, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("realpages: range %q: %v", part, err)
		}
		to := from
		if isRange {
			if hi == "" {
				to = n
			} else if to, err = strconv.Atoi(hi); err != nil {
				return nil, fmt.Errorf("realpages: range %q: %v", part, err)
			}
		}
		if from < 1 || to > n || from > to {
			return nil, fmt.Errorf("realpages: range %q: expected lines within 1..%d", part, n)
		}
		for i := from; i <= to; i++ {
			if out[i-1] != 0 {
				return nil, fmt.Errorf("realpages: range %q: line %d is labelled twice", part, i)
			}
			out[i-1] = label
		}
	}
	for i, l := range out {
		if l == 0 {
			return nil, fmt.Errorf("realpages: line %d of %d has no label", i+1, n)
		}
	}
	return out, nil
}

// Ranges writes labels back as ParseRanges reads them.
func Ranges(labels []byte) string {
	var parts []string
	for i := 0; i < len(labels); {
		j := i
		for j+1 < len(labels) && labels[j+1] == labels[i] {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprintf("%c%d", labels[i], i+1))
		} else {
			parts = append(parts, fmt.Sprintf("%c%d-%d", labels[i], i+1, j+1))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// NewPage labels a page's lines.
func NewPage(pkg, path string, lines []string, labels []byte) Page {
	p := Page{Package: pkg, Path: path, Lines: len(lines), SHA256: PageHash(lines), Labels: make([]string, len(lines))}
	for i, l := range lines {
		p.Labels[i] = string(labels[i]) + " " + LineHash(l)
	}
	return p
}

// LabelBytes returns the page's labels, one byte a line.
func (p Page) LabelBytes() []byte {
	out := make([]byte, len(p.Labels))
	for i, l := range p.Labels {
		out[i] = l[0]
	}
	return out
}
