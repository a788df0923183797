package dataset

import (
	"reflect"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// TestCrawlSchemaMainText: crawl.extract adds its columns after text, as
// content columns in a fixed order, before provenance.
func TestCrawlSchemaMainText(t *testing.T) {
	s, err := CrawlSchemaWith([]string{"title"}, CrawlOptions{MainText: true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range s.Columns {
		names = append(names, c.Name)
	}
	want := []string{"url", "final_url", "status", "content_type", "f_title", "text",
		"extract_status", "main_text", "markdown", "title", "author", "date", "language_hint",
		"node", "fetched_at", "signature"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("columns %v\nwant %v", names, want)
	}
	if n := s.NumContent(); n != 13 {
		t.Errorf("NumContent = %d, want 13", n)
	}
	if s.Columns[s.Index(ColExtractStatus)].Nullable {
		t.Error("extract_status is nullable; every row has a status")
	}
	plain, _ := CrawlSchema([]string{"title"})
	plainWith, _ := CrawlSchemaWith([]string{"title"}, CrawlOptions{})
	if !reflect.DeepEqual(plain, plainWith) || plain.Index(ColMainText) >= 0 {
		t.Errorf("without MainText the schema changed: %+v", plainWith)
	}
}

// TestCrawlRowMainText: how a page's extraction becomes row values (null
// where there is nothing), and that the row hash covers every new column.
func TestCrawlRowMainText(t *testing.T) {
	s, err := CrawlSchemaWith(nil, CrawlOptions{MainText: true})
	if err != nil {
		t.Fatal(err)
	}
	prov := Provenance{Node: "0x0000000000000000000000000000000000000001", FetchedAt: 1}
	page := func(m *MainText) Page {
		return Page{URL: "http://a.example/", FinalURL: "http://a.example/", Status: 200, ContentType: "text/html", Text: "whole page", Main: m}
	}
	ok := &MainText{Status: api.ExtractOK, Text: "Para one.\nPara two.", Markdown: "Para one.\n\nPara two.", Title: "T", Author: "A", Date: "2024-05-01", Language: "en"}
	row := CrawlRow(s, page(ok), prov)
	get := func(r Row, name string) any { return r[s.Index(name)] }
	for name, want := range map[string]any{
		ColExtractStatus: "ok", ColMainText: []string{"Para one.", "Para two."}, ColMarkdown: []string{"Para one.", "", "Para two."},
		ColTitle: "T", ColAuthor: "A", ColDate: "2024-05-01", ColLanguageHint: "en", ColText: "whole page",
	} {
		if got := get(row, name); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}

	noMeta := CrawlRow(s, page(&MainText{Status: api.ExtractOK, Text: "x", Markdown: ""}), prov)
	for _, name := range []string{ColTitle, ColAuthor, ColDate, ColLanguageHint} {
		if got := get(noMeta, name); got != nil {
			t.Errorf("no %s on the page gives %#v, want null", name, got)
		}
	}
	if got, ok := get(noMeta, ColMarkdown).([]string); !ok || len(got) != 0 {
		t.Errorf("ok with empty Markdown gives %#v, want no lines", get(noMeta, ColMarkdown))
	}

	refused := CrawlRow(s, page(&MainText{Status: api.ExtractNotHTML, Text: "ignored", Title: "ignored"}), prov)
	if get(refused, ColExtractStatus) != api.ExtractNotHTML {
		t.Errorf("status = %#v", get(refused, ColExtractStatus))
	}
	for _, name := range []string{ColMainText, ColMarkdown, ColTitle, ColAuthor, ColDate, ColLanguageHint} {
		if got := get(refused, name); got != nil {
			t.Errorf("refused page: %s = %#v, want null", name, got)
		}
	}

	base, err := HashRow(s, row)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := HashRow(s, refused); err != nil {
		t.Fatalf("a refused page's row does not encode: %v", err)
	}
	for _, name := range []string{ColExtractStatus, ColMainText, ColMarkdown, ColTitle, ColAuthor, ColDate, ColLanguageHint} {
		changed := append(Row(nil), row...)
		changed[s.Index(name)] = "something else"
		if s.Columns[s.Index(name)].Type == TypeStringList {
			changed[s.Index(name)] = []string{"Para one.", "Para  two."} // white space is data in a list
		}
		h, err := HashRow(s, changed)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h == base {
			t.Errorf("changing %s leaves the row hash unchanged", name)
		}
	}
	// A schema with the columns never takes a page without extraction:
	// extract_status is not nullable.
	if _, err := HashRow(s, CrawlRow(s, page(nil), prov)); err == nil {
		t.Error("a row without extract_status encoded")
	}
}
