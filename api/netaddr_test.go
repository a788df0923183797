package api

import (
	"net/netip"
	"testing"
)

func TestNonPublicHost(t *testing.T) {
	loop := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	tests := []struct {
		host    string
		allow   []netip.Prefix
		refused bool
	}{
		{"example.com", nil, false},
		{"93.184.216.34", nil, false},
		{"2606:4700::1111", nil, false},
		{"127.0.0.1", nil, true},
		{"127.1", nil, true},
		{"2130706433", nil, true},
		{"0x7f.0.0.1", nil, true},
		{"0177.0.0.1", nil, true},
		{"::1", nil, true},
		{"[::1]", nil, true},
		{"localhost", nil, true},
		{"localhost.", nil, true},
		{"a.b.localhost", nil, true},
		{"10.0.0.1", nil, true},
		{"100.64.1.1", nil, true},
		{"169.254.169.254", nil, true},
		{"fd00:ec2::254", nil, true},
		{"::ffff:192.168.0.1", nil, true},
		{"64:ff9b::a00:1", nil, true},
		{"2002:a00:1::", nil, true},
		{"224.0.0.251", nil, true},
		{"ff02::1", nil, true},
		{"255.255.255.255", nil, true},
		{"127.0.0.1", loop, false},
		{"localhost", loop, false},
		{"10.0.0.1", loop, true},
	}
	for _, tt := range tests {
		if why := NonPublicHost(tt.host, tt.allow); (why != "") != tt.refused {
			t.Errorf("NonPublicHost(%q, %v) = %q, want refused %v", tt.host, tt.allow, why, tt.refused)
		}
	}
}
