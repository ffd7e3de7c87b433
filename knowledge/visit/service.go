package visit

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// Filter selects visits for a list.
type Filter struct {
	ConversationID string
	CourtCodes     []string // empty: every court
	Status         Status   // "": every status
}

// Store is the persistence the service needs; knowledge/store implements it on every engine.
type Store interface {
	CreateVisit(ctx context.Context, v Visit) (Visit, error)
	// GetVisit returns knowledge.ErrNotFound for an unknown id.
	GetVisit(ctx context.Context, id int64) (Visit, error)
	// UpdateVisit writes v if the stored version is still v.Version (else knowledge.ErrConflict)
	// and returns it with the next version.
	UpdateVisit(ctx context.Context, v Visit) (Visit, error)
	ListVisits(ctx context.Context, f Filter) ([]Visit, error)
	GetUser(ctx context.Context, id int64) (knowledge.User, error)
}

// Notices tells the requester in their conversation: a stored notice linked to the visit and
// pushed live to every open chat tab (conversation.Service implements it).
type Notices interface {
	PostVisitNotice(ctx context.Context, conversationID string, visitID int64, text string) error
}

// Staff is the account acting for the court.
type Staff struct {
	ID        int64
	Name      string
	Court     string // court name or code, as on the account
	Admin     bool
	CanVisits bool // the judge may handle visit requests of their court
}

// MaxOpenPerConversation bounds the open requests of one conversation, so that a script cannot
// flood a court's list through one visitor token.
const MaxOpenPerConversation = 3

var cst = time.FixedZone("CST", 8*3600)

// Service runs visit requests.
type Service struct {
	st     Store
	courts *escalation.Courts
	notify Notices
	now    func() time.Time
}

// New builds the service. now may be nil for time.Now.
func New(st Store, courts *escalation.Courts, notify Notices, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, courts: courts, notify: notify, now: now}
}

func (s *Service) today() time.Time { return s.now().In(cst) }

// Submit stores a new request of the conversation and tells the requester it was received.
func (s *Service) Submit(ctx context.Context, conversationID string, r Request) (Visit, error) {
	r.Normalize()
	if err := r.Validate(s.courts, s.today()); err != nil {
		return Visit{}, err
	}
	mine, err := s.st.ListVisits(ctx, Filter{ConversationID: conversationID})
	if err != nil {
		return Visit{}, err
	}
	open := 0
	for _, v := range mine {
		if v.Status.Open() {
			open++
		}
	}
	if open >= MaxOpenPerConversation {
		ve := &knowledge.ValidationError{}
		ve.Add("", "form", "您已有 %d 个进行中的走访申请，请等待法院答复后再提交", open)
		return Visit{}, ve
	}
	court, _ := s.courts.Lookup(r.City)
	v, err := s.st.CreateVisit(ctx, Visit{ConversationID: conversationID, Status: StatusRequested,
		CourtCode: court.Code, Court: court.Court, Request: r, Judges: []Judge{}})
	if err != nil {
		return Visit{}, err
	}
	return v, s.tell(ctx, v)
}

// Mine lists the conversation's requests, newest first, as the requester sees them.
func (s *Service) Mine(ctx context.Context, conversationID string) ([]Visit, error) {
	vs, err := s.st.ListVisits(ctx, Filter{ConversationID: conversationID})
	for i := range vs {
		vs[i] = vs[i].Public()
	}
	return vs, err
}

// Step is one action with its details.
type Step struct {
	Action   Action   `json:"-"`
	Date     string   `json:"date,omitempty"`
	JudgeIDs []int64  `json:"judges,omitempty"`
	Note     string   `json:"note,omitempty"`
	Summary  *Summary `json:"summary,omitempty"`
}

// RequesterAct is the requester's accept, counter or cancel. A visit of another conversation is
// reported as not found, so a token never learns of other requests.
func (s *Service) RequesterAct(ctx context.Context, conversationID string, id int64, st Step) (Visit, error) {
	v, err := s.st.GetVisit(ctx, id)
	if err != nil {
		return Visit{}, err
	}
	if v.ConversationID != conversationID {
		return Visit{}, fmt.Errorf("visit %d: %w", id, knowledge.ErrNotFound)
	}
	v, err = s.apply(ctx, v, SideRequester, "", st)
	return v.Public(), err
}

