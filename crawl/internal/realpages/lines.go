package realpages

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/unicode/norm"
)

// blockTags are the elements that start and end a line of a page's visible
// text: the elements HTML's default style sheet renders as blocks, list
// items or table rows. Table cells are not among them: the cells of a row
// are one line, joined by " | ", as compute/extract writes them.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "body": true, "caption": true,
	"center": true, "dd": true, "details": true, "dialog": true, "dir": true, "div": true, "dl": true,
	"dt": true, "fieldset": true, "figcaption": true, "figure": true, "footer": true, "form": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "header": true,
	"hgroup": true, "hr": true, "html": true, "legend": true, "li": true, "listing": true, "main": true,
	"menu": true, "nav": true, "ol": true, "optgroup": true, "option": true, "p": true, "pre": true,
	"search": true, "section": true, "summary": true, "table": true, "tbody": true, "tfoot": true,
	"thead": true, "tr": true, "ul": true, "xmp": true,
}

// Lines returns the visible lines of an HTML page, normalized (Normalize)
// and without empty lines, in document order. A line is the text between
// two line breaks a browser would show with no style sheet: each block
// element (blockTags) starts and ends one, <br> ends one, and the cells of
// a table row are one line joined by " | ". A code block (<pre>) is one
// line, whatever its line breaks: the extractor often keeps a code block
// with its line breaks turned to spaces, and a line of code alone ("}",
// "fi") says nothing of what was kept. Not visible, so not lines: <head>, <script>, <style>,
// <noscript>, <template>, and elements with the hidden attribute. The page
// is decoded as compute/extract decodes it (the HTML standard's sniffing,
// contentType's charset first).
func Lines(page []byte, contentType string) []string {
	lines, _ := linesAndTags(page, contentType)
	return lines
}

// Tags returns, for each of Lines, the name of the innermost block element
// that holds the line ("p", "li", "h2", "pre", "tr", …): what kind of text
// a line is, to say what an extractor drops.
func Tags(page []byte, contentType string) []string {
	_, tags := linesAndTags(page, contentType)
	return tags
}

func linesAndTags(page []byte, contentType string) ([]string, []string) {
	enc, _, _ := charset.DetermineEncoding(page, contentType)
	decoded, err := enc.NewDecoder().Bytes(page)
	if err != nil {
		decoded = page
	}
	doc, err := html.Parse(bytes.NewReader(bytes.ToValidUTF8(decoded, []byte("\uFFFD"))))
	if err != nil {
		return nil, nil // x/net/html's Parse fails only on a read error
	}
	w := &lineWriter{}
	w.walk(doc)
	w.end()
	return w.lines, w.tags
}

type lineWriter struct {
	lines []string
	tags  []string // the innermost open block element of each line
	open  []string // the open block elements
	cur   strings.Builder
	pre   bool // inside <pre>: the whole block is one line
}

func (w *lineWriter) end() {
	if line := Normalize(w.cur.String()); line != "" {
		w.lines = append(w.lines, line)
		tag := "body"
		if len(w.open) > 0 {
			tag = w.open[len(w.open)-1]
		}
		w.tags = append(w.tags, tag)
	}
	w.cur.Reset()
}

func (w *lineWriter) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.cur.WriteString(n.Data)
		return
	case html.ElementNode:
		switch n.Data {
		case "head", "script", "style", "noscript", "template":
			return
		case "br":
			if !w.pre {
				w.end()
			}
			return
		case "td", "th":
			if strings.TrimSpace(w.cur.String()) != "" {
				w.cur.WriteString(" | ")
			}
		}
		for _, a := range n.Attr {
			if a.Key == "hidden" {
				return
			}
		}
	case html.DocumentNode:
	default:
		return
	}
	block := n.Type == html.ElementNode && blockTags[n.Data] && !w.pre
	if block {
		w.end()
		w.open = append(w.open, n.Data)
	}
	pre := block && (n.Data == "pre" || n.Data == "listing" || n.Data == "xmp")
	if pre {
		w.pre = true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if pre {
		w.pre = false
	}
	if block {
		w.end()
		w.open = w.open[:len(w.open)-1]
	}
}

// Normalize is the form in which lines are compared and hashed: Unicode
// NFC, every run of white space (Unicode's, no-break space included) one
// space, trimmed at both ends.
func Normalize(s string) string {
	return strings.Join(strings.FieldsFunc(norm.NFC.String(s), unicode.IsSpace), " ")
}

// squash removes all white space from a normalized line: the form in which
// a page line and an extracted line are matched, so that a line the
// extractor kept with the space between two words lost (a known defect of
// go-trafilatura, compute/extract/DESIGN.md) still counts as kept.
func squash(s string) string { return strings.ReplaceAll(s, " ", "") }

// LineHash is the label file's hash of a line: the first 8 bytes of the
// SHA-256 of its normalized text, in hex (enough to tell the lines of one
// page apart, and far shorter than the text).
func LineHash(line string) string {
	sum := sha256.Sum256([]byte(Normalize(line)))
	return hex.EncodeToString(sum[:8])
}

// PageHash pins a page's labels to its text: the SHA-256, in hex, of its
// normalized lines each followed by LF.
func PageHash(lines []string) string {
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(Normalize(l)))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}
