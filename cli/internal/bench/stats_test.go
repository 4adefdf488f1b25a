package bench

import (
	"strings"
	"testing"
)

func TestSampleQuantiles(t *testing.T) {
	hundred := make(sample, 100)
	for i := range hundred {
		hundred[i] = float64(100 - i) // 100..1, unsorted
	}
	tests := []struct {
		name        string
		s           sample
		median, p99 float64
	}{
		{"empty", nil, 0, 0},
		{"one", sample{7}, 7, 7},
		{"ten: p99 is the slowest", sample{5, 1, 9, 3, 7, 2, 8, 4, 6, 10}, 5, 10},
		{"a hundred: p99 is the slowest but one", hundred, 50, 99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.median(); got != tt.median {
				t.Errorf("median = %v, want %v", got, tt.median)
			}
			if got := tt.s.p99(); got != tt.p99 {
				t.Errorf("p99 = %v, want %v", got, tt.p99)
			}
		})
	}
}

func TestSurnamePrefix(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Núñezford, María", "Núñ"},
		{"Zoë, Ada", "Zoë"},
		{"By, Ada", "By"},
		{"Øster-Testa, Pål", "Øst"},
	}
	for _, tt := range tests {
		if got := surnamePrefix(tt.name); got != tt.want {
			t.Errorf("surnamePrefix(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPrintTableIsOneMarkdownTable(t *testing.T) {
	var b strings.Builder
	printTable(&b, []benchRow{
		{figure: "search", n: 1000, median: ms(0.4567), p99: ms(0.9), floor: "p99 " + ms(0.3), ratio: "p99 " + ratio(3),
			target: "p99 ≤ 3x floor", met: verdict(true), others: "0.10 cores", note: "committed"},
		{figure: "import", n: 3, median: "31000 rows/s", p99: "30000 rows/s", target: "≥ 0.6x sqlite3 tool", met: verdict(false)},
	})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want a header, a rule and two rows:\n%s", len(lines), b.String())
	}
	if want := "| search | 1000 | 0.457 ms | 0.900 ms | p99 0.300 ms | p99 3.00x | p99 ≤ 3x floor | yes | 0.10 cores | committed |"; lines[2] != want {
		t.Errorf("row = %q\nwant  %q", lines[2], want)
	}
	if !strings.Contains(lines[3], "| NO |") {
		t.Errorf("a missed target must say NO: %q", lines[3])
	}
}
