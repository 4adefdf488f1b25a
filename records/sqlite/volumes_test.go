package sqlite

import "testing"

func TestInList(t *testing.T) {
	tests := []struct {
		column string
		n      int
		want   string
	}{
		{"v.state", 1, "v.state IN (?)"},
		{"v.patient_id", 3, "v.patient_id IN (?, ?, ?)"},
	}
	for _, tt := range tests {
		if got := inList(tt.column, tt.n); got != tt.want {
			t.Errorf("inList(%q, %d) = %q, want %q", tt.column, tt.n, got, tt.want)
		}
	}
}
