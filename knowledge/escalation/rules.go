package escalation

import (
	"fmt"
	"slices"
	"strings"

	"github.com/courtdesk/courtdesk/knowledge"
)

// The queue in one place: every state a ticket can be in, every action on it, who may take it
// and where it leads. The domain builds each transition's guards from this table, the store turns
// the guards into one conditional UPDATE, and a refused update is explained from the same table,
// so the rule a user reads is the rule that was applied.

// Who is a set of the parties an action is allowed to.
type Who uint8

// The parties.
const (
	ByAssigned   Who = 1 << iota // the judge holding the ticket
	ByScope                      // any judge whose courts include the ticket (or with every court)
	ByAdmin                      // an admin, holding the ticket or not
	ByEnterprise                 // the enterprise, by writing in its conversation
	BySystem                     // the service itself (the lapsed-claim sweeper)
)

// Names of the parties, for the table in docs and tests.
func (w Who) String() string {
	var out []string
	for _, p := range []struct {
		w    Who
		name string
	}{{ByAssigned, "assigned judge"}, {ByScope, "judge in scope"}, {ByAdmin, "admin"}, {ByEnterprise, "enterprise"}, {BySystem, "system"}} {
		if w&p.w != 0 {
			out = append(out, p.name)
		}
	}
	return strings.Join(out, ", ")
}

// Rule actions. They name the table's rows; the audit trail keeps its own Action* names (a
// transfer to a judge and one to a court are both "transfer" there).
const (
	RuleClaim         = "claim"
	RuleReply         = "reply"
	RuleFollowUp      = "follow_up"
	RuleReturn        = "return"
	RuleAutoReturn    = "auto_return"
	RuleTransfer      = "transfer"       // to a named judge
	RuleTransferCourt = "transfer_court" // to another court's queue
	RuleResolve       = "resolve"
	RuleNote          = "note"
	RuleAdminClose    = "admin_close" // an admin closing every open ticket of one source
)

// Rule is one row of the queue table: action by Who moves a ticket in one of From to To. To ""
// keeps the state (a note).
type Rule struct {
	Action string
	From   []State
	Who    Who
	To     State
}

// States lists every ticket state, in lifecycle order.
var States = []State{StateWaiting, StateClaimed, StateAnswered, StateResolved}

// held are the states in which a judge holds the ticket.
var held = []State{StateClaimed, StateAnswered}

// QueueRules is the queue table. An action may have several rows when who may act depends on the
// state (a waiting ticket can be sent to another court by any judge who sees it; a claimed one
// only by its judge or an admin). An enterprise writing to a waiting or claimed ticket changes
// nothing, and is no refusal; only the answered row moves the ticket.
var QueueRules = []Rule{
	{RuleClaim, []State{StateWaiting}, ByScope | ByAdmin, StateClaimed},
	{RuleReply, held, ByAssigned, StateAnswered},
	{RuleFollowUp, []State{StateAnswered}, ByEnterprise, StateClaimed},
	{RuleReturn, held, ByAssigned | ByAdmin, StateWaiting},
	{RuleAutoReturn, []State{StateClaimed}, BySystem, StateWaiting},
	{RuleTransfer, held, ByAssigned | ByAdmin, StateClaimed},
	{RuleTransferCourt, []State{StateWaiting}, ByScope | ByAdmin, StateWaiting},
	{RuleTransferCourt, held, ByAssigned | ByAdmin, StateWaiting},
	{RuleResolve, held, ByAssigned | ByAdmin, StateResolved},
	{RuleNote, States, ByAssigned | ByAdmin, ""},
	{RuleAdminClose, []State{StateWaiting, StateClaimed, StateAnswered}, ByAdmin, StateResolved},
}

// verbs are the actions in Chinese, for the refusals.
var verbs = map[string]string{
	RuleClaim: "接手", RuleReply: "答复", RuleFollowUp: "追问", RuleReturn: "退回", RuleAutoReturn: "自动退回",
	RuleTransfer: "转交", RuleTransferCourt: "转至其他法院", RuleResolve: "结束", RuleNote: "添加内部备注",
	RuleAdminClose: "关闭",
}

// Actor is who acts, as the table sees it.
type Actor struct {
	ID     int64 // the user (0: the enterprise or the system)
	Admin  bool
	System bool // the sweeper
	// Holder is the judge the system acts against (the claim that lapsed).
	Holder int64
}

