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
	"github.com/courtdesk/courtdesk/knowledge/statute"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

const statutesUsage = `usage:
  courtdesk statutes import [flags] DIR   parse every statute file in DIR (the format of shared/laws) and
                                          import them all in one transaction; a newer version replaces
                                          the current one, which is kept as superseded
  courtdesk statutes check [flags]        resolve every citation of every article and list those that
                                          do not resolve: unknown document, article out of range, or
                                          written against a superseded version`

// cmdStatutes is the statute library: texts are data an admin imports, never part of the binary.
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

// citedText is one field of an article that may cite statutes.
type citedText struct {
	field, text string
}

func citingFields(a knowledge.Article) []citedText {
	out := []citedText{{"summary", a.Summary}, {"body", a.Body}}
	for _, lb := range a.LegalBasis {
		out = append(out, citedText{"legal_basis", lb})
	}
	return out
}

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
	r, err := statute.Load(ctx, st)
	if err != nil {
		return err
	}
	if r.Documents() == 0 {
		fmt.Fprintln(e.stdout, "no statutes imported: citations stay plain text (import them with 'courtdesk statutes import DIR')")
		return nil
	}
	articles, err := st.ListArticles(ctx, store.ArticleFilter{})
	if err != nil {
		return err
	}
	counts := map[statute.Status]int{}
	byName := 0
	var problems []string
	for _, a := range articles {
		seen := map[string]bool{}
		for _, f := range citingFields(a) {
			for _, res := range r.ResolveText(f.text, a.UpdatedAt) {
				if !res.Citation.Numbered() {
					byName++
					continue
				}
				counts[res.Status]++
				line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", a.Slug, f.field, res.Status, res.Citation, res.Detail)
				if res.Problem() && !seen[line] {
					seen[line] = true
					problems = append(problems, line)
				}
			}
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		fmt.Fprintln(e.stdout, "slug\tfield\tstatus\tcitation\tdetail")
		fmt.Fprintln(e.stdout, strings.Join(problems, "\n"))
	}
	fmt.Fprintf(e.stdout, "checked %d article(s) against %d document(s): %d numbered citation(s) resolved, "+
		"%d of unknown documents, %d out of range, %d superseded; %d cited by name only\n",
		len(articles), r.Documents(), counts[statute.StatusResolved], counts[statute.StatusUnknownDocument],
		counts[statute.StatusOutOfRange], counts[statute.StatusSuperseded], byName)
	return nil
}
