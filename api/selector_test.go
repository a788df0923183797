package api

import (
	"strings"
	"testing"
)

func TestCheckSelector(t *testing.T) {
	tests := []struct {
		name string
		sel  string
		want string // "" when valid, else part of the error
	}{
		{name: "type", sel: "h1"},
		{name: "universal", sel: "*"},
		{name: "class and id", sel: "div#main.content.wide"},
		{name: "list", sel: "h1, h2 ,h3"},
		{name: "descendant", sel: "article  p"},
		{name: "child and siblings", sel: "ul > li + li ~ li"},
		{name: "combinator without spaces", sel: "ul>li"},
		{name: "attribute exists", sel: "a[href]"},
		{name: "attribute ops", sel: `a[href^="https://"][rel~=next][lang|=en][x$='.pdf'][y*=z]`},
		{name: "attribute case flag", sel: `a[type="A" i]`},
		{name: "attribute number", sel: `td[colspan=2]`},
		{name: "attribute with spaces", sel: `[ data-x = "y" ]`},
		{name: "pseudo class", sel: "li:first-child"},
		{name: "pseudo with args", sel: "li:nth-child(2n+1):not(.ad, #x)"},
		{name: "pseudo element", sel: "p::first-line"},
		{name: "contains string with paren", sel: `p:contains(")")`},
		{name: "escaped class", sel: `.a\:b`},
		{name: "dashed ident", sel: ".-x, .--y, ._z"},
		{name: "unicode class", sel: ".été"},
		{name: "cascadia regexp", sel: `a[href#=(\.pdf$)]`},
		{name: "surrounding space", sel: "  h1  "},

		{name: "empty", sel: "", want: "empty"},
		{name: "blank", sel: "   ", want: "empty selector"},
		{name: "unclosed bracket", sel: "div[", want: "unclosed '['"},
		{name: "unclosed bracket after name", sel: "div[a", want: "unclosed '['"},
		{name: "unclosed value", sel: "div[a=", want: "unclosed '['"},
		{name: "unclosed string", sel: `a[href="x]`, want: "unclosed string"},
		{name: "bad operator", sel: "a[x>y]", want: "bad attribute operator"},
		{name: "missing value", sel: "a[x=]", want: "attribute value missing"},
		{name: "unclosed paren", sel: "li:not(.a", want: "unclosed '('"},
		{name: "stray close paren", sel: "a)", want: "unexpected ')'"},
		{name: "stray close bracket", sel: "a]", want: "unexpected ']'"},
		{name: "trailing combinator", sel: "main >", want: "combinator with nothing after it"},
		{name: "double combinator", sel: "a > > b", want: "unexpected '>'"},
		{name: "leading combinator", sel: "> a", want: "unexpected '>'"},
		{name: "empty in list", sel: "a,,b", want: "empty selector"},
		{name: "trailing comma", sel: "a,", want: "empty selector"},
		{name: "hash alone", sel: "#", want: "'#' without a name"},
		{name: "dot alone", sel: "a.", want: "'.' without a name"},
		{name: "class starting with digit", sel: ".1a", want: "'.' without a name"},
		{name: "colon alone", sel: "a:", want: "':' without a name"},
		{name: "dangling escape", sel: `a\`, want: "unexpected"},
		{name: "control char", sel: "a\x00", want: "unexpected byte"},
		{name: "invalid utf8", sel: "a\xff", want: "not UTF-8"},
		{name: "too long", sel: strings.Repeat("a", MaxSelectorLength+1), want: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSelector(tt.sel)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("CheckSelector(%q) = %v, want nil", tt.sel, err)
			case tt.want != "" && err == nil:
				t.Fatalf("CheckSelector(%q) = nil, want an error with %q", tt.sel, tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("CheckSelector(%q) = %v, want it to contain %q", tt.sel, err, tt.want)
			}
		})
	}
}

func FuzzCheckSelector(f *testing.F) {
	for _, s := range []string{"h1", "a[href^='x' i]", "li:nth-child(2n+1):not(.a)", "div[", "a > > b", `.a\:b`, "p::first-line"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := CheckSelector(s)
		if err != nil {
			return
		}
		// What passes stays valid in a list and under a descendant.
		if err := CheckSelector(s + ", " + s); err != nil {
			t.Fatalf("%q passes but %q fails: %v", s, s+", "+s, err)
		}
	})
}
