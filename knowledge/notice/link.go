package notice

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// LinkTTL is how long a notice's link opens the conversation.
const LinkTTL = 7 * 24 * time.Hour

// Links signs the links a notice carries: "n1.<conversation id>.<expiry unix>.<HMAC-SHA256>". They
// are not visitor tokens: the prefix and the signed payload differ, so neither verifies as the
// other, and a link lives days where a token lives months. Opening one issues a fresh visitor
// token for the browser that opened it.
type Links struct {
	secret []byte
	ttl    time.Duration
}

// NewLinks builds the signer; ttl 0 is LinkTTL.
func NewLinks(secret []byte, ttl time.Duration) *Links {
	if ttl <= 0 {
		ttl = LinkTTL
	}
	return &Links{secret: append([]byte(nil), secret...), ttl: ttl}
}

// Sign returns the link token for the conversation, valid for the TTL from now.
func (l *Links) Sign(conversationID string, now time.Time) string {
	payload := "n1." + conversationID + "." + strconv.FormatInt(now.Add(l.ttl).Unix(), 10)
	return payload + "." + l.mac(payload)
}

func (l *Links) mac(payload string) string {
	m := hmac.New(sha256.New, l.secret)
	m.Write([]byte("notice-link\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Verify returns the conversation of a valid link, ErrLinkExpired or ErrLinkInvalid.
func (l *Links) Verify(token string, now time.Time) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != "n1" || len(parts[1]) != 32 {
		return "", ErrLinkInvalid
	}
	payload := strings.Join(parts[:3], ".")
	if !hmac.Equal([]byte(parts[3]), []byte(l.mac(payload))) {
		return "", ErrLinkInvalid
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", ErrLinkInvalid
	}
	if now.Unix() >= exp {
		return "", ErrLinkExpired
	}
	return parts[1], nil
}
