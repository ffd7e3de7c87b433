package visit

import (
	"errors"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Status is where a visit request stands.
type Status string

// Statuses. requested → date_proposed → confirmed → done is the usual path; the requester may
// answer a proposed date with another (counter_proposed), which the court confirms or answers
// with a new proposal. The court may decline an open request and either side may cancel one that
// is not done.
const (
	StatusRequested       Status = "requested"
	StatusDateProposed    Status = "date_proposed"
	StatusCounterProposed Status = "counter_proposed"
	StatusConfirmed       Status = "confirmed"
	StatusDone            Status = "done"
	StatusDeclined        Status = "declined"
	StatusCancelled       Status = "cancelled"
)

// Name is the Chinese label the requester and the consoles show.
func (s Status) Name() string {
	switch s {
	case StatusRequested:
		return "已收到"
	case StatusDateProposed:
		return "法院已提议日期"
	case StatusCounterProposed:
		return "已提议其他日期"
	case StatusConfirmed:
		return "已确认"
	case StatusDone:
		return "已完成"
	case StatusDeclined:
		return "未能安排"
	case StatusCancelled:
		return "已取消"
	}
	return ""
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s.Name() != "" }

// Open reports whether the request still waits for something.
func (s Status) Open() bool {
	return s == StatusRequested || s == StatusDateProposed || s == StatusCounterProposed || s == StatusConfirmed
}

// Side is who acts: the requester (through their conversation token) or the court (an admin, or
// a judge with the visits permission).
type Side string

// Sides.
const (
	SideRequester Side = "requester"
	SideCourt     Side = "court"
)

// Action is a step of the flow.
type Action string

// Actions.
const (
	ActionPropose  Action = "propose"  // court: accept the request and propose a date with judges
	ActionAccept   Action = "accept"   // requester: accept the court's date
	ActionCounter  Action = "counter"  // requester: propose another date
	ActionConfirm  Action = "confirm"  // court: confirm the requester's date
	ActionDecline  Action = "decline"  // court: cannot arrange it
	ActionCancel   Action = "cancel"   // either side
	ActionComplete Action = "complete" // court: the visit took place; record the summary
)

// rule is one row of the state table.
type rule struct {
	from   Status
	action Action
	side   Side
	to     Status
}

// table is every allowed transition. Anything not listed is refused with ErrTransition.
var table = []rule{
	{StatusRequested, ActionPropose, SideCourt, StatusDateProposed},
	{StatusRequested, ActionDecline, SideCourt, StatusDeclined},
	{StatusRequested, ActionCancel, SideRequester, StatusCancelled},

	{StatusDateProposed, ActionAccept, SideRequester, StatusConfirmed},
	{StatusDateProposed, ActionCounter, SideRequester, StatusCounterProposed},
	{StatusDateProposed, ActionPropose, SideCourt, StatusDateProposed},
	{StatusDateProposed, ActionDecline, SideCourt, StatusDeclined},
	{StatusDateProposed, ActionCancel, SideRequester, StatusCancelled},

	{StatusCounterProposed, ActionConfirm, SideCourt, StatusConfirmed},
	{StatusCounterProposed, ActionPropose, SideCourt, StatusDateProposed},
	{StatusCounterProposed, ActionDecline, SideCourt, StatusDeclined},
	{StatusCounterProposed, ActionCancel, SideRequester, StatusCancelled},

	{StatusConfirmed, ActionComplete, SideCourt, StatusDone},
	{StatusConfirmed, ActionCancel, SideRequester, StatusCancelled},
	{StatusConfirmed, ActionCancel, SideCourt, StatusCancelled},
}

// ErrTransition is the sentinel of a refused step. It matches knowledge.ErrConflict too, since
// a refused step usually means the request moved on meanwhile.
var ErrTransition = errors.New("visit transition refused")

// TransitionError names the rule that refused a step.
type TransitionError struct {
	From   Status
	Action Action
	Side   Side
	// Rule is the refusal in Chinese, for the person who tried.
	Rule string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%v: %s may not %s a %s request: %s", ErrTransition, e.Side, e.Action, e.From, e.Rule)
}

// Is makes errors.Is match ErrTransition and knowledge.ErrConflict.
func (e *TransitionError) Is(target error) bool {
	return target == ErrTransition || target == knowledge.ErrConflict
}

// Next returns the status that action by side moves from to, or a *TransitionError naming why not.
func Next(from Status, action Action, side Side) (Status, error) {
	for _, r := range table {
		if r.from == from && r.action == action && r.side == side {
			return r.to, nil
		}
	}
	return "", &TransitionError{From: from, Action: action, Side: side, Rule: refusal(from, action, side)}
}

// refusal explains in Chinese which rule a refused step broke.
func refusal(from Status, action Action, side Side) string {
	sideOK := false
	for _, r := range table {
		if r.action == action && r.side == side {
			sideOK = true
		}
	}
	switch {
	case !sideOK && side == SideRequester:
		return "该操作只能由法院办理"
	case !sideOK:
		return "该操作只能由申请单位办理"
	case from == StatusDone || from == StatusDeclined || from == StatusCancelled:
		return "该申请" + from.Name() + "，不能再变更"
	case action == ActionAccept:
		return "只有法院提议日期后才能接受日期"
	case action == ActionCounter:
		return "只有法院提议日期后才能提议其他日期"
	case action == ActionConfirm:
		return "只有申请单位提议了其他日期时才需要确认"
	case action == ActionComplete:
		return "走访日期确认后才能记录走访情况"
	case action == ActionPropose:
		return "已确认的走访不能再提议日期，如需改期请先取消"
	case action == ActionCancel && side == SideCourt:
		return "尚未确认的申请请以“无法安排”答复"
	}
	return "当前状态（" + from.Name() + "）不允许该操作"
}
