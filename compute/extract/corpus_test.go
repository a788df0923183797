package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// labelsPath is the hand-made labelling of the real-page corpus: pages of
// HTML documentation that Debian packages install, which no one in this
// project wrote. The tests read the installed pages (DESIGN.md, "Real
// pages"); the repository holds no copy of them.
const labelsPath = "testdata/labels.json"

type labelFile struct {
	Packages []corpusPackage     `json:"packages"`
	Common   map[string][]string `json:"common"`
	Pages    []labelPage         `json:"pages"`
}

// corpusPackage is a Debian package whose installed HTML pages are in the
// corpus.
type corpusPackage struct {
	Name string `json:"name"`
	// Version is the package version the pages were labelled from.
	Version string `json:"version"`
	// Root is the directory the package installs its HTML under; a page's
	// Path is relative to it.
	Root  string `json:"root"`
	About string `json:"about"`
}

// labelPage is one page's labels: the page is Path under its package's
// Root, and SHA256 is the SHA-256 of the installed file that was labelled
// (and that golden.json was made from).
type labelPage struct {
	Package string   `json:"package"`
	Path    string   `json:"path"`
	SHA256  string   `json:"sha256"`
	Common  string   `json:"common"`
	Keep    []string `json:"keep"`
	Absent  []string `json:"absent"`
}

// name is how tests and golden.json name the page: package/path.
func (p labelPage) name() string { return p.Package + "/" + p.Path }

// corpus is the label file with every page read from the installed
// packages, in the order of Pages.
type corpus struct {
	labelFile
	html [][]byte
}

// loadCorpus reads the labels and the installed pages. It fails naming the
// packages that are not installed and how to install them, and naming each
// page whose bytes are not the ones labelled (a package upgrade that
// changed it), with the versions labelled and installed and what to redo.
func loadCorpus(t testing.TB) corpus {
	t.Helper()
	raw, err := os.ReadFile(labelsPath)
	if err != nil {
		t.Fatal(err)
	}
	var c corpus
	if err := json.Unmarshal(raw, &c.labelFile); err != nil {
		t.Fatalf("%s: %v", labelsPath, err)
	}
	if len(c.Pages) < 30 {
		t.Fatalf("%s has %d pages, expected at least 30", labelsPath, len(c.Pages))
	}
	pkgs := map[string]corpusPackage{}
	installed := map[string]string{}
	var missing []string
	for _, pkg := range c.Packages {
		pkgs[pkg.Name] = pkg
		v, ok := installedVersion(pkg.Name)
		if !ok {
			missing = append(missing, pkg.Name)
			continue
		}
		installed[pkg.Name] = v
		if v != pkg.Version {
			t.Logf("%s %s is installed, the pages were labelled from %s: checking that they did not change", pkg.Name, v, pkg.Version)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("the real-page corpus (%s) is read from Debian's HTML manuals, and %s not installed: install with sudo apt-get install -y %s (or run scripts/deps.sh)",
			labelsPath, notInstalled(missing), strings.Join(missing, " "))
	}
	changed := 0
	for _, p := range c.Pages {
		pkg, ok := pkgs[p.Package]
		if !ok {
			t.Fatalf("%s: page %s: package %q is not in packages", labelsPath, p.Path, p.Package)
		}
		file := filepath.Join(pkg.Root, filepath.FromSlash(p.Path))
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%s: %v: %s %s is installed (labelled from %s) without this page: an upgrade that moved or removed it means relabelling (DESIGN.md, \"Real pages\"); "+
				"a dpkg path-exclude of /usr/share/doc (/etc/dpkg/dpkg.cfg.d) drops every manual: remove it, then sudo apt-get install --reinstall -y %s",
				p.name(), err, pkg.Name, installed[pkg.Name], pkg.Version, pkg.Name)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != p.SHA256 {
			why := fmt.Sprintf("%s %s is installed, the page was labelled from %s", pkg.Name, installed[pkg.Name], pkg.Version)
			if installed[pkg.Name] == pkg.Version {
				why = fmt.Sprintf("%s %s is installed, the version labelled: the file was changed on this machine (sudo apt-get install --reinstall -y %s restores it)", pkg.Name, pkg.Version, pkg.Name)
			}
			t.Errorf("%s (%s) is not the page that was labelled: SHA-256 %x, labelled %s; %s", p.name(), file, sum, p.SHA256, why)
			changed++
		}
		c.html = append(c.html, b)
	}
	if changed > 0 {
		t.Fatalf("%d labelled page(s) changed in the installed packages: the labels and golden vectors hold for the versions in %s only. "+
			"Relabel each changed page by hand (check its keep and absent lines against the new page; DESIGN.md, \"Real pages\"), set its sha256 and the package's version in %s, "+
			"then regenerate the golden vectors with go test ./compute/extract -run '^TestGolden$' -update and note the change in DESIGN.md",
			changed, labelsPath, labelsPath)
	}
	return c
}

// installedVersion is the version of a Debian package that dpkg says is
// installed; ok is false when it is not (or dpkg is missing).
func installedVersion(pkg string) (v string, ok bool) {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Version} ${db:Status-Status}", pkg).Output()
	v, status, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	return v, err == nil && status == "installed" && v != ""
}

