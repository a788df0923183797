package api

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Validator is a request type that checks its own fields. Every wire type in
// this package is one; DecodeJSON calls Validate after decoding.
type Validator interface {
	Validate() error
}

// Limits on identifiers and free text in every request.
const (
	MaxURLLength      = 2048 // bytes in one URL, as browsers and CDNs commonly cap them
	MaxIDLength       = 128  // bytes in a job, task, lease or dataset id
	MaxNameLength     = 200  // bytes in a job name
	MaxTextLength     = 1024 // bytes in a free-text detail (refusal detail, error message)
	MaxSelectorLength = 1024 // bytes in one CSS selector
	MaxHostnameLength = 253  // bytes in a DNS name, RFC 1035
)

// maxErrors bounds how many field errors one Validate collects, so that a
// list of 100,000 bad URLs gives a short answer.
const maxErrors = 20

// validator collects field errors; err joins them.
type validator struct {
	errs    []error
	dropped int
}

func (v *validator) add(field, value, expected string) {
	v.addErr(&FieldError{Field: field, Value: value, Expected: expected})
}

func (v *validator) addErr(err error) {
	if len(v.errs) >= maxErrors {
		v.dropped++
		return
	}
	v.errs = append(v.errs, err)
}

// merge adds the errors of a nested validation.
func (v *validator) merge(err error) {
	if err == nil {
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok && !isFieldError(err) {
		for _, e := range j.Unwrap() {
			v.addErr(e)
		}
		return
	}
	v.addErr(err)
}

func isFieldError(err error) bool {
	_, ok := err.(*FieldError)
	return ok
}

func (v *validator) err() error {
	if v.dropped > 0 {
		v.errs = append(v.errs, fmt.Errorf("%w: and %d more", ErrInvalid, v.dropped))
	}
	return errors.Join(v.errs...)
}

// sub joins a JSON path and a key: sub("crawl", "seeds") is "crawl.seeds".
func sub(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// at indexes a JSON path: at("crawl.seeds", 2) is "crawl.seeds[2]".
func at(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// between checks lo <= n <= hi.
func (v *validator) between(field string, n, lo, hi int64) bool {
	if n < lo || n > hi {
		v.add(field, itoa(n), "an integer from "+itoa(lo)+" to "+itoa(hi))
		return false
	}
	return true
}

// optional checks a number where 0 means "the default": 0 or lo..hi.
func (v *validator) optional(field string, n, lo, hi int64, def string) bool {
	if n != 0 && (n < lo || n > hi) {
		v.add(field, itoa(n), "an integer from "+itoa(lo)+" to "+itoa(hi)+" (or 0 or absent for "+def+")")
		return false
	}
	return true
}

// num is between when required, else optional.
func (v *validator) num(field string, n, lo, hi int64, def string, required bool) bool {
	if required {
		return v.between(field, n, lo, hi)
	}
	return v.optional(field, n, lo, hi, def)
}

var (
	reFieldName    = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	reID           = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)
	reAttr         = regexp.MustCompile(`^[A-Za-z_:][-A-Za-z0-9_:.]{0,255}$`)
	reMethod       = regexp.MustCompile(`^[a-z][a-z0-9_.]{0,63}$`)
	reVersion      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$`)
	reCC           = regexp.MustCompile(`^[0-9]{1,2}\.[0-9]{1,2}$`)
	validErrorCode = regexp.MustCompile(`^[a-z][a-z_]{0,63}$`)
)

// FieldNameExpected describes a valid field or column name.
const FieldNameExpected = "a name matching ^[a-z][a-z0-9_]{0,62}$"

// IDExpected describes a valid id.
const IDExpected = "an id of 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"

// checkID adds an error unless s is a valid id.
func (v *validator) id(field, s string) bool {
	if !reID.MatchString(s) {
		v.add(field, quote(s), IDExpected)
		return false
	}
	return true
}

// text checks free text: valid UTF-8, no control characters, at most max
// bytes; empty is allowed unless required.
func (v *validator) text(field, s string, max int, required bool) bool {
	switch {
	case s == "" && required:
		v.add(field, "", "a non-empty string")
	case len(s) > max:
		v.add(field, quote(s), "at most "+itoa(int64(max))+" bytes")
	case !utf8.ValidString(s):
		v.add(field, quote(s), "valid UTF-8")
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		v.add(field, quote(s), "text without control characters")
	default:
		return true
	}
	return false
}

// URLExpected describes a URL that CheckURL accepts.
const URLExpected = "an http or https URL"

// CheckURL checks that s is an absolute http or https URL a node may be
// asked to fetch: at most MaxURLLength bytes, a valid host name or IP
// literal, no user:password, no white space. It returns what was expected,
// or "" when s is fine. Whether the host resolves to a public address is
// decided by the node at dial time, not here.
func CheckURL(s string) (expected string) {
	if len(s) > MaxURLLength {
		return "a URL of at most " + itoa(MaxURLLength) + " bytes"
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return URLExpected + " without white space (percent-encode it)"
	}
	u, err := url.Parse(s)
	if err != nil {
		return URLExpected
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return URLExpected
	}
	if u.Opaque != "" || u.Host == "" {
		return "an absolute " + URLExpected + " with a host"
	}
	if u.User != nil {
		return URLExpected + " without user:password"
	}
	if !validHost(strings.ToLower(u.Hostname())) {
		return URLExpected + " whose host is a DNS name (punycode for international names) or an IP address"
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return URLExpected + " with a port from 1 to 65535"
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return URLExpected + " with a port from 1 to 65535"
	}
	return ""
}

// HostnameExpected describes a host that CheckHostname accepts.
const HostnameExpected = "a lowercase host name such as example.com (no scheme, port or path; punycode for international names) or an IP address"

// CheckHostname reports whether s is a lowercase DNS name of letter, digit,
// '-' and '_' labels (1 to 63 bytes each, no leading or trailing '-', at
// most MaxHostnameLength in all, no trailing dot) or an IP address literal.
func CheckHostname(s string) bool {
	return s == strings.ToLower(s) && validHost(s)
}

func validHost(s string) bool {
	if s == "" || len(s) > MaxHostnameLength {
		return false
	}
	if net.ParseIP(s) != nil {
		return true
	}
	for _, label := range strings.Split(s, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// hostOf returns the lowercase host name of a URL that CheckURL accepted.
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// InDomains reports whether host equals one of domains or is a subdomain of
// one (ends in "."+domain). An empty list allows nothing.
func InDomains(host string, domains []string) bool {
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// finite reports whether f is neither NaN nor infinite.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// sortedKeys returns m's keys in order, so that errors come in a stable order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
