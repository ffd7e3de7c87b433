package main

import (
	"context"
	"fmt"
	"github.com/courtdesk/courtdesk/internal/pgtest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/postgres"
	"github.com/courtdesk/courtdesk/knowledge/store/sqlite"
)

// `courtdesk migrate` applies every migration once and says so; a second run finds nothing to
// do. A database migrated by a newer binary is refused by migrate and by serve, naming both
// versions, on both engines.
func TestMigrateCommandAndNewerSchema(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"COURTDESK_DATA": dir, "COURTDESK_ADDR": "127.0.0.1:0"}
			var d store.Driver = sqlite.Driver{}
			dsn := filepath.Join(dir, "courtdesk.db")
			if engine == "postgres" {
				dsn = pgtest.DSN(t)
				d = postgres.Driver{}
				env["COURTDESK_DB"], env["COURTDESK_DATABASE_URL"] = "postgres", dsn
			}
			ms, err := store.Migrations(d.Migrations())
			if err != nil {
				t.Fatal(err)
			}
			latest := ms[len(ms)-1].Version

			code, out, errOut := runCLI(t, env, "migrate")
			if code != 0 {
				t.Fatalf("migrate: %d %s", code, errOut)
			}
			if n := strings.Count(out, "applied "); n != len(ms) || !strings.Contains(out, fmt.Sprintf("migrated to version %d", latest)) {
				t.Fatalf("first migrate applied %d of %d:\n%s", n, len(ms), out)
			}
			code, out, errOut = runCLI(t, env, "migrate")
			if code != 0 || strings.Contains(out, "applied ") || !strings.Contains(out, fmt.Sprintf("up to date at version %d", latest)) {
				t.Fatalf("second migrate: %d %q %q", code, out, errOut)
			}

			// A newer binary migrated the database further.
			w, r, err := d.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Exec(d.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)`),
				latest+1, "9999_from_the_future.sql"); err != nil {
				t.Fatal(err)
			}
			w.Close()
			if r != w {
				r.Close()
			}
			for _, cmd := range []string{"serve", "migrate"} {
				code, _, errOut := runCLI(t, env, cmd)
				if code != 1 || !strings.Contains(errOut, fmt.Sprintf("at version %d", latest+1)) ||
					!strings.Contains(errOut, fmt.Sprintf("up to %d only", latest)) {
					t.Errorf("%s on a newer schema: %d %q", cmd, code, errOut)
				}
			}
		})
	}
	if code, _, errOut := runCLI(t, nil, "migrate", "--help"); code != 0 || !strings.Contains(errOut, "-database-url") {
		t.Errorf("migrate --help: %d %q", code, errOut)
	}
}

// The PostgreSQL password in the DSN never reaches the output of a command that cannot connect.
func TestDSNPasswordNotShownByServe(t *testing.T) {
	const pw = "s3cret-Pw.42"
	env := map[string]string{"COURTDESK_DATA": t.TempDir(), "COURTDESK_ADDR": "127.0.0.1:0", "COURTDESK_DB": "postgres",
		"COURTDESK_DATABASE_URL": "postgres://courtdesk:" + pw + "@127.0.0.1:1/courtdesk?sslmode=disable&connect_timeout=2"}
	for _, cmd := range []string{"serve", "migrate", "export"} {
		code, out, errOut := runCLI(t, env, cmd)
		if code != 1 || errOut == "" {
			t.Fatalf("%s without a database: %d %q", cmd, code, errOut)
		}
		if strings.Contains(out+errOut, pw) {
			t.Errorf("%s shows the password: %s%s", cmd, out, errOut)
		}
	}
}
