package records

import (
	"slices"
	"testing"
)

func TestCompareCopyTables(t *testing.T) {
	users := CopyTable{Name: "users", Columns: []string{"id", "username"}}
	tests := []struct {
		name           string
		source, target []CopyTable
		want           string
	}{
		{"same", []CopyTable{users}, []CopyTable{users}, ""},
		{"columns in another order", []CopyTable{users}, []CopyTable{{Name: "users", Columns: []string{"username", "id"}}}, ""},
		{"table missing in the target", []CopyTable{users, {Name: "merges", Columns: []string{"id"}}}, []CopyTable{users},
			"the server lacks the tables merges"},
		{"table missing in the source", []CopyTable{users}, []CopyTable{{Name: "audit", Columns: []string{"id"}}, users},
			"the file lacks the tables audit"},
		{"columns missing on both sides", []CopyTable{{Name: "users", Columns: []string{"id", "role"}}}, []CopyTable{{Name: "users", Columns: []string{"id", "active"}}},
			"the server lacks the columns users.role; the file lacks the columns users.active"},
		{"tables and columns", []CopyTable{users, {Name: "a", Columns: nil}, {Name: "b", Columns: nil}}, []CopyTable{{Name: "users", Columns: []string{"id"}}},
			"the server lacks the tables a, b and the columns users.username"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CompareCopyTables("the file", tt.source, "the server", tt.target); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestCopyOrder(t *testing.T) {
	tests := []struct {
		name   string
		tables []string
		refs   map[string][]string
		want   []string
	}{
		{"no references: by name", []string{"c", "a", "b"}, nil, []string{"a", "b", "c"}},
		{"parents first", []string{"movements", "volumes", "patients", "users"},
			map[string][]string{"movements": {"volumes", "users"}, "volumes": {"patients"}},
			[]string{"patients", "users", "volumes", "movements"}},
		{"a reference to itself does not hold a table back", []string{"patients", "locations"},
			map[string][]string{"patients": {"patients"}, "locations": {"locations"}},
			[]string{"locations", "patients"}},
		{"a table outside the list is not waited for", []string{"b"}, map[string][]string{"b": {"schema_version"}}, []string{"b"}},
		{"a cycle: the rest by name", []string{"x", "y", "a"}, map[string][]string{"x": {"y"}, "y": {"x"}}, []string{"a", "x", "y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CopyOrder(tt.tables, tt.refs); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
