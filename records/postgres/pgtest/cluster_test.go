package pgtest

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// Each test gets its own empty database, reachable as the app's role, which
// owns it and has no superuser rights; the database is gone afterwards.
func TestDatabaseIsEmptyOwnedAndUnprivileged(t *testing.T) {
	cluster := Server(t)
	ctx := context.Background()
	var name string
	t.Run("a test's database", func(t *testing.T) {
		u := Database(t)
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatalf("connect %s: %v", u, err)
		}
		defer conn.Close(ctx)
		var who string
		var super, createDB bool
		var tables int
		err = conn.QueryRow(ctx, `SELECT current_user, r.rolsuper, r.rolcreatedb, current_database(),
			(SELECT count(*) FROM pg_tables WHERE schemaname = 'public')
			FROM pg_roles r WHERE r.rolname = current_user`).Scan(&who, &super, &createDB, &name, &tables)
		if err != nil {
			t.Fatal(err)
		}
		if who != AppRole || super || createDB || tables != 0 {
			t.Fatalf("connected as %s (superuser %v, createdb %v) to %s with %d tables", who, super, createDB, name, tables)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE t (id bigint PRIMARY KEY); DROP TABLE t"); err != nil {
			t.Fatalf("the app's role cannot create its tables: %v", err)
		}
		if _, err := conn.Exec(ctx, "CREATE DATABASE other"); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("the app's role created a database: %v", err)
		}
	})
	if name == "" {
		t.Fatal("no database was made")
	}
	var left int
	conn, err := pgx.Connect(ctx, cluster.URL("postgres", "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&left); err != nil || left != 0 {
		t.Fatalf("database %s left behind: %d %v", name, left, err)
	}
}

func TestVersionOf(t *testing.T) {
	for path, want := range map[string]int{
		"/usr/lib/postgresql/15/bin/initdb": 15,
		"/usr/lib/postgresql/9/bin/initdb":  9,
		"/opt/pg/bin/initdb":                0,
	} {
		if got := versionOf(path); got != want {
			t.Errorf("versionOf(%s) = %d, want %d", path, got, want)
		}
	}
}
