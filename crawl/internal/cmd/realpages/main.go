// Command realpages shows and writes the hand-made labels of the real-page
// corpus (crawl/testdata/realpages/README.md), run from the repository's
// root:
//
//	go run ./crawl/internal/cmd/realpages list
//	go run ./crawl/internal/cmd/realpages show -page apache2-doc/en/bind.html
//	go run ./crawl/internal/cmd/realpages label -page apache2-doc/en/bind.html -set 'b1-20,m21-80,b81-'
//	go run ./crawl/internal/cmd/realpages score [-focus recall] [-fallback=false]
//
// show prints each visible line of the installed page with its number, its
// label (m main, b boilerplate; "m?" when the page changed and the label
// was carried over from a line with the same text; "?" when there is
// none), and what the crawl path's extraction keeps of it (= word for
// word, ~ with white space changed, < inside a longer line, blank when
// dropped). label writes the page's labels from ranges of line numbers,
// pinned to the page's text and the installed package version. score
// extracts every page as a crawl with crawl.extract would (crawl.MainText)
// and prints precision and recall of kept lines.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/crawl/internal/realpages"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	labels := fs.String("labels", "crawl/testdata/realpages/labels.json", "the label file")
	page := fs.String("page", "", "the page: PACKAGE/PATH (PATH relative to the package's root in the label file)")
	set := fs.String("set", "", "label: the labels as ranges of 1-based line numbers, e.g. 'b1-20,m21-80,b81-'")
	note := fs.String("note", "", "label: a note on the page (kept when empty)")
	focus := fs.String("focus", api.ExtractPrecision, "show, score: crawl.extract's focus (precision, balanced, recall)")
	fallback := fs.Bool("fallback", true, "show, score: crawl.extract's fallback")
	exTables := fs.Bool("exclude-tables", false, "show, score: crawl.extract's exclude_tables")
	width := fs.Int("width", 0, "show: cut lines to this many runes (0: whole lines)")
	fs.Parse(args)
	f, err := realpages.Load(*labels)
	if err != nil {
		fail(err)
	}
	spec := api.CrawlSpec{Extract: &api.ExtractSpec{Enabled: true, Focus: *focus, Fallback: fallback, ExcludeTables: *exTables}}
	switch cmd {
	case "list":
		for _, p := range f.Pages {
			lb := p.LabelBytes()
			fmt.Printf("%s/%s\t%d lines\t%d main\n", p.Package, p.Path, p.Lines, strings.Count(string(lb), "m"))
		}
	case "show":
		pkg, path := splitPage(*page)
		err = show(f, pkg, path, spec, *width)
	case "label":
		pkg, path := splitPage(*page)
		err = label(f, *labels, pkg, path, *set, *note)
	case "score":
		err = score(f, spec)
	default:
		usage()
	}
	if err != nil {
		fail(err)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: realpages list|show|label|score [flags]; see the package comment or crawl/testdata/realpages/README.md")
	os.Exit(2)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "realpages: %v\n", err)
	os.Exit(1)
}

func splitPage(s string) (string, string) {
	pkg, path, ok := strings.Cut(s, "/")
	if !ok || pkg == "" || path == "" {
		fail(fmt.Errorf("-page %q: expected PACKAGE/PATH", s))
	}
	return pkg, path
}

func readLines(f *realpages.File, pkg, path string) ([]string, error) {
	if f.Package(pkg) == nil {
		return nil, fmt.Errorf("-page: package %q is not in the label file's packages (add it there first)", pkg)
	}
	b, err := f.ReadPage(realpages.Page{Package: pkg, Path: path})
	if err != nil {
		return nil, err
	}
	return realpages.Lines(b, "text/html"), nil
}

// extractLines is what the crawl path keeps of each line.
func extractLines(f *realpages.File, pkg, path string, lines []string, labels []byte, spec api.CrawlSpec) ([]int, error) {
	b, err := f.ReadPage(realpages.Page{Package: pkg, Path: path})
	if err != nil {
		return nil, err
	}
	m, err := crawl.MainText(b, "http://127.0.0.1/"+pkg+"/"+path, "text/html", spec)
	if err != nil {
		return nil, err
	}
	return realpages.Match(lines, labels, m.Text), nil
}

