package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/postgres"
)

// The DSN's password never shows in an error, whatever form the DSN takes and however the
// connection fails: nothing listens, the DSN does not parse, the server refuses the login.
func TestDSNPasswordNeverInErrors(t *testing.T) {
	const pw = "s3cret-Pw.42"
	for _, dsn := range []string{
		"postgres://courtdesk:" + pw + "@127.0.0.1:1/test?sslmode=disable&connect_timeout=2",
		"postgres://courtdesk:" + pw + "@127.0.0.1:notaport/test",
		"postgres://courtdesk@127.0.0.1:1/test?sslmode=disable&password=" + pw,
		"postgres://courtdesk@127.0.0.1:1/test?sslmode=nonsense&password=" + pw,
		"host=127.0.0.1 port=1 user=courtdesk password=" + pw + " dbname=test sslmode=disable connect_timeout=2",
		"host=127.0.0.1 port=x user=courtdesk password='" + pw + "' dbname=test",
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		s, err := store.Open(ctx, postgres.Driver{}, dsn)
		cancel()
		if err == nil {
			s.Close()
			t.Fatalf("%q: opened", dsn)
		}
		if msg := err.Error(); strings.Contains(msg, pw) || strings.Contains(msg, dsn) {
			t.Errorf("the error shows the password: %s", msg)
		}
	}
}
