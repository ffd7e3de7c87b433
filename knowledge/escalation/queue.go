package escalation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

// The states after waiting. A claimed ticket belongs to one judge; answered means the judge has
// replied (a follow-up from the enterprise returns it to claimed); resolved closes it.
const (
	StateClaimed  State = "claimed"
	StateAnswered State = "answered"
	StateResolved State = "resolved"
)

// Open reports whether the ticket still needs a judge.
func (s State) Open() bool { return s != StateResolved }

// Name is the Chinese label.
func (s State) Name() string {
	switch s {
	case StateWaiting:
		return "排队中"
	case StateClaimed:
		return "处理中"
	case StateAnswered:
		return "已答复"
	case StateResolved:
		return "已结束"
	}
	return string(s)
}

// Actions recorded in a ticket's audit trail.
const (
	ActionCreate     = "create"
	ActionClaim      = "claim"
	ActionReply      = "reply"
	ActionFollowUp   = "follow_up"
	ActionReturn     = "return"
	ActionAutoReturn = "auto_return"
	ActionTransfer   = "transfer"
	ActionResolve    = "resolve"
)

// TicketEvent is one transition in a ticket's audit trail: who, when, from which state to which,
// and why.
type TicketEvent struct {
	ID       int64     `json:"id"`
	TicketID int64     `json:"ticket_id"`
	At       time.Time `json:"at"`
	ActorID  int64     `json:"actor_id"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	From     State     `json:"from"`
	To       State     `json:"to"`
	Reason   string    `json:"reason"`
}

// Note is an internal note on a ticket. Notes are never shown to the enterprise.
type Note struct {
	ID        int64     `json:"id"`
	TicketID  int64     `json:"ticket_id"`
	AuthorID  int64     `json:"author_id"`
	Author    string    `json:"author"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// Judge is the acting account as the queue rules see it.
type Judge struct {
	ID          int64
	Name        string
	Court       string // court name as in the court list
	Specialties []knowledge.Category
	Capacity    int
	Admin       bool
	AllCourts   bool // granted by an admin: every court's tickets
}

// Filter selects tickets for the console.
type Filter struct {
	Courts    []string // court codes; empty is every court
	States    []State  // empty is every open state
	ClaimedBy int64
	Specialty knowledge.Category
	Since     time.Time // created at or after
	Limit     int
	// Match lists the judge's specialties: tickets of these come first.
	Match []knowledge.Category
	// After continues the list past this position (nil: from the start).
	After *Cursor
}

// Transition is one state change requested of the store. The store applies it in one
// transaction with the conversation's mode change, the message shown to the enterprise and the
// audit event, and only under the Guards of Action for Actor in the queue table (QueueRules);
// a refusal is a *RuleError naming the rule.
type Transition struct {
	TicketID int64
	Action   string // a Rule* name of the queue table
	Actor    Actor
	To       State
	// ClaimedBy is the owner after the change (0 clears it).
	ClaimedBy int64
	// Court moves the ticket to another court's queue ("" keeps it).
	Court   Court
	Mode    conversation.Mode
	Message *conversation.Message // stored in the conversation, or nil
	Event   TicketEvent
	// Capacity, when > 0, is the most open tickets ClaimedBy may hold after the change. The store
	// locks that judge's row before counting, so concurrent claims cannot both pass the count.
	Capacity  int
	FirstResp bool
	// Scope, when set, is the acting judge's: the store applies the change only to a ticket in it.
	Scope *Scope
}

// Done is what the store did.
type Done struct {
	Ticket  Ticket
	Message *conversation.Message
}

// QueueStore is the persistence of the queue rules.
type QueueStore interface {
	GetTicket(ctx context.Context, id int64) (Ticket, error)
	ListTickets(ctx context.Context, f Filter) ([]Ticket, error)
	ApplyTransition(ctx context.Context, tr Transition) (Done, error)
	TicketEvents(ctx context.Context, ticketID int64) ([]TicketEvent, error)
	// AddNote inserts the note only while the table lets a add one (and sc, when set, sees the
	// ticket); otherwise it returns the *RuleError.
	AddNote(ctx context.Context, n Note, a Actor, sc *Scope) (Note, error)
	Notes(ctx context.Context, ticketID int64) ([]Note, error)
	// StaleClaims lists claimed tickets whose judge has not replied since claimedBefore.
	StaleClaims(ctx context.Context, claimedBefore time.Time) ([]Ticket, error)
	GetUser(ctx context.Context, id int64) (knowledge.User, error)
	SourceStore
}

func isConflict(err error) bool { return errors.Is(err, knowledge.ErrConflict) }

// Policy holds the time targets, in working time.
type Policy struct {
	FirstResponse time.Duration // a ticket waiting longer for its first reply is overdue
	ClaimTimeout  time.Duration // a claim with no judge reply for longer returns to the queue
}

// DefaultPolicy: first response within 4 working hours; a claim lapses after 2 without a reply.
func DefaultPolicy() Policy { return Policy{FirstResponse: 4 * time.Hour, ClaimTimeout: 2 * time.Hour} }

// ErrAlreadyClaimed is returned to every judge but the one who won a claim race.
var ErrAlreadyClaimed = fmt.Errorf("ticket already claimed by another judge: %w", knowledge.ErrConflict)

// ErrAtCapacity is returned when a judge holds as many open tickets as their capacity allows.
var ErrAtCapacity = fmt.Errorf("judge is at capacity: %w", knowledge.ErrConflict)

// Queue applies the judge-side rules. It is safe for concurrent use; every rule that matters under
// concurrency (one winner per claim) is enforced by the store's conditional update.
type Queue struct {
	st     QueueStore
	courts *Courts
	cal    atomic.Pointer[Calendar] // replaced whole when an admin edits the holidays
	pol    Policy
	notify conversation.Notifier
	learn  conversation.Learner
	now    func() time.Time
}

// NewQueue builds the rules. learn, when not nil, receives the escalated question as a candidate
// phrasing of every knowledge-base article a judge's reply links to.
func NewQueue(st QueueStore, courts *Courts, cal *Calendar, pol Policy, notify conversation.Notifier,
	learn conversation.Learner, now func() time.Time) *Queue {
	if notify == nil {
		notify = conversation.NopNotifier{}
	}
	if learn == nil {
		learn = conversation.NopLearner{}
	}
	if now == nil {
		now = time.Now
	}
	q := &Queue{st: st, courts: courts, pol: pol, notify: notify, learn: learn, now: now}
	q.cal.Store(cal)
	return q
}

// Calendar returns the working-hours calendar.
func (q *Queue) Calendar() *Calendar { return q.cal.Load() }

// SetCalendar replaces the calendar (an admin edited the holidays).
func (q *Queue) SetCalendar(c *Calendar) { q.cal.Store(c) }

// View is a ticket as the console lists it.
type View struct {
	Ticket
	StateName    string        `json:"state_name"`
	PriorityName string        `json:"priority_name"`
	Waiting      time.Duration `json:"waiting_ns"` // working time since creation, until the first reply
	Overdue      bool          `json:"overdue"`
	Deadline     time.Time     `json:"deadline"`
	Mine         bool          `json:"mine"`
	Matches      bool          `json:"matches_specialty"`
	JudgeName    string        `json:"judge_name,omitempty"`
	// PriorityBasis says where the priority came from: ClaimedPriority when the enterprise's own,
	// unchecked facts raised it above normal.
	PriorityBasis string `json:"priority_basis,omitempty"`
}

func (q *Queue) view(t Ticket, j Judge) View {
	now, cal := q.now(), q.Calendar()
	end := now
	if !t.FirstResponseAt.IsZero() {
		end = t.FirstResponseAt
	}
	v := View{Ticket: t, StateName: t.State.Name(), PriorityName: t.Priority.Name(),
		Waiting: cal.Working(t.CreatedAt, end), Deadline: cal.Add(t.CreatedAt, q.pol.FirstResponse),
		Mine: t.ClaimedBy != 0 && t.ClaimedBy == j.ID}
	v.Overdue = t.State.Open() && v.Waiting > q.pol.FirstResponse
	if t.Priority > PriorityNormal {
		v.PriorityBasis = ClaimedPriority
		v.PriorityName += "（" + ClaimedPriority + "）"
	}
	for _, s := range j.Specialties {
		if s == t.Specialty {
			v.Matches = true
		}
	}
	return v
}

// courtCodes returns the codes of the courts whose name or code is the judge's court.
func (q *Queue) courtCodes(court string) []string {
	var out []string
	for _, c := range q.courts.List() {
		if court != "" && (c.Court == court || c.Code == court) {
			out = append(out, c.Code)
		}
	}
	return out
}

// List returns one page of tickets for a judge's console. By default: the judge's court, open
// tickets, with those matching the judge's specialties first, then by priority and age.
// allCourts widens it to every court, which needs the permission unless the filter is the judge's
// own tickets.
func (q *Queue) List(ctx context.Context, j Judge, f Filter, allCourts bool) (Page, error) {
	sc := q.ScopeOf(j)
	if allCourts && !sc.All && (f.ClaimedBy == 0 || f.ClaimedBy != j.ID) {
		return Page{}, ErrAllCourts
	}
	if !allCourts && len(f.Courts) == 0 {
		f.Courts = sc.Courts
		if len(f.Courts) == 0 && !j.Admin {
			return Page{Tickets: []View{}}, nil // a judge with no court in the list sees nothing by default
		}
	}
	if !sc.All && f.ClaimedBy != j.ID {
		for _, c := range f.Courts {
			if !slices.Contains(sc.Courts, c) {
				return Page{}, ErrAllCourts
			}
		}
	}
	if f.Limit <= 0 {
		f.Limit = DefaultPageSize
	}
	f.Limit = min(f.Limit, MaxPageSize)
	want := f.Limit
	f.Limit++ // one more tells whether a next page exists
	f.Match = j.Specialties
	ts, err := q.st.ListTickets(ctx, f)
	if err != nil {
		return Page{}, err
	}
	p := Page{Tickets: make([]View, 0, min(len(ts), want))}
	for i, t := range ts {
		if i == want {
			last := p.Tickets[want-1]
			p.Next = Cursor{Match: last.Matches, Priority: last.Priority, ID: last.ID}.String()
			break
		}
		p.Tickets = append(p.Tickets, q.view(t, j))
	}
	return p, nil
}

// Get returns one ticket's view with its audit trail and notes.
func (q *Queue) Get(ctx context.Context, j Judge, id int64) (View, []TicketEvent, []Note, error) {
	t, err := q.ticketFor(ctx, j, id)
	if err != nil {
		return View{}, nil, nil, err
	}
	evs, err := q.st.TicketEvents(ctx, id)
	if err != nil {
		return View{}, nil, nil, err
	}
	notes, err := q.st.Notes(ctx, id)
	if err != nil {
		return View{}, nil, nil, err
	}
	v := q.view(t, j)
	if t.ClaimedBy != 0 {
		if u, err := q.st.GetUser(ctx, t.ClaimedBy); err == nil {
			v.JudgeName = u.DisplayName
		}
	}
	return v, evs, notes, nil
}

func (q *Queue) event(j Judge, action string, from []State, to State, reason string) TicketEvent {
	f := State("")
	if len(from) == 1 {
		f = from[0]
	}
	return TicketEvent{At: q.now(), ActorID: j.ID, Actor: j.Name, Action: action, From: f, To: to, Reason: reason}
}

func systemMessage(conv, text string) *conversation.Message {
	return &conversation.Message{ConversationID: conv, Kind: conversation.KindSystem, Text: text}
}

// apply runs a transition for a judge (sc nil: the system) and announces it. prev is the ticket as
// the rules read it before the change.
func (q *Queue) apply(ctx context.Context, sc *Scope, prev Ticket, tr Transition) (Done, error) {
	tr.Scope = sc
	d, err := q.st.ApplyTransition(ctx, tr)
	if err != nil {
		return d, err
	}
	// Every event carries the ticket's court and judge, so that a judge's socket is told only of
	// the tickets that judge may see.
	t := d.Ticket
	ev := func(kind conversation.EventKind, seq int64) conversation.Event {
		return conversation.Event{Kind: kind, ConversationID: t.ConversationID, Seq: seq, Court: t.CourtCode, Owner: t.ClaimedBy}
	}
	if d.Message != nil {
		q.notify.Notify(ctx, ev(conversation.EventMessages, d.Message.Seq))
	}
	q.notify.Notify(ctx, ev(conversation.EventStatus, 0))
	q.notify.Notify(ctx, conversation.Event{Kind: conversation.EventQueue, Court: t.CourtCode, Owner: t.ClaimedBy})
	if prev.CourtCode != t.CourtCode || prev.ClaimedBy != t.ClaimedBy {
		// The ticket left a court's queue or a judge's hands: they reread theirs too.
		q.notify.Notify(ctx, conversation.Event{Kind: conversation.EventQueue, Court: prev.CourtCode, Owner: prev.ClaimedBy})
	}
	return d, nil
}

func (q *Queue) scope(j Judge) *Scope {
	sc := q.ScopeOf(j)
	return &sc
}

// Claim gives a waiting ticket to the judge. Of several judges claiming at once exactly one wins;
// the others get ErrAlreadyClaimed. A judge at capacity gets ErrAtCapacity.
func (q *Queue) Claim(ctx context.Context, j Judge, id int64) (Ticket, error) {
	t, err := q.ticketFor(ctx, j, id)
	if err != nil {
		return t, err
	}
	if e, refused := Refusal(RuleClaim, ActorOf(j), t); refused {
		return t, e
	}
	capacity := 0 // admins helping out are not limited
	if !j.Admin {
		if j.Capacity <= 0 {
			return t, CapacityRefusal(RuleClaim, t, j.Capacity)
		}
		capacity = j.Capacity
	}
	from := []State{StateWaiting}
	d, err := q.apply(ctx, q.scope(j), t, Transition{TicketID: id, Action: RuleClaim, Actor: ActorOf(j), To: StateClaimed, ClaimedBy: j.ID, Mode: conversation.ModeWithJudge,
		Capacity: capacity,
		Message:  systemMessage(t.ConversationID, j.Name+"已接手您的问题，请稍候，法官会在这里直接答复您。"),
		Event:    q.event(j, ActionClaim, from, StateClaimed, "")})
	return d.Ticket, err
}

// ReturnStale returns to the queue every claimed ticket whose judge has not replied within the
// claim timeout, counted in working hours. Several replicas may run it: the conditional update
// lets each ticket return once.
func (q *Queue) ReturnStale(ctx context.Context) (int, error) {
	now := q.now()
	// Any claim older than this in plain time may have passed its working-time limit; the exact
	// check is made per ticket below.
	cands, err := q.st.StaleClaims(ctx, now.Add(-q.pol.ClaimTimeout))
	if err != nil {
		return 0, err
	}
	n := 0
	system := Judge{Name: "系统"}
	for _, t := range cands {
		since := t.ClaimedAt
		if t.LastReplyAt.After(since) {
			continue // the store filters these; a reply may have landed since
		}
		if q.Calendar().Working(since, now) <= q.pol.ClaimTimeout {
			continue
		}
		_, err := q.apply(ctx, nil, t, Transition{TicketID: t.ID, Action: RuleAutoReturn, Actor: Actor{System: true, Holder: t.ClaimedBy}, To: StateWaiting,
			Mode:    conversation.ModeWaiting,
			Message: systemMessage(t.ConversationID, "原接手法官暂时未能答复，您的问题已重新进入排队，将由其他法官尽快接手。"),
			Event: TicketEvent{At: now, Actor: system.Name, Action: ActionAutoReturn, From: StateClaimed, To: StateWaiting,
				Reason: fmt.Sprintf("接手后 %s 个工作小时内未答复，自动退回队列", trimFloat(q.pol.ClaimTimeout.Hours()))}})
		if err == nil {
			n++
		} else if !errors.Is(err, knowledge.ErrConflict) {
			return n, err
		}
	}
	return n, nil
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", f), "0"), ".")
}
