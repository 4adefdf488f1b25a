package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/chartroom/chartroom/records"
	"github.com/chartroom/chartroom/records/postgres/pgtest"
)

// Open refuses a database that is not Chartroom's before creating anything
// in it: one with another application's tables always, an empty one when
// the caller needs a set-up practice (Existing).
func TestOpenChecksTheDatabaseIsChartroomsOrEmpty(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		foreign  bool
		existing bool
		code     string // the refusal's code; "" opens
		says     string
	}{
		{"empty, for init", false, false, "", ""},
		{"empty, for a set-up practice", false, true, records.ENotFound, "has no Chartroom practice yet"},
		{"another application's", true, false, records.EConflict, "tables that are not Chartroom's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			address := pgtest.Database(t)
			if tt.foreign {
				conn, err := pgx.Connect(ctx, address)
				if err != nil {
					t.Fatal(err)
				}
				_, err = conn.Exec(ctx, "CREATE TABLE invoices (id integer PRIMARY KEY)")
				conn.Close(ctx)
				if err != nil {
					t.Fatal(err)
				}
			}
			s, err := Open(ctx, address, Options{PasswordParams: cheapParams, Existing: tt.existing})
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				s.Close()
				// Now Chartroom's: it opens as a set-up database too.
				s, err = Open(ctx, address, Options{PasswordParams: cheapParams, Existing: true})
				if err != nil {
					t.Fatalf("Open again, Existing: %v", err)
				}
				s.Close()
				return
			}
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if records.ErrorCode(err) != tt.code || !strings.Contains(records.ErrorMessage(err), tt.says) {
				t.Errorf("Open: %s %q, want %s saying %q", records.ErrorCode(err), records.ErrorMessage(err), tt.code, tt.says)
			}
			// Nothing of Chartroom's was created.
			conn, err := pgx.Connect(ctx, address)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			var made bool
			if err := conn.QueryRow(ctx, "SELECT to_regclass('schema_version') IS NOT NULL").Scan(&made); err != nil {
				t.Fatal(err)
			}
			if made {
				t.Error("the refused Open created Chartroom's schema")
			}
		})
	}
}
