package conversation

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
)

func TestTokens(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	secret := []byte(strings.Repeat("s", 32))
	tok, err := NewTokens(secret, time.Hour, clock)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := NewID()
	token := tok.Issue(id)
	if got, err := tok.Verify(token); err != nil || got != id {
		t.Fatalf("verify own token = %q, %v", got, err)
	}
	other, _ := NewTokens([]byte(strings.Repeat("t", 32)), time.Hour, clock)
	otherID, _ := NewID()
	parts := strings.Split(token, ".")
	for name, bad := range map[string]string{
		"other secret":        other.Issue(id),
		"swapped id":          strings.Replace(token, id, otherID, 1),
		"longer expiry":       strings.Join([]string{parts[0], parts[1], "9999999999", parts[3]}, "."),
		"truncated signature": token[:len(token)-2],
		"garbage":             "not-a-token",
		"empty id":            "v1..1.x",
	} {
		if _, err := tok.Verify(bad); !errors.Is(err, knowledge.ErrUnauthorized) {
			t.Errorf("%s: want ErrUnauthorized, got %v", name, err)
		}
	}
	now = now.Add(time.Hour)
	if _, err := tok.Verify(token); !errors.Is(err, knowledge.ErrUnauthorized) {
		t.Fatalf("expired token accepted: %v", err)
	}
	if _, err := NewTokens([]byte("short"), 0, nil); !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("short secret: %v", err)
	}
}
