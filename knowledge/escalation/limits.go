package escalation

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Limits bound how often visitors may escalate. A conversation is what a visitor token names, so
// the per-token limit counts the conversation's tickets; the per-address limit counts the tickets
// from one client address. Max 0 switches a limit off.
type Limits struct {
	PerToken      int
	TokenWindow   time.Duration
	PerAddress    int
	AddressWindow time.Duration
}

// DefaultLimits: 3 escalations per conversation a day, 10 per address an hour.
func DefaultLimits() Limits {
	return Limits{PerToken: 3, TokenWindow: 24 * time.Hour, PerAddress: 10, AddressWindow: time.Hour}
}

// QuotaKind names what a quota counts.
type QuotaKind string

// Quota kinds.
const (
	QuotaToken   QuotaKind = "token"   // tickets of one conversation (one visitor token)
	QuotaAddress QuotaKind = "address" // tickets from one client address (its SourceAddr)
)

// Quota asks the store to create a ticket only while fewer than Max tickets of Key were created
// since Since. The store checks and inserts under a lock on Key, so parallel escalations cannot
// both pass the last free place.
type Quota struct {
	Kind   QuotaKind
	Key    string
	Max    int
	Since  time.Time
	Window time.Duration
}

// LimitError is an escalation refused by a quota. It matches knowledge.ErrRateLimited.
type LimitError struct {
	Kind   QuotaKind
	Max    int
	Window time.Duration
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("escalation limit: %d per %s per %s", e.Max, e.Kind, e.Window)
}

// Is makes errors.Is(err, knowledge.ErrRateLimited) true.
func (e *LimitError) Is(target error) bool { return target == knowledge.ErrRateLimited }

// Message is the Chinese explanation shown to the visitor, with the way to reach the court anyway.
func (e *LimitError) Message() string {
	if e.Kind == QuotaToken {
		return fmt.Sprintf("本次咨询在 %s内已转交法官 %d 次，已达上限。如需进一步帮助，请拨打诉讼服务热线 12368。",
			windowText(e.Window), e.Max)
	}
	return fmt.Sprintf("您所在的网络在 %s内提交的转交法官请求已达上限（%d 次），请稍后再试。如情况紧急，请拨打诉讼服务热线 12368。",
		windowText(e.Window), e.Max)
}

func windowText(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		if d == 24*time.Hour {
			return "一天"
		}
		return fmt.Sprintf(" %d 天", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf(" %d 小时", d/time.Hour)
	}
	return fmt.Sprintf(" %d 分钟", max(1, d/time.Minute))
}

// ErrQuestionFirst is an escalation from a conversation with no question in it. A person asks
// first (the page sends the form's question as one when there is none); a script that opens a
// socket and escalates at once is refused before it reaches the queue.
var ErrQuestionFirst = fmt.Errorf("escalation needs a question in the conversation first: %w", knowledge.ErrInvalid)

// Source is where an escalation came from.
type Source struct {
	Addr string // the client's address as the server saw it
}

// Sources turns client addresses into what a ticket keeps: a keyed hash of the whole address,
// equal for equal addresses (limits, bulk close) but not reversible without the secret, and the
// address truncated to its network (/24 for IPv4, /48 for IPv6) for a person to read.
type Sources struct {
	secret []byte
}

// NewSources builds the hasher with the service's secret.
func NewSources(secret []byte) *Sources { return &Sources{secret: append([]byte(nil), secret...)} }

// Hash is the stored form of an address.
func (s *Sources) Hash(addr string) string {
	if addr == "" {
		return ""
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("source-addr:" + addr))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// Network is the address truncated to its network, or "" when it is not an IP address.
func Network(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return ""
	}
	ip = ip.Unmap()
	bits := 48
	if ip.Is4() {
		bits = 24
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}
