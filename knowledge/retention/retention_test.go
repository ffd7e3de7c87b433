package retention

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"180d": 180 * 24 * time.Hour, "26w": 26 * 7 * 24 * time.Hour,
		"4320h": 4320 * time.Hour, "1d": 24 * time.Hour} {
		if got, err := ParseAge(in); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "180", "-5d", "0d", "d", "半年", "180days"} {
		if _, err := ParseAge(bad); err == nil {
			t.Errorf("ParseAge(%q) accepted", bad)
		}
	}
}

// nothing is a store a purge must never reach.
type nothing struct{ Store }

func TestGuards(t *testing.T) {
	ctx := context.Background()
	if _, err := New(nothing{}, 180, false).Purge(ctx, 2*time.Hour, "cli", false); !errors.Is(err, ErrTooShort) {
		t.Fatalf("purge of the last two hours: %v", err)
	}
	for _, s := range []*Service{New(nothing{}, 0, true), New(nothing{}, 180, false)} {
		if _, ran, err := s.RunDaily(ctx); ran || err != nil {
			t.Fatalf("daily purge with retention %d, daily %v: ran %v, %v", s.days, s.daily, ran, err)
		}
	}
}