// notInstalled names the missing packages in a sentence: "X is", "X and Y
// are".
func notInstalled(pkgs []string) string {
	if len(pkgs) == 1 {
		return "Debian's " + pkgs[0] + " is"
	}
	return "Debian's " + strings.Join(pkgs[:len(pkgs)-1], ", ") + " and " + pkgs[len(pkgs)-1] + " are"
}

// collapse reads every run of white space (line breaks included) as one
// space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// score counts, for one page's text, the keep labels found and the absent
// labels found (a short absent label counts when it is a whole line, a
// label of 30 bytes or more when it is inside a line).
func score(text string, p labelPage, common []string) (keptMain, keptBoiler, glued int, missed, leaked []string) {
	flat := collapse(text)
	bare := strings.Join(strings.Fields(text), "")
	for _, k := range p.Keep {
		switch {
		case strings.Contains(flat, collapse(k)):
			keptMain++
		case strings.Contains(bare, strings.Join(strings.Fields(k), "")):
			glued++ // there, but with words glued or split: see DESIGN.md
			missed = append(missed, k)
		default:
			missed = append(missed, k)
		}
	}
	lines := strings.Split(text, "\n")
	for _, a := range append(append([]string(nil), common...), p.Absent...) {
		a = collapse(a)
		for _, line := range lines {
			line = collapse(line)
			if line == a || (len(a) >= 30 && strings.Contains(line, a)) {
				keptBoiler++
				leaked = append(leaked, a)
				break
			}
		}
	}
	return keptMain, keptBoiler, glued, missed, leaked
}

// Floors for TestRealPages: a few points under the figures measured with
// DefaultOptions (DESIGN.md, "Real pages"), so that a library upgrade
// or an option change that makes extraction worse fails here.
const (
	minPrecisionPPM = 900000
	minRecallPPM    = 750000
)

// TestRealPages extracts the hand-labelled real-page corpus and reports the
// precision and recall of kept lines against the labels: recall is the
// share of main-text labels found, precision the share of labelled lines
// found that are main text (main ÷ (main + boilerplate)).
func TestRealPages(t *testing.T) {
	l := loadCorpus(t)
	for _, tt := range []struct {
		name   string
		opts   Options
		assert bool
	}{
		{name: "default (precision, fallback)", opts: DefaultOptions(), assert: true},
		{name: "precision, no fallback", opts: Options{Focus: FavorPrecision}},
		{name: "balanced, fallback", opts: Options{Focus: Balanced, Fallback: true}},
	} {
		var main, boiler, glued, totalMain, totalBoiler int
		for i, p := range l.Pages {
			common, ok := l.Common[p.Common]
			if p.Common != "" && !ok {
				t.Fatalf("%s: unknown common list %q", p.name(), p.Common)
			}
			res, err := Extract(l.html[i], "", tt.opts)
			if err != nil {
				t.Errorf("%s: %s: %v", tt.name, p.name(), err)
			}
			m, b, g, missed, leaked := score(res.Text, p, common)
			main, boiler, glued = main+m, boiler+b, glued+g
			totalMain, totalBoiler = totalMain+len(p.Keep), totalBoiler+len(common)+len(p.Absent)
			if testing.Verbose() && (len(missed) > 0 || len(leaked) > 0) {
				t.Logf("%s: %s: missed %q; leaked %q", tt.name, p.name(), missed, leaked)
			}
		}
		precision := int64(1000000)
		if main+boiler > 0 {
			precision = int64(main) * 1000000 / int64(main+boiler)
		}
		recall := int64(main) * 1000000 / int64(totalMain)
		t.Logf("%s: %d pages, %d main-text labels, %d boilerplate labels: kept %d main, %d boilerplate: precision %.3f, recall %.3f; "+
			"%d more main labels are there with white space lost between words",
			tt.name, len(l.Pages), totalMain, totalBoiler, main, boiler, float64(precision)/1e6, float64(recall)/1e6, glued)
		if tt.assert && (precision < minPrecisionPPM || recall < minRecallPPM) {
			t.Errorf("%s: precision %d ppm (floor %d), recall %d ppm (floor %d)", tt.name, precision, minPrecisionPPM, recall, minRecallPPM)
		}
	}
}
