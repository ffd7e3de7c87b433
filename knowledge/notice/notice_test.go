package notice

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

func TestQuietHours(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, cst) }
	for _, c := range []struct {
		ch       Channel
		now, due time.Time
	}{
		{ChannelSMS, at(2, 8, 0), at(2, 8, 0)},
		{ChannelSMS, at(2, 20, 59), at(2, 20, 59)},
		{ChannelSMS, at(2, 21, 0), at(3, 8, 0)},
		{ChannelSMS, at(2, 23, 59), at(3, 8, 0)},
		{ChannelSMS, at(3, 0, 30), at(3, 8, 0)},
		{ChannelSMS, at(3, 7, 59), at(3, 8, 0)},
		{ChannelEmail, at(2, 23, 0), at(2, 23, 0)},
		// A UTC clock: 14:00 UTC is 22:00 in Shanghai.
		{ChannelSMS, time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC), at(3, 8, 0)},
	} {
		if got := QuietUntil(c.ch, c.now); !got.Equal(c.due) {
			t.Errorf("%s due %s: goes at %s, want %s", c.ch, c.now, got.In(cst), c.due)
		}
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := backoff(i + 1); got != w {
			t.Errorf("after %d attempts: %s, want %s", i+1, got, w)
		}
	}
}

func TestLinks(t *testing.T) {
	secret := []byte(strings.Repeat("k", 32))
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	conv := strings.Repeat("ab", 16)
	l := NewLinks(secret, 0)
	link := l.Sign(conv, now)
	if got, err := l.Verify(link, now.Add(LinkTTL-time.Second)); err != nil || got != conv {
		t.Fatalf("fresh link: %q %v", got, err)
	}
	if _, err := l.Verify(link, now.Add(LinkTTL)); !errors.Is(err, ErrLinkExpired) {
		t.Fatalf("after 7 days: %v", err)
	}
	other := strings.Repeat("cd", 16)
	forged := strings.Replace(link, conv, other, 1)
	if _, err := l.Verify(forged, now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("another conversation under the same signature: %v", err)
	}
	if _, err := NewLinks([]byte(strings.Repeat("x", 32)), 0).Verify(link, now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("another secret: %v", err)
	}
	// Links and visitor tokens are signed with the same secret, yet neither passes for the other.
	tokens, _ := conversation.NewTokens(secret, 0, func() time.Time { return now })
	if _, err := l.Verify(tokens.Issue(conv), now); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("a visitor token as a link: %v", err)
	}
	if _, err := tokens.Verify(link); err == nil {
		t.Fatal("a link as a visitor token")
	}
}

func TestNormalizeContact(t *testing.T) {
	for _, c := range []struct {
		ch       Channel
		in, want string
	}{
		{ChannelSMS, "139 0000-0001", "13900000001"},
		{ChannelSMS, "+8613900000001", "13900000001"},
		{ChannelSMS, "12900000001", ""},
		{ChannelSMS, "1390000000", ""},
		{ChannelEmail, "Boss@Firm.Example", "Boss@firm.example"},
		{ChannelEmail, "王总 <boss@firm.example>", ""},
		{ChannelEmail, "boss@firm.example\r\nBcc: x@y.z", ""},
		{ChannelNone, "13900000001", ""},
	} {
		got, err := NormalizeContact(c.ch, c.in)
		if got != c.want || (c.want == "") != errors.Is(err, ErrBadContact) {
			t.Errorf("%s %q: %q %v, want %q", c.ch, c.in, got, err, c.want)
		}
	}
}

func TestCodesAreHashedAndBound(t *testing.T) {
	s := []byte(strings.Repeat("s", 32))
	code, err := newCode()
	if err != nil || len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		t.Fatalf("code %q %v", code, err)
	}
	h := hashCode(s, "c1", "13900000001", code)
	if strings.Contains(h, code) || h == hashCode(s, "c2", "13900000001", code) || h == hashCode(s, "c1", "13900000002", code) {
		t.Fatal("the hash must hide the code and bind conversation and contact")
	}
}
