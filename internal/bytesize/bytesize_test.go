package bytesize

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"4096", 4096}, {"512MiB", 512 << 20}, {"1GiB", 1 << 30},
		{"1.5GiB", 3 << 29}, {"64 KiB", 64 << 10}, {"2MB", 2e6}, {"10B", 10},
		{"3G", 3 << 30}, {"1TiB", 1 << 40},
	}
	for _, tt := range tests {
		if got, err := Parse(tt.in); err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "MiB", "12 parsecs", "-1MiB", "1e9", "0x10", "NaN", "Inf", "1_000", "99999999999TiB"} {
		if got, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) = %d, want an error", bad, got)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1 KiB"}, {1536, "1.5 KiB"},
		{512 << 20, "512 MiB"}, {3 << 29, "1.5 GiB"}, {5 << 40, "5 TiB"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
