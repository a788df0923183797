package api

import (
	"errors"
	"unicode/utf8"
)

// SelectorExpected describes a selector that passes CheckSelector.
const SelectorExpected = "a valid CSS selector"

// CheckSelector is a light syntactic check of a CSS selector list, enough to
// catch what people mistype: an unclosed bracket, parenthesis or string, an
// empty selector between commas, a combinator with nothing after it, a '#'
// or '.' with no name. It accepts everything the CSS Selectors grammar
// accepts and some things it does not: api may import only the standard
// library and go-ethereum, so the full parse is the crawler's (cascadia),
// and a server that can reach a full parser passes it to
// JobSpec.ValidateWith so that a job never starts with a selector the
// crawler rejects.
func CheckSelector(s string) error {
	if s == "" {
		return errSelector("empty")
	}
	if len(s) > MaxSelectorLength {
		return errSelector("too long")
	}
	if !utf8.ValidString(s) {
		return errSelector("not UTF-8")
	}
	p := selParser{s: s}
	return p.list()
}

func errSelector(why string) error { return errors.New("css selector: " + why) }

type selParser struct {
	s string
	i int
}

func (p *selParser) eof() bool  { return p.i >= len(p.s) }
func (p *selParser) peek() byte { return p.s[p.i] }

func (p *selParser) ws() bool {
	start := p.i
	for !p.eof() {
		switch p.peek() {
		case ' ', '\t', '\n', '\r', '\f':
			p.i++
			continue
		}
		break
	}
	return p.i > start
}

// list parses complex (',' complex)* to the end of the input.
func (p *selParser) list() error {
	for {
		p.ws()
		if err := p.complex(); err != nil {
			return err
		}
		if p.eof() {
			return nil
		}
		if p.peek() != ',' {
			return errSelector("unexpected " + describe(p.peek()))
		}
		p.i++
	}
}

// complex parses compound (combinator compound)*, stopping before ',' or
// the end.
func (p *selParser) complex() error {
	if err := p.compound(); err != nil {
		return err
	}
	for {
		sawWS := p.ws()
		if p.eof() || p.peek() == ',' {
			return nil
		}
		switch p.peek() {
		case '>', '+', '~':
			p.i++
			p.ws()
		default:
			if !sawWS {
				return errSelector("unexpected " + describe(p.peek()))
			}
		}
		if p.eof() || p.peek() == ',' {
			return errSelector("combinator with nothing after it")
		}
		if err := p.compound(); err != nil {
			return err
		}
	}
}

// compound parses a type or universal selector followed by any number of
// id, class, attribute and pseudo selectors; at least one part.
func (p *selParser) compound() error {
	n := 0
	if !p.eof() && p.peek() == '*' {
		p.i++
		n++
	} else if p.ident() {
		n++
	}
	for !p.eof() {
		switch p.peek() {
		case '#', '.':
			c := p.peek()
			p.i++
			if !p.ident() {
				return errSelector(describe(c) + " without a name")
			}
		case '[':
			if err := p.attr(); err != nil {
				return err
			}
		case ':':
			p.i++
			if !p.eof() && p.peek() == ':' {
				p.i++
			}
			if !p.ident() {
				return errSelector("':' without a name")
			}
			if !p.eof() && p.peek() == '(' {
				if err := p.balanced('(', ')'); err != nil {
					return err
				}
			}
		default:
			if n == 0 {
				if p.eof() || p.peek() == ',' {
					return errSelector("empty selector")
				}
				return errSelector("unexpected " + describe(p.peek()))
			}
			return nil
		}
		n++
	}
	if n == 0 {
		return errSelector("empty selector")
	}
	return nil
}

// attr parses [name], [name op value] and [name op value i|s].
func (p *selParser) attr() error {
	p.i++ // [
	p.ws()
	if p.eof() {
		return errSelector("unclosed '['")
	}
	if !p.ident() {
		return errSelector("attribute selector without a name")
	}
	p.ws()
	if p.eof() {
		return errSelector("unclosed '['")
	}
	if p.peek() == ']' {
		p.i++
		return nil
	}
	switch p.peek() {
	case '=':
		p.i++
	case '~', '|', '^', '$', '*', '!', '#':
		p.i++
		if p.eof() || p.peek() != '=' {
			return errSelector("bad attribute operator")
		}
		p.i++
	default:
		return errSelector("bad attribute operator")
	}
	p.ws()
	if p.eof() {
		return errSelector("unclosed '['")
	}
	switch c := p.peek(); {
	case c == '"' || c == '\'':
		if err := p.str(); err != nil {
			return err
		}
	case c == '(':
		// cascadia's [attr#=(regexp)].
		if err := p.balanced('(', ')'); err != nil {
			return err
		}
	default:
		if !p.ident() && !p.number() {
			return errSelector("attribute value missing")
		}
	}
	p.ws()
	if !p.eof() && (p.peek() == 'i' || p.peek() == 'I' || p.peek() == 's' || p.peek() == 'S') {
		p.i++
		p.ws()
	}
	if p.eof() || p.peek() != ']' {
		return errSelector("unclosed '['")
	}
	p.i++
	return nil
}

// balanced skips an open…close group, with nested groups and strings.
func (p *selParser) balanced(open, close byte) error {
	depth := 0
	for !p.eof() {
		switch c := p.peek(); c {
		case '"', '\'':
			if err := p.str(); err != nil {
				return err
			}
			continue
		case '\\':
			p.i += 2
			continue
		case '(', '[':
			depth++
		case ')', ']':
			depth--
			if depth < 0 {
				return errSelector("unbalanced " + describe(c))
			}
			if depth == 0 {
				p.i++
				if c != close {
					return errSelector("unbalanced " + describe(c))
				}
				return nil
			}
		}
		p.i++
	}
	return errSelector("unclosed " + describe(open))
}

// str skips a quoted string.
func (p *selParser) str() error {
	q := p.peek()
	p.i++
	for !p.eof() {
		switch p.peek() {
		case '\\':
			p.i += 2
			continue
		case '\n':
			return errSelector("newline in string")
		case q:
			p.i++
			return nil
		}
		p.i++
	}
	p.i = len(p.s)
	return errSelector("unclosed string")
}

// ident consumes a CSS identifier, -?-?(start)(char)*, and reports whether
// there was one; on false nothing is consumed.
func (p *selParser) ident() bool {
	start := p.i
	dashes := 0
	for dashes < 2 && !p.eof() && p.peek() == '-' {
		p.i++
		dashes++
	}
	n := 0
	for !p.eof() {
		c := p.peek()
		switch {
		case c == '\\':
			if p.i+1 >= len(p.s) {
				p.i = start
				return false
			}
			p.i += 2
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80:
			p.i++
		case c == '-' || '0' <= c && c <= '9':
			if n == 0 && dashes < 2 {
				p.i = start
				return false // a digit or a third dash may not lead
			}
			p.i++
		default:
			if n == 0 && dashes < 2 {
				p.i = start
				return false
			}
			return true
		}
		n++
	}
	if n == 0 && dashes < 2 {
		p.i = start
		return false
	}
	return true
}

// number consumes an unquoted number attribute value such as 2 or 1.5.
func (p *selParser) number() bool {
	start := p.i
	for !p.eof() && ('0' <= p.peek() && p.peek() <= '9' || p.peek() == '.' || p.peek() == '-') {
		p.i++
	}
	return p.i > start
}

func describe(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return "byte"
	}
	return "'" + string(c) + "'"
}
