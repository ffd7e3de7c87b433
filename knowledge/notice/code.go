package notice

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// Verification code rules.
const (
	CodeTTL     = 10 * time.Minute
	MaxAttempts = 5
)

// Pending is a code waiting to be entered. Only its keyed hash is stored.
type Pending struct {
	ConversationID string
	Channel        Channel
	Contact        string
	CodeHash       string
	ExpiresAt      time.Time
	Attempts       int
}

// Limit is "at most Max code requests per Window" for one key. Key is already hashed: the store
// keeps no phone number or address in its counters.
type Limit struct {
	Kind   string // contact, token, addr: for the error message
	Key    string
	Max    int
	Window time.Duration
}

// Limits are the code-request limits; a zero Max turns one off.
type Limits struct {
	PerContactMinute int // per number or address per minute
	PerContactDay    int
	PerTokenDay      int // per visitor token (conversation)
	PerAddrDay       int // per client address
}

// DefaultLimits: one code a minute and five a day per contact, five a day per visitor token, twenty
// a day per address, so that the form cannot bomb a stranger's phone.
func DefaultLimits() Limits {
	return Limits{PerContactMinute: 1, PerContactDay: 5, PerTokenDay: 5, PerAddrDay: 20}
}

func (l Limits) list(contactKey, tokenKey, addrKey string) []Limit {
	var out []Limit
	add := func(kind, key string, max int, w time.Duration) {
		if max > 0 && key != "" {
			out = append(out, Limit{Kind: kind, Key: kind + ":" + key, Max: max, Window: w})
		}
	}
	add("contact", contactKey, l.PerContactMinute, time.Minute)
	add("contact", contactKey, l.PerContactDay, 24*time.Hour)
	add("token", tokenKey, l.PerTokenDay, 24*time.Hour)
	add("addr", addrKey, l.PerAddrDay, 24*time.Hour)
	return out
}

// newCode draws a uniform six-digit code.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// hashCode binds the code to its conversation and contact, keyed with the service secret, so a
// leaked table neither reveals codes (a million guesses need the key) nor lets one be reused.
func hashCode(secret []byte, conv, contact, code string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("code\x00" + conv + "\x00" + contact + "\x00" + code))
	return hex.EncodeToString(m.Sum(nil))
}

// keyOf is the keyed digest a limit counts by.
func keyOf(secret []byte, s string) string {
	if s == "" {
		return ""
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("limit\x00" + s))
	return hex.EncodeToString(m.Sum(nil))[:24]
}

var mobileRe = regexp.MustCompile(`^1[3-9]\d{9}$`)

// NormalizeContact checks and canonicalises a contact for its channel: a mainland mobile number
// (spaces, dashes and +86 dropped) or a plain e-mail address (lower-cased domain).
func NormalizeContact(ch Channel, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch ch {
	case ChannelSMS:
		s = strings.NewReplacer(" ", "", "-", "").Replace(s)
		s = strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "0086")
		if !mobileRe.MatchString(s) {
			return "", ErrBadContact
		}
		return s, nil
	case ChannelEmail:
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s || len(s) > 254 || strings.ContainsAny(s, "\r\n") {
			return "", ErrBadContact
		}
		at := strings.LastIndexByte(s, '@')
		return s[:at] + strings.ToLower(s[at:]), nil
	}
	return "", ErrBadContact
}
