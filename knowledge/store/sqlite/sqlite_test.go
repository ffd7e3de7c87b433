package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/sqlite"
	"github.com/courtdesk/courtdesk/knowledge/store/storetest"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), sqlite.Driver{}, filepath.Join(t.TempDir(), "courtdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	s, err := store.Open(ctx, sqlite.Driver{}, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = store.Open(ctx, sqlite.Driver{}, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.GetMeta(ctx, "k"); err != nil || v != "v" {
		t.Fatalf("after reopen: %q, %v", v, err)
	}
}

func BenchmarkClaims(b *testing.B) {
	s, err := store.Open(context.Background(), sqlite.Driver{}, filepath.Join(b.TempDir(), "courtdesk.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchClaims(b, s)
}
