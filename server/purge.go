package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/retention"
)

// cmdPurge deletes conversations, their messages and their resolved tickets older than the
// retention period. Open tickets and their conversations are never deleted; the audit log stays;
// the reports keep their figures (the store archives what they count first).
func cmdPurge(ctx context.Context, e *env, args []string) error {
	var olderThan string
	var dryRun bool
	cfg, fs, err := loadConfig(e, "purge", args, func(_ *Config, fs *flag.FlagSet) {
		fs.StringVar(&olderThan, "older-than", "", "age to delete: 180d, 26w or 4320h (default: the retention period, COURTDESK_RETENTION_DAYS)")
		fs.BoolVar(&dryRun, "dry-run", false, "count what would be deleted and delete nothing")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, "usage: courtdesk purge [--older-than 180d] [--dry-run] [flags]")
		return errUsage
	}
	var age time.Duration
	switch {
	case olderThan != "":
		if age, err = retention.ParseAge(olderThan); err != nil {
			fmt.Fprintf(e.stderr, "purge: --older-than %v\n", err)
			return errUsage
		}
	case cfg.RetentionDays == 0:
		return errors.New("the retention period is 0 (keep forever): pass --older-than to purge anyway")
	default:
		age = time.Duration(cfg.RetentionDays) * 24 * time.Hour
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := retention.New(st, cfg.RetentionDays, false).Purge(ctx, age, "purge (command line)", dryRun)
	if err != nil {
		return err
	}
	verb := "purged"
	if dryRun {
		verb = "would purge"
	}
	fmt.Fprintf(e.stdout, "%s what is older than %s (%d days): %d conversation(s), %d message(s), %d resolved ticket(s)\n",
		verb, r.Cutoff.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04 CST"), int(age/(24*time.Hour)),
		r.Conversations, r.Messages, r.Tickets)
	fmt.Fprintf(e.stdout, "kept %d older conversation(s) whose ticket is still open or was resolved since; open tickets are never purged\n", r.KeptOpen)
	return nil
}
