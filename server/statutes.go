package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/library"
	"github.com/courtdesk/courtdesk/knowledge/statute"
)

const statutesUsage = `usage:
  courtdesk statutes import [flags] DIR   parse every statute file in DIR (the format of shared/laws) and
                                          import them all in one transaction; a newer version replaces
                                          the current one, which is kept as superseded
  courtdesk statutes check [flags]        resolve every citation of every article and list those that
                                          do not resolve: unknown document, article out of range, or
                                          written against a superseded version`

// cmdStatutes manages the statute library: the texts the seed cites ship in the binary
// (knowledge/laws) and are imported on start; admins import newer versions and other documents.
func cmdStatutes(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintln(e.stderr, statutesUsage)
		return flag.ErrHelp
	}
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, statutesUsage)
		return errUsage
	}
	switch args[0] {
	case "import":
		return cmdStatutesImport(ctx, e, args[1:])
	case "check":
		return cmdStatutesCheck(ctx, e, args[1:])
	}
	fmt.Fprintf(e.stderr, "statutes: unknown action %q\n%s\n", args[0], statutesUsage)
	return errUsage
}

func cmdStatutesImport(ctx context.Context, e *env, args []string) error {
	var by string
	cfg, fs, err := loadConfig(e, "statutes import", args, func(_ *Config, fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "import", "recorded as the importer of the new versions")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "usage: courtdesk statutes import [flags] DIR")
		return errUsage
	}
	dir := fs.Arg(0)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s: not a directory of statute files", dir)
	}
	docs, err := statute.ParseFS(os.DirFS(dir))
	if err != nil {
		var ve *knowledge.ValidationError
		switch {
		case errors.As(err, &ve):
			fmt.Fprintf(e.stderr, "nothing imported: %d problem(s)\n", len(ve.Fields))
			for _, f := range ve.Fields {
				fmt.Fprintf(e.stderr, "  %s\n", f.String())
			}
			return errors.New("unparsable statute files")
		case errors.Is(err, knowledge.ErrNotFound):
			return fmt.Errorf("%s: no statute files (名称(YYYY-MM-DD).md) to import", dir)
		}
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := st.ImportStatutes(ctx, docs, by)
	if err != nil {
		return fmt.Errorf("nothing imported: %w", err)
	}
	counts := map[string]int{}
	for _, r := range res {
		counts[r.Change]++
		line := fmt.Sprintf("%-10s %s  %s  %d articles", r.Change, r.Title, orDash(r.Version), r.Articles)
		if r.Previous != "" {
			line += fmt.Sprintf("  (replaces %s)", r.Previous)
		}
		fmt.Fprintln(e.stdout, line)
	}
	fmt.Fprintf(e.stdout, "imported %d document(s): %d created, %d replaced, %d unchanged, %d historical\n",
		len(res), counts["created"], counts["replaced"], counts["unchanged"], counts["historical"])
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cmdStatutesCheck prints the same citation report the admin console shows (knowledge/library),
// one problem per line, then the counts.
func cmdStatutesCheck(ctx context.Context, e *env, args []string) error {
	cfg, fs, err := loadConfig(e, "statutes check", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, "usage: courtdesk statutes check [flags]")
		return errUsage
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := library.NewCitations(st).Report(ctx)
	if err != nil {
		return err
	}
	sum := rep.Summary
	if sum.Documents == 0 {
		fmt.Fprintln(e.stdout, "no statutes imported: citations stay plain text (import them with 'courtdesk statutes import DIR')")
		return nil
	}
	var lines []string
	for _, a := range rep.Articles {
		for _, p := range a.Problems {
			lines = append(lines, fmt.Sprintf("%s\t%s\t%s\t%s\t%s", a.Slug, p.Field, p.Status, p.Citation, p.Detail))
		}
	}
	sort.Strings(lines)
	if len(lines) > 0 {
		fmt.Fprintln(e.stdout, "slug\tfield\tstatus\tcitation\tdetail")
		fmt.Fprintln(e.stdout, strings.Join(lines, "\n"))
	}
	fmt.Fprintf(e.stdout, "checked %d article(s) against %d document(s): %d numbered citation(s) resolved, "+
		"%d of unknown documents, %d out of range, %d superseded; %d cited by name only\n",
		sum.Articles, sum.Documents, sum.Resolved, sum.UnknownDocument, sum.OutOfRange, sum.Superseded, sum.ByName)
	return nil
}
