package postgres_test

import (
	"context"
	"testing"

	"github.com/courtdesk/courtdesk/internal/pgtest"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/postgres"
	"github.com/courtdesk/courtdesk/knowledge/store/storetest"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	dsn := pgtest.DSN(t)
	s, err := store.Open(context.Background(), postgres.Driver{}, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestConcurrentMigrations(t *testing.T) {
	dsn := pgtest.DSN(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := store.Open(context.Background(), postgres.Driver{}, dsn)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("replica start: %v", err)
		}
	}
}

func BenchmarkClaims(b *testing.B) {
	s, err := store.Open(context.Background(), postgres.Driver{}, pgtest.DSN(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchClaims(b, s)
}
