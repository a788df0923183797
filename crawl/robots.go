package crawl

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// RobotsToken is the product token Meadow's crawler answers to in robots.txt
// ("User-agent: MeadowBot") and in robots meta tags.
const RobotsToken = "MeadowBot"

// MaxRobotsBytes is how much of a robots.txt is read and parsed; RFC 9309
// asks crawlers to parse at least 500 KiB.
const MaxRobotsBytes = 512 << 10

// Robots is a parsed robots.txt, reduced to the group that applies to one
// agent (RFC 9309): the groups naming the agent, merged, or else the groups
// for "*", merged. The zero value allows everything.
type Robots struct {
	rules []robotsRule
	// CrawlDelay is the group's Crawl-delay (a common extension, not in RFC
	// 9309); zero when absent.
	CrawlDelay time.Duration
}

type robotsRule struct {
	allow   bool
	pattern string // normalized; may hold '*' and a final '$'
}

// ParseRobots parses a robots.txt body for the agent whose product token is
// agent (case-insensitive). It never fails: lines it does not understand are
// skipped, as RFC 9309 asks. Only the first MaxRobotsBytes are read.
func ParseRobots(body []byte, agent string) *Robots {
	if len(body) > MaxRobotsBytes {
		body = body[:MaxRobotsBytes]
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	agent = strings.ToLower(agent)

	type group struct {
		agents []string
		rules  []robotsRule
		delay  time.Duration
		hasDly bool
	}
	var groups []*group
	var cur *group
	inAgents := false // the previous meaningful line was a user-agent line
	for len(body) > 0 {
		var line []byte
		if i := bytes.IndexAny(body, "\r\n"); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			line, body = body, nil
		}
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, val, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		k := strings.ToLower(strings.TrimSpace(string(key)))
		v := strings.TrimSpace(string(val))
		switch k {
		case "user-agent", "useragent", "user agent":
			if !inAgents {
				cur = &group{}
				groups = append(groups, cur)
			}
			inAgents = true
			// The product token is the value up to the first space or '/'.
			tok := v
			if i := strings.IndexAny(tok, " /\t"); i >= 0 {
				tok = tok[:i]
			}
			cur.agents = append(cur.agents, strings.ToLower(tok))
		case "allow", "disallow":
			inAgents = false
			if cur == nil || v == "" {
				// Rules before any user-agent belong to no group; an
				// empty disallow allows everything, which is the default.
				continue
			}
			cur.rules = append(cur.rules, robotsRule{allow: k == "allow", pattern: normalizePattern(v)})
		case "crawl-delay", "crawldelay", "crawl delay":
			inAgents = false
			if cur == nil {
				continue
			}
			if d, ok := parseDelay(v); ok {
				if !cur.hasDly || d > cur.delay {
					cur.delay, cur.hasDly = d, true
				}
			}
		default:
			// sitemap and unknown keys end a user-agent run too: what
			// follows is not a new group's agent list.
			if k != "" {
				inAgents = false
			}
		}
	}
	pick := func(want func(string) bool) *Robots {
		var r *Robots
		for _, g := range groups {
			match := false
			for _, a := range g.agents {
				if want(a) {
					match = true
					break
				}
			}
			if !match {
				continue
			}
			if r == nil {
				r = &Robots{}
			}
			r.rules = append(r.rules, g.rules...)
			if g.delay > r.CrawlDelay {
				r.CrawlDelay = g.delay
			}
		}
		return r
	}
	if r := pick(func(a string) bool { return a == agent }); r != nil {
		return r
	}
	if r := pick(func(a string) bool { return a == "*" }); r != nil {
		return r
	}
	return &Robots{}
}

// maxCrawlDelayParsed caps what a robots.txt can ask, so that the arithmetic
// cannot overflow; the crawler refuses anything above its own bound anyway.
const maxCrawlDelayParsed = 24 * time.Hour

func parseDelay(v string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f != f {
		return 0, false
	}
	if f > maxCrawlDelayParsed.Seconds() {
		return maxCrawlDelayParsed, true
	}
	return time.Duration(f * float64(time.Second)), true
}

// Allowed reports whether the path (with query, as sent on the request line)
// may be fetched: the longest matching rule decides, allow winning a tie;
// no matching rule allows. /robots.txt itself is always allowed.
func (r *Robots) Allowed(pathQuery string) bool {
	if r == nil {
		return true
	}
	p := normalizePath(pathQuery)
	if p == "/robots.txt" {
		return true
	}
	best, allow := -1, true
	for _, rule := range r.rules {
		if !matchPattern(rule.pattern, p) {
			continue
		}
		n := len(rule.pattern)
		if n > best || (n == best && rule.allow) {
			best, allow = n, rule.allow
		}
	}
	return allow
}

// normalizePattern puts a rule's path in the same form as normalizePath,
// keeping its '*' and a final '$' as operators.
func normalizePattern(p string) string {
	anchored := strings.HasSuffix(p, "$")
	if anchored {
		p = p[:len(p)-1]
	}
	parts := strings.Split(p, "*")
	for i, s := range parts {
		parts[i] = normalizePath(s)
	}
	p = strings.Join(parts, "*")
	if anchored {
		p += "$"
	}
	return p
}

// normalizePath makes two spellings of one path compare equal: bytes outside
// printable ASCII are percent-encoded, escapes of unreserved characters are
// decoded, and other escapes get upper-case hex (RFC 3986 6.2.2).
func normalizePath(p string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]):
			v := unhex(p[i+1])<<4 | unhex(p[i+2])
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(hexDigits[v>>4])
				b.WriteByte(hexDigits[v&15])
			}
			i += 2
		case c <= 0x20 || c >= 0x7f || c == '%':
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// matchPattern matches a normalized path against a normalized pattern in
// which '*' matches any run of bytes and a final '$' anchors the end.
// Literal segments are matched leftmost-first, which is exact for patterns
// made of literals and '*'; so the cost is linear in the path for each
// segment, never exponential.
func matchPattern(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	segs := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, segs[0]) {
		return false
	}
	pos := len(segs[0])
	if len(segs) == 1 {
		return !anchored || pos == len(path)
	}
	for _, s := range segs[1 : len(segs)-1] {
		i := strings.Index(path[pos:], s)
		if i < 0 {
			return false
		}
		pos += i + len(s)
	}
	last := segs[len(segs)-1]
	if anchored {
		return len(path)-pos >= len(last) && strings.HasSuffix(path, last)
	}
	return strings.Contains(path[pos:], last)
}
