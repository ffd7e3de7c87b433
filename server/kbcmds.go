package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/library"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// maxListed is how many problems a failed import prints; the count says how many there are.
const maxListed = 100

func cmdImport(ctx context.Context, e *env, args []string) error {
	var by string
	cfg, fs, err := loadConfig(e, "import", args, func(_ *Config, fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "import", "recorded as the author of the new versions")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "usage: courtdesk import [flags] FILE.json|DIR")
		return errUsage
	}
	articles, err := kbfile.Load(fs.Arg(0), cfg.MaxImportArticles)
	if err != nil {
		if errors.Is(err, kbfile.ErrTooMany) {
			return fmt.Errorf("%w (COURTDESK_MAX_IMPORT_ARTICLES); split the import", err)
		}
		return err
	}
	knowledge.CleanStrings(&articles)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	// The index is not opened: a running server may own it. Its fingerprint no longer matches the
	// store after the import, so the next start rebuilds it; `reindex` does so at once. Replicas
	// running on PostgreSQL are told of each changed article through the outbox and index it.
	var ix library.Indexer
	if cfg.DB == "postgres" {
		ix = announcingIndexer{notify: outboxNotifier{st: st, e: e}}
	}
	res, err := library.New(st, ix).Import(ctx, articles, by, "import "+fs.Arg(0))
	if err != nil {
		var ve *knowledge.ValidationError
		if errors.As(err, &ve) {
			fmt.Fprintf(e.stderr, "nothing imported: %d problem(s)\n", len(ve.Fields))
			for i, f := range ve.Fields {
				if i == maxListed {
					fmt.Fprintf(e.stderr, "  … and %d more\n", len(ve.Fields)-maxListed)
					break
				}
				fmt.Fprintf(e.stderr, "  %s\n", f.String())
			}
			return errors.New("invalid articles")
		}
		return err
	}
	counts := map[string]int{}
	for _, r := range res {
		counts[r.Change]++
	}
	fmt.Fprintf(e.stdout, "imported %d article(s): %d created, %d updated, %d unchanged\n",
		len(res), counts["created"], counts["updated"], counts["unchanged"])
	return nil
}

func cmdExport(ctx context.Context, e *env, args []string) error {
	cfg, _, err := loadConfig(e, "export", args, nil)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	as, err := st.ListArticles(ctx, store.ArticleFilter{})
	if err != nil {
		return err
	}
	return kbfile.WriteJSON(e.stdout, as)
}

func cmdReindex(ctx context.Context, e *env, args []string) error {
	cfg, _, err := loadConfig(e, "reindex", args, nil)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	published, err := library.New(st, nil).Published(ctx)
	if err != nil {
		return err
	}
	norm, err := index.NewNormalizer()
	if err != nil {
		return err
	}
	ix, _, err := index.Open(cfg.indexDir(), norm, index.NewSynonyms(index.DefaultLexicon()), published)
	if err != nil {
		if errors.Is(err, index.ErrLocked) {
			return fmt.Errorf("%w: stop the server first, or let it rebuild on its next start", err)
		}
		return err
	}
	defer ix.Close()
	if err := ix.Rebuild(published); err != nil {
		return err
	}
	newLogger(cfg, e.stderr).Info("index rebuilt", "docs", ix.DocCount())
	fmt.Fprintf(e.stdout, "reindexed %d published article(s) into %s\n", ix.DocCount(), cfg.indexDir())
	return nil
}