// mayManage: admins everywhere; judges with the permission in their own court.
func (s *Service) mayManage(u Staff, v Visit) bool {
	return u.Admin || u.CanVisits && u.Court != "" && (u.Court == v.Court || u.Court == v.CourtCode)
}

// mayView adds the judges assigned to the visit, who record its summary.
func (s *Service) mayView(u Staff, v Visit) bool { return s.mayManage(u, v) || v.Assigned(u.ID) }

// List returns the visits a staff member handles, newest first: an admin's of every court (or
// one status), a judge's of their court when they hold the permission, plus those they are
// assigned to.
func (s *Service) List(ctx context.Context, u Staff, status Status) ([]Visit, error) {
	if status != "" && !status.Valid() {
		return nil, fmt.Errorf("status %q: %w", status, knowledge.ErrInvalid)
	}
	if u.Admin {
		return s.st.ListVisits(ctx, Filter{Status: status})
	}
	out := []Visit{}
	seen := map[int64]bool{}
	if codes := s.courtCodes(u.Court); u.CanVisits && len(codes) > 0 {
		vs, err := s.st.ListVisits(ctx, Filter{CourtCodes: codes, Status: status})
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			out, seen[v.ID] = append(out, v), true
		}
	}
	// Assigned judges may come from another court; the newest requests are searched for them.
	vs, err := s.st.ListVisits(ctx, Filter{Status: status})
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if !seen[v.ID] && v.Assigned(u.ID) {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

// courtCodes returns the codes of the court-list entries whose court name or code is court.
func (s *Service) courtCodes(court string) []string {
	var out []string
	for _, c := range s.courts.List() {
		if court != "" && (c.Court == court || c.Code == court) {
			out = append(out, c.Code)
		}
	}
	return out
}

// Get returns one visit to staff who may see it; others get knowledge.ErrForbidden.
func (s *Service) Get(ctx context.Context, u Staff, id int64) (Visit, error) {
	v, err := s.st.GetVisit(ctx, id)
	if err != nil {
		return Visit{}, err
	}
	if !s.mayView(u, v) {
		return Visit{}, fmt.Errorf("visit %d: %w", id, knowledge.ErrForbidden)
	}
	return v, nil
}

// CourtAct is the court's propose, confirm, decline, cancel or complete. Completing is open to
// the assigned judges as well; the rest needs the right to manage the court's visits.
func (s *Service) CourtAct(ctx context.Context, u Staff, id int64, st Step) (Visit, error) {
	v, err := s.st.GetVisit(ctx, id)
	if err != nil {
		return Visit{}, err
	}
	allowed := s.mayManage(u, v) || st.Action == ActionComplete && v.Assigned(u.ID)
	if !allowed {
		return Visit{}, fmt.Errorf("visit %d: %s: %w", id, st.Action, knowledge.ErrForbidden)
	}
	return s.apply(ctx, v, SideCourt, u.Name, st)
}

// apply checks the step against the state table and its details, stores the result and tells
// the requester.
func (s *Service) apply(ctx context.Context, v Visit, side Side, by string, st Step) (Visit, error) {
	to, err := Next(v.Status, st.Action, side)
	if err != nil {
		return Visit{}, err
	}
	ve := &knowledge.ValidationError{}
	st.Note = strings.TrimSpace(st.Note)
	if !utf8.ValidString(st.Note) || utf8.RuneCountInString(st.Note) > MaxNoteLen {
		ve.Add("", "note", "说明不能超过 %d 个字", MaxNoteLen)
	}
	switch st.Action {
	case ActionPropose, ActionCounter:
		st.Date = strings.TrimSpace(st.Date)
		if msg := DateProblem(st.Date, s.today()); msg != "" {
			ve.Add("", "date", "%s", msg)
		}
		v.ProposedDate, v.ProposedBy = st.Date, side
		if st.Action == ActionPropose {
			judges, err := s.judges(ctx, st.JudgeIDs, ve)
			if err != nil {
				return Visit{}, err
			}
			v.Judges = judges
		}
	case ActionAccept, ActionConfirm:
		v.Date, v.ProposedDate, v.ProposedBy = v.ProposedDate, "", ""
	case ActionDecline:
		if st.Note == "" {
			ve.Add("", "note", "请说明无法安排的原因")
		}
	case ActionComplete:
		if st.Summary == nil {
			ve.Add("", "summary.problems", "请填写发现的问题")
		} else if err := st.Summary.Validate(); err != nil {
			var sv *knowledge.ValidationError
			if errors.As(err, &sv) {
				ve.Fields = append(ve.Fields, sv.Fields...)
			}
		} else {
			st.Summary.By = by
			v.Summary, v.DoneAt = st.Summary, s.now()
		}
	}
	if err := ve.Err(); err != nil {
		return Visit{}, err
	}
	if st.Action != ActionComplete {
		v.Note = st.Note
	}
	v.Status = to
	v, err = s.st.UpdateVisit(ctx, v)
	if err != nil {
		return Visit{}, err
	}
	return v, s.tell(ctx, v)
}

// judges resolves the assigned judges: one to five active judge accounts.
func (s *Service) judges(ctx context.Context, ids []int64, ve *knowledge.ValidationError) ([]Judge, error) {
	if len(ids) == 0 || len(ids) > 5 {
		ve.Add("", "judges", "请指派 1–5 名法官")
		return nil, nil
	}
	out := make([]Judge, 0, len(ids))
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		u, err := s.st.GetUser(ctx, id)
		if errors.Is(err, knowledge.ErrNotFound) || err == nil && (!u.Active || u.Role != knowledge.RoleJudge) {
			ve.Add("", "judges", "指派的法官 #%d 不存在或已停用", id)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Judge{ID: u.ID, Name: u.DisplayName})
	}
	return out, nil
}

