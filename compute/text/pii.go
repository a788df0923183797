package text

import (
	"net/netip"
	"regexp"
	"strings"
)

// Placeholders that MaskPII writes in place of what it finds. E-mail and
// IPv4 are the first of datatrove's PIIFormatter placeholders (datatrove
// cycles through several, so its output depends on the order documents
// are processed in; Meadow always writes the first). Datatrove masks no
// IPv6 addresses and no phone numbers; Meadow's IPv6 placeholder is the
// documentation address of RFC 3849, and the phone placeholder has no
// digit, so that no phone pattern matches it.
const (
	EmailPlaceholder = "email@example.com"
	IPv4Placeholder  = "22.214.171.124"
	IPv6Placeholder  = "2001:db8::1"
	PhonePlaceholder = "<PHONE_NUMBER>"
)

// PIIParams choose what MaskPII masks. Datatrove's PIIFormatter has the
// first three (remove_emails, remove_ips, only_remove_public_ips).
type PIIParams struct {
	Emails        bool `json:"emails"`
	IPs           bool `json:"ips"`
	PublicIPsOnly bool `json:"public_ips_only"`
	Phones        bool `json:"phones"`
}

// DefaultPIIParams masks e-mail addresses, public IP addresses and phone
// numbers.
func DefaultPIIParams() PIIParams {
	return PIIParams{Emails: true, IPs: true, PublicIPsOnly: true, Phones: true}
}

// PIICounts are how many of each kind MaskPII replaced.
type PIICounts struct {
	Emails int64
	IPv4   int64
	IPv6   int64
	Phones int64
}

// Columns lists the counts with their column names in a fixed order.
func (c PIICounts) Columns() []Column {
	return []Column{
		{"pii_emails", c.Emails},
		{"pii_ipv4", c.IPv4},
		{"pii_ipv6", c.IPv6},
		{"pii_phones", c.Phones},
	}
}

// MaskPII replaces e-mail addresses, IP addresses and phone numbers in
// text with fixed placeholders, in that order, each pass over the output
// of the one before (DESIGN.md, "PII"). The result is deterministic,
// masking it again changes nothing, and it is valid UTF-8 when text is
// (every match is ASCII and is replaced by ASCII). Time is linear in the
// length of text: every match is searched for inside a window bounded by
// its own bytes (a run of the characters it can contain, or 64 bytes for
// a phone), each window is scanned by RE2 or net/netip once, and no byte
// is in more than two windows of a pass.
func MaskPII(text string, p PIIParams) (string, PIICounts) {
	var c PIICounts
	if p.Emails {
		text, c.Emails = maskEmails(text)
	}
	if p.IPs {
		text, c.IPv6 = maskIPv6(text, p.PublicIPsOnly)
		text, c.IPv4 = maskIPv4(text, p.PublicIPsOnly)
	}
	if p.Phones {
		text, c.Phones = maskPhones(text)
	}
	return text, c
}

// Byte classes of the scanners.
const (
	bEmail   = 1 << iota // can be part of an e-mail match
	bV6                  // 0-9 A-F a-f : .
	bV4                  // 0-9 .
	bWord                // ASCII letter, digit, _
	bPhoneB              // a phone cannot follow it
	bDigitAt             // 0-9
)

var byteClass = func() (t [256]uint8) {
	set := func(chars string, bit uint8) {
		for i := 0; i < len(chars); i++ {
			t[chars[i]] |= bit
		}
	}
	const (
		lower  = "abcdefghijklmnopqrstuvwxyz"
		upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		digits = "0123456789"
	)
	set(lower+upper+digits+"!#$%&'*+/=?^_`{|}~-.@", bEmail)
	set(digits+"abcdefABCDEF:.", bV6)
	set(digits+".", bV4)
	set(lower+upper+digits+"_", bWord)
	set(lower+upper+digits+"_+-./@):", bPhoneB)
	set(digits, bDigitAt)
	return t
}()

