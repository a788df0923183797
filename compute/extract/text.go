package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// blockTags start and end a line in Result.Text: the HTML elements that
// trafilatura's output tree uses for paragraphs, headings, lists, quotes,
// code blocks and tables, and the generic containers it may leave.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "dd": true, "details": true,
	"div": true, "dl": true, "dt": true, "figcaption": true, "figure": true, "footer": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "header": true,
	"hr": true, "li": true, "main": true, "nav": true, "ol": true, "p": true, "pre": true,
	"section": true, "summary": true, "table": true, "tbody": true, "thead": true, "tfoot": true,
	"tr": true, "ul": true, "body": true, "html": true,
}

// Lines is textOf for a caller of go-trafilatura that wants its content
// tree as the lines Result.Text has (crawl/internal/pipebench's bare chain).
func Lines(root *html.Node) string { return textOf(root) }

// textOf writes the content tree as lines, the way trafilatura's own
// plain-text output does (go-trafilatura's ContentText is one line):
//
//   - each block element (blockTags) is on lines of its own; <br> ends a
//     line; table cells of a row are joined by " | ";
//   - a <code> element whose text holds a line break is a block, kept
//     like <pre> (trafilatura writes code blocks as <code>);
//   - outside <pre>, runs of white space are one space and lines are
//     trimmed; inside <pre>, the text is kept as it is, line by line
//     (indentation included),
//     with trailing white space removed;
//   - empty lines are dropped; lines are joined by LF, no final LF.
//
// The walk is in document order and looks at no map but blockTags (looked
// up, never iterated), so the output is a function of the tree.
func textOf(root *html.Node) string {
	w := &textWriter{}
	w.walk(root, false)
	w.endLine()
	return strings.Join(w.lines, "\n")
}

type textWriter struct {
	lines []string
	cur   strings.Builder
	space bool // a space is pending before the next word on this line
	pre   bool // the line holds preformatted text: keep its indentation
}

func (w *textWriter) endLine() {
	line := w.cur.String()
	if w.pre {
		line = strings.TrimRight(line, " \t\r\f\v\u00a0")
	} else {
		line = strings.TrimSpace(line)
	}
	if strings.TrimSpace(line) != "" {
		w.lines = append(w.lines, line)
	}
	w.cur.Reset()
	w.space = false
	w.pre = false
}

// writeText adds inline text, collapsing each run of white space to one
// space (dropped at the start and end of a line).
func (w *textWriter) writeText(s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if isSpace(r) {
			w.space = true
			continue
		}
		if w.space && w.cur.Len() > 0 {
			w.cur.WriteByte(' ')
		}
		w.space = false
		w.cur.WriteRune(r)
	}
}

func (w *textWriter) writePre(s string) {
	parts := strings.Split(s, "\n")
	for i, p := range parts {
		if i > 0 {
			w.endLine()
		}
		if w.cur.Len() == 0 {
			w.pre = true
		}
		w.cur.WriteString(p)
	}
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0':
		return true
	}
	return false
}

func (w *textWriter) walk(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		if pre {
			w.writePre(n.Data)
		} else {
			w.writeText(n.Data)
		}
		return
	case html.ElementNode:
		switch n.Data {
		case "script", "style", "noscript", "template":
			return
		case "br":
			w.endLine()
			return
		case "td", "th":
			if w.cur.Len() > 0 {
				w.cur.WriteString(" | ")
				w.space = false
			}
		}
	case html.DocumentNode:
	default:
		return
	}
	// trafilatura turns <pre> into <code>; a <code> that holds a line
	// break is such a block and keeps its lines.
	codeBlock := n.Type == html.ElementNode && n.Data == "code" && hasNewline(n)
	block := n.Type == html.ElementNode && (blockTags[n.Data] || codeBlock)
	if block {
		w.endLine()
	}
	inPre := pre || codeBlock || (n.Type == html.ElementNode && n.Data == "pre")
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, inPre)
	}
	if block {
		w.endLine()
	}
}

func hasNewline(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.Contains(c.Data, "\n") {
			return true
		}
		if c.Type == html.ElementNode && hasNewline(c) {
			return true
		}
	}
	return false
}
