package rewards

import "testing"

func TestFormatAmount(t *testing.T) {
	for _, tc := range []struct {
		in       string
		decimals int
		want     string
	}{
		{"0", 18, "0.0000"},
		{"1234500", 6, "1.2345"},
		{"1234599", 6, "1.2345"}, // cut, not rounded
		{"99993020487169995534311", 18, "99993.0204"},
		{"7", 0, "7.0000"},
		{"-1", 6, "-1"},
		{"x", 6, "x"},
	} {
		if got := FormatAmount(tc.in, tc.decimals); got != tc.want {
			t.Errorf("FormatAmount(%q, %d) = %q, want %q", tc.in, tc.decimals, got, tc.want)
		}
	}
}