// emailRE is datatrove's e-mail pattern with three changes, each so that
// masking twice changes nothing (a placeholder starts and ends with a
// letter, and must not join the bytes around it into a new match):
//   - ASCII capitals are allowed (datatrove's pattern is lowercase only, so
//     it misses John.Smith@Example.com). Classes are written out rather
//     than (?i), which would also fold the Kelvin sign and long s.
//   - A match starts with a letter or digit at the start of a run of e-mail
//     bytes or just after a '.' or '@' (group 1 is the address; the '.' or
//     '@' before it is not part of it). Datatrove starts one at any \b, so
//     in "a@b.io+c@d.io" it also finds "+c@d.io"; after masking the first,
//     "email@example.com+c@d.io" reads differently.
//   - The domain is a name; datatrove also allows a [bracketed] IPv4
//     address, which ends in ']' where the placeholder ends in a letter.
//     The IPv4 pass masks the address inside the brackets instead.
var emailRE = regexp.MustCompile(
	`(?:^|[.@])([A-Za-z0-9][A-Za-z0-9!#$%&'*+/=?^_` + "`" + `{|}~-]*(?:\.[A-Za-z0-9!#$%&'*+/=?^_` + "`" + `{|}~-]+)*` +
		`@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)`)

// replacer builds the output of a pass lazily: nothing is copied until the
// first match.
type replacer struct {
	src  string
	b    strings.Builder
	last int
	n    int64
}

func (r *replacer) replace(start, end int, with string) {
	if r.n == 0 {
		r.b.Grow(len(r.src) + len(with))
	}
	r.b.WriteString(r.src[r.last:start])
	r.b.WriteString(with)
	r.last = end
	r.n++
}

func (r *replacer) result() (string, int64) {
	if r.n == 0 {
		return r.src, 0
	}
	r.b.WriteString(r.src[r.last:])
	return r.b.String(), r.n
}

// run returns the maximal run of bytes of class bit around position i.
func run(s string, i int, bit uint8) (int, int) {
	a, b := i, i+1
	for a > 0 && byteClass[s[a-1]]&bit != 0 {
		a--
	}
	for b < len(s) && byteClass[s[b]]&bit != 0 {
		b++
	}
	return a, b
}

// maskEmails replaces the leftmost-first, non-overlapping matches of
// emailRE in each maximal run of e-mail bytes that has an '@' (a match
// holds only e-mail bytes, so it lies inside one such run).
func maskEmails(s string) (string, int64) {
	r := replacer{src: s}
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '@')
		if j < 0 {
			break
		}
		a, b := run(s, i+j, bEmail)
		for _, m := range emailRE.FindAllStringSubmatchIndex(s[a:b], -1) {
			r.replace(a+m[2], a+m[3], EmailPlaceholder)
		}
		i = b
	}
	return r.result()
}

// maskIPv6 replaces IPv6 addresses (DESIGN.md, "PII"): a maximal run of
// hex digits, ':' and '.' with at least two ':' and a decimal digit; its
// trailing dots (and then one trailing ':' that is not part of "::") are
// not part of it; what is left must parse as an IPv6 address. The bytes
// just outside the run may not be e-mail bytes (letters, digits and the
// symbols of an address's local part): an address that touches them is
// left alone, so that its placeholder, which starts and ends with a digit,
// cannot join them into an e-mail address when the text is masked again.
func maskIPv6(s string, publicOnly bool) (string, int64) {
	r := replacer{src: s}
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], ':')
		if j < 0 {
			break
		}
		a, b := run(s, i+j, bV6)
		i = b
		if (a > 0 && byteClass[s[a-1]]&bEmail != 0) || (b < len(s) && byteClass[s[b]]&bEmail != 0) {
			continue
		}
		cand := strings.TrimRight(s[a:b], ".")
		if strings.HasSuffix(cand, ":") && !strings.HasSuffix(cand, "::") {
			cand = cand[:len(cand)-1]
		}
		if len(cand) > 45 || strings.Count(cand, ":") < 2 || strings.IndexAny(cand, "0123456789") < 0 {
			continue
		}
		ip, err := netip.ParseAddr(cand)
		if err != nil || !ip.Is6() {
			continue
		}
		if publicOnly && !isGlobal(ip) {
			continue
		}
		r.replace(a, a+len(cand), IPv6Placeholder)
	}
	return r.result()
}

// maskIPv4 replaces IPv4 addresses: a maximal run of digits and '.', less
// its trailing dots, that is a dotted quad of decimal numbers 0–255
// without leading zeros (datatrove's pattern, with Python's ipaddress
// refusing leading zeros).
func maskIPv4(s string, publicOnly bool) (string, int64) {
	r := replacer{src: s}
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '.')
		if j < 0 {
			break
		}
		a, b := run(s, i+j, bV4)
		i = b
		cand := strings.TrimRight(s[a:b], ".")
		if len(cand) < 7 || len(cand) > 15 || strings.Count(cand, ".") != 3 {
			continue
		}
		ip, err := netip.ParseAddr(cand)
		if err != nil || !ip.Is4() {
			continue
		}
		if publicOnly && !isGlobal(ip) {
			continue
		}
		r.replace(a, a+len(cand), IPv4Placeholder)
	}
	return r.result()
}

