package sched

import (
	"errors"
	"testing"
)

func TestNetworkOf(t *testing.T) {
	tests := []struct {
		name, ip, want string
		err            bool
	}{
		{name: "IPv4", ip: "203.0.113.77", want: "203.0.113.0/24"},
		{name: "IPv4 same /24", ip: "203.0.113.1", want: "203.0.113.0/24"},
		{name: "IPv4 next /24", ip: "203.0.114.1", want: "203.0.114.0/24"},
		{name: "IPv6", ip: "2001:db8:1:2:3:4:5:6", want: "2001:db8:1::/48"},
		{name: "IPv6 same /48", ip: "2001:db8:1:ffff::1", want: "2001:db8:1::/48"},
		{name: "IPv6 next /48", ip: "2001:db8:2::1", want: "2001:db8:2::/48"},
		{name: "IPv4-mapped IPv6 is IPv4", ip: "::ffff:203.0.113.9", want: "203.0.113.0/24"},
		{name: "IPv4-mapped in hex", ip: "::ffff:cb00:7109", want: "203.0.113.0/24"},
		{name: "zone dropped", ip: "fe80::1%eth0", want: "fe80::/48"},
		{name: "white space", ip: " 198.51.100.4\n", want: "198.51.100.0/24"},
		{name: "loopback", ip: "127.0.0.1", want: "127.0.0.0/24"},
		{name: "empty", ip: "", err: true},
		{name: "host name", ip: "example.com", err: true},
		{name: "with port", ip: "203.0.113.7:443", err: true},
		{name: "CIDR", ip: "203.0.113.0/24", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NetworkOf(tt.ip)
			if tt.err {
				if !errors.Is(err, ErrInvalidIP) {
					t.Fatalf("NetworkOf(%q) = %q, %v; want ErrInvalidIP", tt.ip, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NetworkOf(%q) = %q, %v; want %q", tt.ip, got, err, tt.want)
			}
		})
	}
}

func FuzzNetworkOf(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "::1", "::ffff:1.2.3.4", "fe80::1%x", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ip string) {
		n, err := NetworkOf(ip)
		if err != nil {
			if !errors.Is(err, ErrInvalidIP) {
				t.Fatalf("error %v does not wrap ErrInvalidIP", err)
			}
			return
		}
		// A network is its own network's prefix: applying NetworkOf to its
		// address part gives it back.
		addr := n[:len(n)-3]
		if again, err := NetworkOf(addr); err != nil || again != n {
			t.Fatalf("NetworkOf(%q) = %q; NetworkOf(%q) = %q, %v", ip, n, addr, again, err)
		}
	})
}
