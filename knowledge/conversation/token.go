package conversation

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
)

// TokenTTL is how long a visitor token stays valid. Every connection renews it, so only a visitor
// away for longer than this starts afresh.
const TokenTTL = 180 * 24 * time.Hour

// MinSecretLen is the shortest accepted HMAC secret, in bytes.
const MinSecretLen = 32

// Tokens issues and checks visitor tokens: "v1.<conversation id>.<expiry unix>.<HMAC-SHA256>".
// The enterprise holds no account; the token is the capability to reopen one conversation.
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

// NewTokens builds a token issuer. now may be nil for time.Now.
func NewTokens(secret []byte, ttl time.Duration, now func() time.Time) (*Tokens, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("visitor token secret: at least %d bytes: %w", MinSecretLen, knowledge.ErrInvalid)
	}
	if ttl <= 0 {
		ttl = TokenTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Tokens{secret: append([]byte(nil), secret...), ttl: ttl, now: now}, nil
}

// Issue signs a token for the conversation.
func (t *Tokens) Issue(conversationID string) string {
	exp := strconv.FormatInt(t.now().Add(t.ttl).Unix(), 10)
	payload := "v1." + conversationID + "." + exp
	return payload + "." + t.sign(payload)
}

func (t *Tokens) sign(payload string) string {
	m := hmac.New(sha256.New, t.secret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// errBadToken is wrapped so callers can tell forged from expired in logs; both match
// knowledge.ErrUnauthorized.
var errBadToken = errors.New("visitor token")

// Verify returns the conversation id of a valid, unexpired token, else an error matching
// knowledge.ErrUnauthorized.
func (t *Tokens) Verify(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != "v1" || !ValidID(parts[1]) {
		return "", fmt.Errorf("%w: malformed: %w", errBadToken, knowledge.ErrUnauthorized)
	}
	payload := strings.Join(parts[:3], ".")
	// hmac.Equal compares in constant time, so the signature cannot be guessed byte by byte.
	if !hmac.Equal([]byte(parts[3]), []byte(t.sign(payload))) {
		return "", fmt.Errorf("%w: bad signature: %w", errBadToken, knowledge.ErrUnauthorized)
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", fmt.Errorf("%w: bad expiry: %w", errBadToken, knowledge.ErrUnauthorized)
	}
	if t.now().Unix() >= exp {
		return "", fmt.Errorf("%w: expired: %w", errBadToken, knowledge.ErrUnauthorized)
	}
	return parts[1], nil
}

// ValidID reports whether s has the form of a conversation id (32 lower-case hex digits).
func ValidID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