// phoneRE matches a phone number at the start of its input, then checks
// the byte after it (group 1 is the number). RE2 tries shorter forms when
// the longest one is followed by a byte that may not follow a number, so
// the match is the first of the pattern's forms, longest first, that the
// text allows (DESIGN.md, "PII").
var phoneRE = regexp.MustCompile(
	`^(\+[1-9][0-9]{0,2}(?:[ -][0-9]{1,6}){2,5}` + // international
		`|(?:\+1[ -]?|1-)?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}-)[2-9][0-9]{2}-[0-9]{4}` + // North American
		`|[2-9][0-9]{2}\.[2-9][0-9]{2}\.[0-9]{4})` +
		`(?:$|[^0-9A-Za-z_+(@:\-./]|[\-./](?:$|[^0-9]))`)

// phoneWindow bounds the input phoneRE sees: longer than any match (39
// bytes) plus the two bytes after it, so a window cut short cannot end a
// match early.
const phoneWindow = 64

// phoneMinDigits is the fewest digits a phone number has; the pattern
// allows shorter international forms.
const phoneMinDigits = 8

// maskPhones replaces phone numbers. Scanning left to right, a number may
// start at '+', '(' or a digit that is not preceded by an ASCII letter,
// digit or one of _ + - . / @ ); at such a position phoneRE is tried, and
// a match with at least phoneMinDigits digits is replaced and the scan
// goes on after it.
func maskPhones(s string) (string, int64) {
	r := replacer{src: s}
	for p := 0; p < len(s); p++ {
		c := s[p]
		if c != '+' && c != '(' && (c < '0' || c > '9') {
			continue
		}
		if p > 0 && byteClass[s[p-1]]&bPhoneB != 0 {
			continue
		}
		if !phonePossible(s[p:]) {
			continue
		}
		win := s[p:min(len(s), p+phoneWindow)]
		m := phoneRE.FindStringSubmatchIndex(win)
		if m == nil || countDigits(win[m[2]:m[3]]) < phoneMinDigits {
			continue
		}
		r.replace(p, p+m[3], PhonePlaceholder)
		p += m[3] - 1
	}
	return r.result()
}

// phonePossible is a cheap test that a phone may start at s[0]: an
// international one needs a digit 1–9 after '+', and the others need ten
// digits within their first 17 bytes.
func phonePossible(s string) bool {
	if s[0] == '+' {
		if len(s) > 1 && s[1] >= '1' && s[1] <= '9' {
			return true
		}
		return false
	}
	return countDigits(s[:min(len(s), 17)]) >= 10
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// Address blocks that Python's ipaddress (3.13) does not call global: its
// is_private lists, less their exceptions, plus 100.64.0.0/10 for IPv4.
// An IPv4-mapped IPv6 address is global when its IPv4 address is.
var (
	v4NotGlobal = prefixes("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
		"169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.0.170/31", "192.0.2.0/24",
		"192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
		"240.0.0.0/4", "255.255.255.255/32")
	v4GlobalExceptions = prefixes("192.0.0.9/32", "192.0.0.10/32")
	v6NotGlobal        = prefixes("::1/128", "::/128", "64:ff9b:1::/48", "100::/64",
		"2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20", "fc00::/7", "fe80::/10")
	v6GlobalExceptions = prefixes("2001:1::1/128", "2001:1::2/128", "2001:3::/32",
		"2001:4:112::/48", "2001:20::/28", "2001:30::/28")
)

func prefixes(ps ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ps))
	for i, p := range ps {
		out[i] = netip.MustParsePrefix(p)
	}
	return out
}

func inAny(ip netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// isGlobal is Python's ipaddress is_global, which datatrove's
// only_remove_public_ips uses.
func isGlobal(ip netip.Addr) bool {
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	if ip.Is4() {
		return !inAny(ip, v4NotGlobal) || inAny(ip, v4GlobalExceptions)
	}
	return !inAny(ip, v6NotGlobal) || inAny(ip, v6GlobalExceptions)
}
