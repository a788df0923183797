package text

import (
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskPII(t *testing.T) {
	const (
		E  = EmailPlaceholder
		V4 = IPv4Placeholder
		V6 = IPv6Placeholder
		P  = PhonePlaceholder
	)
	tests := []struct {
		name, in, want string
		counts         PIICounts
	}{
		{name: "empty", in: "", want: ""},
		{name: "no pii", in: "Nothing to see here.", want: "Nothing to see here."},
		{name: "email", in: "mail john@example.com now", want: "mail " + E + " now", counts: PIICounts{Emails: 1}},
		{name: "email capitals (datatrove misses them)", in: "John.Smith@Example.COM.", want: E + ".", counts: PIICounts{Emails: 1}},
		{name: "email plus tag and subdomain", in: "<a.b+tag@mail.co.uk>", want: "<" + E + ">", counts: PIICounts{Emails: 1}},
		{name: "email with an address literal: the address is masked", in: "x@[8.8.8.8]", want: "x@[" + V4 + "]", counts: PIICounts{IPv4: 1}},
		{name: "email needs a dot in the domain", in: "root@localhost", want: "root@localhost"},
		{name: "two emails", in: "a@b.cd,e@f.gh", want: E + "," + E, counts: PIICounts{Emails: 2}},
		{name: "email after non-ASCII letter", in: "éx@b.cd", want: "é" + E, counts: PIICounts{Emails: 1}},
		{name: "email starts with a letter or digit", in: "-x@b.cd ..y@b.cd", want: "-x@b.cd .." + E, counts: PIICounts{Emails: 1}},
		{name: "email: no second match inside a run", in: "a@b.io+c@d.io", want: E + "+c@d.io", counts: PIICounts{Emails: 1}},
		{name: "ipv4 public", in: "from 8.8.8.8.", want: "from " + V4 + ".", counts: PIICounts{IPv4: 1}},
		{name: "ipv4 with port", in: "8.8.4.4:53", want: V4 + ":53", counts: PIICounts{IPv4: 1}},
		{name: "ipv4 private", in: "10.1.2.3 192.168.0.1 127.0.0.1 172.16.5.4 100.64.0.1 169.254.1.1", want: "10.1.2.3 192.168.0.1 127.0.0.1 172.16.5.4 100.64.0.1 169.254.1.1"},
		{name: "ipv4 documentation and reserved", in: "192.0.2.1 198.51.100.7 203.0.113.9 240.0.0.1 255.255.255.255 0.1.2.3", want: "192.0.2.1 198.51.100.7 203.0.113.9 240.0.0.1 255.255.255.255 0.1.2.3"},
		{name: "ipv4 Python's global exceptions", in: "192.0.0.9 192.0.0.8", want: V4 + " 192.0.0.8", counts: PIICounts{IPv4: 1}},
		{name: "ipv4 multicast is global for Python", in: "224.0.0.1", want: V4, counts: PIICounts{IPv4: 1}},
		{name: "ipv4 leading zero", in: "8.8.8.08", want: "8.8.8.08"},
		{name: "ipv4 octet too big", in: "8.8.8.256", want: "8.8.8.256"},
		{name: "ipv4 inside longer dotted number", in: "1.2.3.4.5 v1.2.3.4.5", want: "1.2.3.4.5 v1.2.3.4.5"},
		{name: "ipv4 after digits", in: "18.8.8.8", want: V4, counts: PIICounts{IPv4: 1}},
		{name: "ipv4 next to letters", in: "ip8.8.8.8x", want: "ip" + V4 + "x", counts: PIICounts{IPv4: 1}},
		{name: "ipv4 private only off", in: "10.0.0.1", want: "10.0.0.1"},
		{name: "ipv6 public", in: "dns 2001:4860:4860::8888.", want: "dns " + V6 + ".", counts: PIICounts{IPv6: 1}},
		{name: "ipv6 in brackets", in: "[2a00:1450:4001::1]:443", want: "[" + V6 + "]:443", counts: PIICounts{IPv6: 1}},
		{name: "ipv6 private and special", in: "::1 fe80::1 fd00::5 2001:db8::7 ::", want: "::1 fe80::1 fd00::5 2001:db8::7 ::"},
		{name: "ipv6 mapped public", in: "::ffff:8.8.8.8", want: V6, counts: PIICounts{IPv6: 1}},
		{name: "ipv6 mapped private", in: "::ffff:10.0.0.1", want: "::ffff:10.0.0.1"},
		{name: "ipv6 trailing colon", in: "at 2606:4700::1111: up", want: "at " + V6 + ": up", counts: PIICounts{IPv6: 1}},
		{name: "ipv6 touching a letter", in: "x2606:4700::1111", want: "x2606:4700::1111"},
		{name: "ipv6 touching an e-mail byte", in: "/2606:4700::1111 2606:4700::1111-", want: "/2606:4700::1111 2606:4700::1111-"},
		{name: "ipv6 needs a digit", in: "dead::beef", want: "dead::beef"},
		{name: "ipv6 not a time", in: "12:30:45", want: "12:30:45"},
		{name: "phone north american", in: "Call (202) 555-0173 today", want: "Call " + P + " today", counts: PIICounts{Phones: 1}},
		{name: "phone dashes and dots", in: "202-555-0173 or 202.555.0174.", want: P + " or " + P + ".", counts: PIICounts{Phones: 2}},
		{name: "phone with 1-", in: "1-800-555-0199", want: P, counts: PIICounts{Phones: 1}},
		{name: "phone +1 (area)", in: "+1 (202) 555-0173", want: P, counts: PIICounts{Phones: 1}},
		{name: "phone international", in: "+44 20 7946 0958, +33 1 23 45 67 89", want: P + ", " + P, counts: PIICounts{Phones: 2}},
		{name: "phone too few digits", in: "+1 23 45", want: "+1 23 45"},
		{name: "phone invalid exchange", in: "555-123-4567", want: "555-123-4567"},
		{name: "phone inside a longer number", in: "202-555-01734 9202-555-0173 202-555-0173-1", want: "202-555-01734 9202-555-0173 202-555-0173-1"},
		{name: "phone spaced digits are not one", in: "202 555 0173", want: "202 555 0173"},
		{name: "phone shortest form the text allows", in: "+44 20 7946 0958 202-555-0173x", want: P + " 202-555-0173x", counts: PIICounts{Phones: 1}},
		{name: "isbn and ssn", in: "978-3-16-148410-0 123-45-6789", want: "978-3-16-148410-0 123-45-6789"},
		{name: "email first, then no phone in it", in: "202-555-0173@example.com", want: E, counts: PIICounts{Emails: 1}},
		{name: "all kinds", in: "a@b.io 8.8.8.8 2001:4860::1 (212) 555-0100", want: E + " " + V4 + " " + V6 + " " + P,
			counts: PIICounts{Emails: 1, IPv4: 1, IPv6: 1, Phones: 1}},
		{name: "invalid utf-8 kept", in: "\xff a@b.io \xfe", want: "\xff " + E + " \xfe", counts: PIICounts{Emails: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPIIParams()
			if tt.name == "ipv4 private only off" {
				p.PublicIPsOnly = false
				tt.want, tt.counts = V4, PIICounts{IPv4: 1}
			}
			got, counts := MaskPII(tt.in, p)
			if got != tt.want || counts != tt.counts {
				t.Errorf("MaskPII(%q) = %q, %+v; want %q, %+v", tt.in, got, counts, tt.want, tt.counts)
			}
			again, _ := MaskPII(got, p)
			if again != got {
				t.Errorf("masking %q again gives %q", got, again)
			}
		})
	}
}

func TestMaskPIIParams(t *testing.T) {
	in := "a@b.io 8.8.8.8 (212) 555-0100"
	got, c := MaskPII(in, PIIParams{})
	if got != in || c != (PIICounts{}) {
		t.Errorf("nothing enabled: %q %+v", got, c)
	}
	got, c = MaskPII(in, PIIParams{Phones: true})
	if got != "a@b.io 8.8.8.8 "+PhonePlaceholder || c.Phones != 1 {
		t.Errorf("phones only: %q %+v", got, c)
	}
}

func TestIsGlobalMatchesPython(t *testing.T) {
	// Values of Python 3.13's ipaddress.ip_address(x).is_global.
	tests := map[string]bool{
		"8.8.8.8": true, "1.1.1.1": true, "0.0.0.0": false, "10.255.0.1": false,
		"100.63.255.255": true, "100.64.0.0": false, "100.127.255.255": false, "100.128.0.0": true,
		"127.0.0.1": false, "169.254.0.1": false, "172.15.255.255": true, "172.16.0.0": false,
		"172.31.255.255": false, "172.32.0.0": true, "192.0.0.1": false, "192.0.0.9": true,
		"192.0.0.10": true, "192.0.0.170": false, "192.0.1.1": true, "192.0.2.5": false,
		"192.88.99.1": true, "192.168.1.1": false, "198.17.255.255": true, "198.18.0.1": false,
		"198.19.255.255": false, "198.20.0.0": true, "198.51.100.1": false, "203.0.113.1": false,
		"224.0.0.1": true, "239.255.255.255": true, "240.0.0.1": false, "255.255.255.255": false,
		"2001:4860:4860::8888": true, "::1": false, "::": false, "::ffff:8.8.8.8": true,
		"::ffff:10.0.0.1": false, "64:ff9b::8.8.8.8": true, "64:ff9b:1::1": false, "100::1": false,
		"100:0:0:1::1": true, "2001::1": false, "2001:1::1": true, "2001:1::3": false, "2001:3::1": true,
		"2001:4:112::1": true, "2001:20::1": true, "2001:30::1": true, "2001:40::1": false,
		"2001:db8::1": false, "2002::1": false, "3fff::1": false, "3fff:1000::1": true,
		"fc00::1": false, "fdff::1": false, "fe80::1": false, "febf::1": false, "fec0::1": true,
		"ff02::1": true, "::8.8.8.8": true,
	}
	for s, want := range tests {
		if got := isGlobal(netip.MustParseAddr(s)); got != want {
			t.Errorf("isGlobal(%s) = %v, Python says %v", s, got, want)
		}
	}
}

// TestMaskPIIIdempotentStructured builds millions of short texts from
// pieces chosen to sit next to each other in every way that could make a
// placeholder join its neighbours into a new match, and checks that
// masking twice gives what masking once gave.
func TestMaskPIIIdempotentStructured(t *testing.T) {
	pieces := []string{
		"a@b.io", "x@[8.8.8.8]", "8.8.8.8", "10.0.0.1", "1.2.3.4", "2001:4860::1", "::ffff:8.8.8.8",
		"fe80::1", "(202) 555-0173", "202-555-0173", "202.555.0173", "+44 20 7946 0958", "+1",
		"1-800-555-0199", EmailPlaceholder, IPv4Placeholder, IPv6Placeholder, PhonePlaceholder,
		"@", ".", ":", "::", "-", "+", "(", ")", "[", "]", "<", ">", "/", "_", " ", "\n", "x", "Z", "é",
		"0", "1", "9", "12", "202", "0173", "555", "8.8", ".8", "e", "f", "com", "\xff",
	}
	r := &rng{s: 42}
	n := 400_000
	if testing.Short() {
		n = 40_000
	}
	p := DefaultPIIParams()
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.Reset()
		for k := 2 + r.intn(5); k > 0; k-- {
			b.WriteString(pieces[r.intn(len(pieces))])
		}
		in := b.String()
		once, _ := MaskPII(in, p)
		twice, _ := MaskPII(once, p)
		if twice != once {
			t.Fatalf("not idempotent: %q → %q → %q", in, once, twice)
		}
		if utf8.ValidString(in) && !utf8.ValidString(once) {
			t.Fatalf("%q → %q: invalid UTF-8", in, once)
		}
	}
}