func show(f *realpages.File, pkg, path string, spec api.CrawlSpec, width int) error {
	lines, err := readLines(f, pkg, path)
	if err != nil {
		return err
	}
	labels := make([]string, len(lines))
	if p := f.Page(pkg, path); p != nil {
		byHash := map[string]string{}
		for _, l := range p.Labels {
			byHash[l[2:]] = l[:1]
		}
		same := p.Check(lines) == nil
		for i, l := range lines {
			switch {
			case same:
				labels[i] = p.Labels[i][:1]
			case byHash[realpages.LineHash(l)] != "":
				labels[i] = byHash[realpages.LineHash(l)] + "?"
			}
		}
		if !same {
			fmt.Fprintf(os.Stderr, "the page changed since it was labelled: labels marked ? were carried over by text\n")
		}
	}
	lb := make([]byte, len(lines))
	for i, l := range labels {
		if l != "" {
			lb[i] = l[0]
		}
	}
	kept, err := extractLines(f, pkg, path, lines, lb, spec)
	if err != nil {
		return err
	}
	for i, l := range lines {
		if width > 0 && len([]rune(l)) > width {
			l = string([]rune(l)[:width]) + "…"
		}
		fmt.Printf("%4d %-2s %s %s\n", i+1, labels[i], " =~<"[kept[i]:kept[i]+1], l)
	}
	return nil
}

func label(f *realpages.File, file, pkg, path, set, note string) error {
	lines, err := readLines(f, pkg, path)
	if err != nil {
		return err
	}
	lb, err := realpages.ParseRanges(set, len(lines))
	if err != nil {
		return err
	}
	v, err := realpages.InstalledVersion(pkg)
	if err != nil {
		return err
	}
	np := realpages.NewPage(pkg, path, lines, lb)
	if old := f.Page(pkg, path); old != nil {
		if note == "" {
			np.Note = old.Note
		}
		*old = np
	} else {
		f.Pages = append(f.Pages, np)
	}
	if note != "" {
		f.Page(pkg, path).Note = note
	}
	// The package's version moves to the installed one once every page
	// of it matches its labels again.
	if p := f.Package(pkg); p.Version != v {
		stale := 0
		for _, q := range f.Pages {
			if q.Package != pkg {
				continue
			}
			b, err := f.ReadPage(q)
			if err != nil {
				return err
			}
			if q.Check(realpages.Lines(b, "text/html")) != nil {
				stale++
			}
		}
		if stale == 0 {
			p.Version = v
		} else {
			fmt.Fprintf(os.Stderr, "%s %s is installed, %s labelled: %d more pages of it to relabel\n", pkg, v, p.Version, stale)
		}
	}
	if err := f.Save(file); err != nil {
		return err
	}
	fmt.Printf("%s/%s: %d lines, %d main: %s\n", pkg, path, len(lines), strings.Count(string(lb), "m"), realpages.Ranges(lb))
	return nil
}

func score(f *realpages.File, spec api.CrawlSpec) error {
	byPkg := map[string]realpages.Score{}
	var all realpages.Score
	for _, p := range f.Pages {
		b, err := f.ReadPage(p)
		if err != nil {
			return err
		}
		lines := realpages.Lines(b, "text/html")
		if err := p.Check(lines); err != nil {
			return err
		}
		kept, err := extractLines(f, p.Package, p.Path, lines, p.LabelBytes(), spec)
		if err != nil {
			return err
		}
		var s realpages.Score
		s.Add(p.LabelBytes(), kept)
		fmt.Printf("%-60s %s\n", p.Package+"/"+p.Path, s)
		byPkg[p.Package] = byPkg[p.Package].Plus(s)
		all = all.Plus(s)
	}
	names := make([]string, 0, len(byPkg))
	for n := range byPkg {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Printf("%-60s %s\n", n, byPkg[n])
	}
	fmt.Printf("%-60s %s\n", "all", all)
	return nil
}
