package devnet

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestSite(t *testing.T) {
	site := NewSite(DefaultSiteConfig())
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)

	code, robots := get(t, srv.URL+"/robots.txt")
	if code != 200 || !strings.Contains(robots, "Disallow: /private/") || !strings.Contains(robots, "Crawl-delay: 0.01") {
		t.Fatalf("robots.txt %d %q", code, robots)
	}
	_, a1 := get(t, srv.URL+"/articles/3")
	_, a2 := get(t, srv.URL+"/articles/3")
	if a1 == a2 {
		t.Error("two fetches of an article are identical: the volatile clock and ad are missing")
	}
	if !strings.Contains(a1, `class="clock"`) || !strings.Contains(a1, `class="ad"`) {
		t.Error("article lacks the volatile parts")
	}
	_, m := get(t, srv.URL+"/mirror/3")
	if !strings.Contains(m, "(mirror)") || !strings.Contains(m, "republished by a mirror") {
		t.Error("mirror is not a near-duplicate")
	}
	_, js := get(t, srv.URL+"/js/1")
	if !strings.Contains(js, "Loading…") || strings.Contains(js, "Article ") {
		t.Error("JS page carries its content in the HTML")
	}
	code, data := get(t, srv.URL+"/js/1/data.json")
	if code != 200 || !strings.Contains(data, "paragraphs") {
		t.Errorf("js data %d %q", code, data)
	}
	if code, _ := get(t, srv.URL+"/articles/100000"); code != 404 {
		t.Errorf("out-of-range article: %d", code)
	}
	get(t, srv.URL+"/private/x")
	if site.PrivateHits() != 1 {
		t.Errorf("private hits %d", site.PrivateHits())
	}
	static, jsURLs := site.ArticleURLs(srv.URL)
	if len(static) != 230 || len(jsURLs) != 40 {
		t.Errorf("urls: %d static, %d js", len(static), len(jsURLs))
	}
}