// ActorOf is a judge or admin acting from the console.
func ActorOf(j Judge) Actor { return Actor{ID: j.ID, Admin: j.Admin} }

// Guard is one arm of a conditional update: the ticket is in one of States and, when Owner is
// not 0, held by Owner.
type Guard struct {
	States []State
	Owner  int64
}

// Guards are the arms under which a may take action, from the table. None means a may never.
func Guards(action string, a Actor) []Guard {
	var out []Guard
	for _, r := range QueueRules {
		if r.Action != action {
			continue
		}
		switch {
		case a.System:
			if r.Who&BySystem != 0 {
				out = append(out, Guard{States: r.From, Owner: a.Holder})
			}
		case a.Admin && r.Who&ByAdmin != 0, a.ID != 0 && r.Who&ByScope != 0:
			out = append(out, Guard{States: r.From}) // the store adds the scope
		case a.ID != 0 && r.Who&ByAssigned != 0:
			out = append(out, Guard{States: r.From, Owner: a.ID})
		case a.ID == 0 && r.Who&ByEnterprise != 0:
			out = append(out, Guard{States: r.From})
		}
	}
	return out
}

// RuleFor returns the table's row for action from state (false when there is none).
func RuleFor(action string, from State) (Rule, bool) {
	for _, r := range QueueRules {
		if r.Action == action && slices.Contains(r.From, from) {
			return r, true
		}
	}
	return Rule{}, false
}

// Allows reports whether a may take action on a ticket in state held by holder (0: nobody). The
// court scope is checked apart (Scope.Sees).
func Allows(action string, a Actor, state State, holder int64) bool {
	for _, g := range Guards(action, a) {
		if slices.Contains(g.States, state) && (g.Owner == 0 || g.Owner == holder) {
			return true
		}
	}
	return false
}

// RuleError names the rule of the queue table that refused an action. It matches its sentinel
// (ErrAlreadyClaimed, ErrAtCapacity, ErrNotTicketJudge or ErrRefused), and through it
// knowledge.ErrConflict or, for notes, knowledge.ErrForbidden.
type RuleError struct {
	Action string
	State  State // the ticket's state when refused
	// Rule is the refusal in Chinese, for the judge who tried.
	Rule string
	err  error
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("%s refused on a %s ticket: %s: %v", e.Action, e.State, e.Rule, e.err)
}

func (e *RuleError) Unwrap() error { return e.err }

// ErrRefused is the sentinel of a step the queue table does not allow.
var ErrRefused = fmt.Errorf("queue rule refused the action: %w", knowledge.ErrConflict)

// Refusal explains, from the table, why a may not take action on t: the state allows no such
// action, or it does but not by a. refused is false when the table allows it (a refusal then came
// from elsewhere, such as the court scope or the capacity).
func Refusal(action string, a Actor, t Ticket) (e *RuleError, refused bool) {
	verb := verbs[action]
	e = &RuleError{Action: action, State: t.State, err: ErrRefused}
	r, stateOK := RuleFor(action, t.State)
	switch {
	case !stateOK && action == RuleClaim && t.ClaimedBy != 0 && t.ClaimedBy == a.ID:
		e.Rule, e.err = "您已接手该工单", ErrAlreadyClaimed
	case !stateOK && action == RuleClaim && t.State != StateResolved:
		e.Rule, e.err = "该工单已被其他法官接手，只有排队中的工单可以接手", ErrAlreadyClaimed
	case !stateOK && t.State == StateResolved:
		e.Rule = "该工单已结束，不能再" + verb
	case !stateOK && t.State == StateWaiting:
		e.Rule = "该工单尚未有法官接手：请先接手，再" + verb
	case !stateOK:
		e.Rule = fmt.Sprintf("%s的工单不能%s", t.State.Name(), verb)
	case Allows(action, a, t.State, t.ClaimedBy):
		return nil, false
	case r.Who&ByAdmin != 0:
		e.Rule = "只有承办法官或管理员可以" + verb
	default:
		e.Rule = "只有承办法官可以" + verb
	}
	if action == RuleNote {
		e.err = ErrNotTicketJudge
	}
	return e, true
}

// CapacityRefusal is the refusal of a claim or transfer that would give a judge more open
// tickets than their capacity.
func CapacityRefusal(action string, t Ticket, capacity int) *RuleError {
	return &RuleError{Action: action, State: t.State, err: ErrAtCapacity,
		Rule: fmt.Sprintf("承办法官同时处理的工单已达上限（%d 件），请先处理手上的工单", capacity)}
}
