package escalation

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Court scope: a judge reads and acts on the tickets of their own court and the tickets
// transferred to them; admins, and judges an admin granted "all courts", on every ticket.
// The rules below hold in the domain and again in the store's conditional update, so no handler
// can forget them.

// ErrOutOfScope is a ticket outside the judge's courts. It matches knowledge.ErrNotFound: a judge
// learns nothing about tickets they may not see, not even that they exist.
var ErrOutOfScope = fmt.Errorf("ticket outside the judge's courts: %w", knowledge.ErrNotFound)

// ErrNotTicketJudge is an action reserved to the ticket's judge or an admin (internal notes).
var ErrNotTicketJudge = fmt.Errorf("only the ticket's judge or an admin may do this: %w", knowledge.ErrForbidden)

// ErrAllCourts is a list of every court asked for without the permission.
var ErrAllCourts = fmt.Errorf("listing every court needs the all-courts permission: %w", knowledge.ErrForbidden)

// Scope is which tickets one judge may see.
type Scope struct {
	UserID int64
	Courts []string // codes of the courts the judge belongs to
	All    bool     // admin, or a judge granted every court
}

// Sees reports whether a ticket of court, held by owner (0: nobody), is in the scope.
func (s Scope) Sees(court string, owner int64) bool {
	return s.All || owner != 0 && owner == s.UserID || court != "" && slices.Contains(s.Courts, court)
}

// ScopeOf is the judge's scope under the current court list.
func (q *Queue) ScopeOf(j Judge) Scope {
	return Scope{UserID: j.ID, Courts: q.courtCodes(j.Court), All: j.Admin || j.AllCourts}
}

// ticketFor reads a ticket the judge may see.
func (q *Queue) ticketFor(ctx context.Context, j Judge, id int64) (Ticket, error) {
	t, err := q.st.GetTicket(ctx, id)
	if err != nil {
		return t, err
	}
	if !q.ScopeOf(j).Sees(t.CourtCode, t.ClaimedBy) {
		return Ticket{}, fmt.Errorf("ticket %d: %w", t.ID, ErrOutOfScope)
	}
	return t, nil
}

// Cursor is a position in the queue's order: matching specialty first, then priority, then age.
type Cursor struct {
	Match    bool
	Priority Priority
	ID       int64
}

// String encodes the cursor for a URL.
func (c Cursor) String() string {
	m := 0
	if c.Match {
		m = 1
	}
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d.%d.%d", m, c.Priority, c.ID))
}

// ParseCursor decodes a cursor from a URL; "" is the start.
func ParseCursor(s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := func() error {
		v := &knowledge.ValidationError{}
		v.Add("", "cursor", "分页位置无效，请刷新列表")
		return v
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(s) > 64 {
		return nil, bad()
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 {
		return nil, bad()
	}
	var n [3]int64
	for i, p := range parts {
		if n[i], err = strconv.ParseInt(p, 10, 64); err != nil || n[i] < 0 {
			return nil, bad()
		}
	}
	if n[0] > 1 || n[1] > int64(PriorityUrgent) {
		return nil, bad()
	}
	return &Cursor{Match: n[0] == 1, Priority: Priority(n[1]), ID: n[2]}, nil
}

// Page is one page of the queue and where the next one starts ("" at the end).
type Page struct {
	Tickets []View `json:"tickets"`
	Next    string `json:"next_cursor"`
}

// DefaultPageSize and MaxPageSize bound one page of the queue.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// ClaimedPriority is how the console labels a priority the enterprise's own facts raised: nobody
// has checked those facts, so a judge reads them as the enterprise's claim.
const ClaimedPriority = "企业自述"
