package main

import (
	"context"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/postgres"
	"github.com/courtdesk/courtdesk/knowledge/store/sqlite"
)

// cmdMigrate applies the pending migrations and says which. Every command migrates on start too;
// this one lets an operator upgrade the schema on purpose, before starting the new replicas
// (docs: upgrades), and see what changed.
func cmdMigrate(ctx context.Context, e *env, args []string) error {
	cfg, fs, err := loadConfig(e, "migrate", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, "usage: courtdesk migrate [flags]")
		return errUsage
	}
	var d store.Driver = sqlite.Driver{}
	dsn := cfg.dbPath()
	if cfg.DB == "postgres" {
		d, dsn = postgres.Driver{}, cfg.DatabaseURL
	} else if err := ensureDir(cfg.DataDir); err != nil {
		return err
	}
	st, err := store.Connect(ctx, d, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, m := range applied {
		fmt.Fprintf(e.stdout, "applied %s\n", m.Name)
	}
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(e.stdout, "%s schema is up to date at version %d\n", d.Name(), v)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s schema migrated to version %d (%d migration(s) applied)\n", d.Name(), v, len(applied))
	return nil
}