// tell posts the requester's notice for the visit's new status.
func (s *Service) tell(ctx context.Context, v Visit) error {
	if s.notify == nil {
		return nil
	}
	return s.notify.PostVisitNotice(ctx, v.ConversationID, v.ID, NoticeText(v))
}

func judgeNames(js []Judge) string {
	names := make([]string, len(js))
	for i, j := range js {
		names[i] = j.Name
	}
	return strings.Join(names, "、")
}

// NoticeText is the line the requester reads in the conversation for the visit's status.
func NoticeText(v Visit) string {
	what := v.Request.Kind.Name()
	var b strings.Builder
	switch v.Status {
	case StatusRequested:
		fmt.Fprintf(&b, "已收到您的法官进企业申请（%s，%s）。%s将尽快答复并提议日期。", what, v.Request.Org, v.Court)
	case StatusDateProposed:
		fmt.Fprintf(&b, "%s提议于 %s 前来%s，拟派法官：%s。请接受该日期或提议其他日期。", v.Court, v.ProposedDate, what,
			judgeNames(v.Judges))
	case StatusCounterProposed:
		fmt.Fprintf(&b, "您已提议改为 %s，等待%s确认。", v.ProposedDate, v.Court)
	case StatusConfirmed:
		fmt.Fprintf(&b, "走访已确认：%s，%s，法官：%s。", v.Date, what, judgeNames(v.Judges))
	case StatusDone:
		fmt.Fprintf(&b, "%s的%s已完成，感谢您的参与。", v.Date, what)
	case StatusDeclined:
		fmt.Fprintf(&b, "很抱歉，%s暂时无法安排本次%s。", v.Court, what)
	case StatusCancelled:
		fmt.Fprintf(&b, "%s申请已取消。", what)
	}
	if v.Note != "" && v.Status != StatusDone {
		fmt.Fprintf(&b, "说明：%s", v.Note)
	}
	return b.String()
}
