package visit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// memStore is an in-memory Store; the real engines are covered by knowledge/store/storetest.
type memStore struct {
	visits map[int64]Visit
	users  map[int64]knowledge.User
	next   int64
}

func (m *memStore) CreateVisit(_ context.Context, v Visit) (Visit, error) {
	m.next++
	v.ID, v.Version = m.next, 1
	m.visits[v.ID] = v
	return v, nil
}

func (m *memStore) GetVisit(_ context.Context, id int64) (Visit, error) {
	v, ok := m.visits[id]
	if !ok {
		return v, knowledge.ErrNotFound
	}
	return v, nil
}

func (m *memStore) UpdateVisit(_ context.Context, v Visit) (Visit, error) {
	if m.visits[v.ID].Version != v.Version {
		return v, knowledge.ErrConflict
	}
	v.Version++
	m.visits[v.ID] = v
	return v, nil
}

func (m *memStore) ListVisits(_ context.Context, f Filter) ([]Visit, error) {
	var out []Visit
	for _, v := range m.visits {
		if (f.ConversationID == "" || f.ConversationID == v.ConversationID) && (f.CourtCodes == nil || slices.Contains(f.CourtCodes, v.CourtCode)) &&
			(f.Status == "" || f.Status == v.Status) {
			out = append(out, v)
		}
	}
	return out, nil
}

func (m *memStore) GetUser(_ context.Context, id int64) (knowledge.User, error) {
	u, ok := m.users[id]
	if !ok {
		return u, knowledge.ErrNotFound
	}
	return u, nil
}

type notices []string

func (n *notices) PostVisitNotice(_ context.Context, conv string, id int64, text string) error {
	*n = append(*n, fmt.Sprintf("%s#%d %s", conv, id, text))
	return nil
}

var now = time.Date(2026, 11, 2, 10, 0, 0, 0, cst)

func validRequest() Request {
	return Request{Kind: KindCompliance, Topics: []knowledge.Category{"labor", "contract"}, Dates: []string{"2026-11-20"},
		OrgType: OrgPark, Org: "浑南科技产业园", CreditCode: "91210100MA0P4YK21H", City: "210100",
		Address: "沈阳市浑南区创新路 100 号", Attendees: 40, Contact: "王主任", Mobile: "138 0000 0000"}
}

func newService(t *testing.T) (*Service, *memStore, *notices) {
	t.Helper()
	courts, err := escalation.NewCourts(escalation.DefaultCourts())
	if err != nil {
		t.Fatal(err)
	}
	st := &memStore{visits: map[int64]Visit{}, users: map[int64]knowledge.User{
		7: {ID: 7, DisplayName: "张法官", Role: knowledge.RoleJudge, Active: true, Court: "沈阳市中级人民法院"},
		8: {ID: 8, DisplayName: "停用法官", Role: knowledge.RoleJudge, Active: false},
	}}
	n := &notices{}
	return New(st, courts, n, func() time.Time { return now }), st, n
}

func fields(err error) []string {
	var ve *knowledge.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestRequestValidation(t *testing.T) {
	courts, _ := escalation.NewCourts(escalation.DefaultCourts())
	r := validRequest()
	r.Normalize()
	if err := r.Validate(courts, now); err != nil {
		t.Fatalf("valid request refused: %v", err)
	}
	if r.Mobile != "13800000000" {
		t.Fatalf("mobile not normalised: %q", r.Mobile)
	}
	bad := Request{Kind: "party", Topics: []knowledge.Category{"labor", "labor", "astrology"}, Dates: []string{"2026-11-02"},
		OrgType: "club", Org: "王", CreditCode: "91210100MA0P4YK21X", City: "999999", Address: "沈阳",
		Attendees: 0, Mobile: "12345"}
	bad.Normalize()
	got := fields(bad.Validate(courts, now))
	for _, want := range []string{"kind", "topics", "dates", "org_type", "org", "credit_code", "city", "address", "attendees", "contact", "mobile"} {
		if !slices.Contains(got, want) {
			t.Errorf("no error on %s; got %v", want, got)
		}
	}
	for d, ok := range map[string]bool{"2026-11-03": true, "2026-11-02": false, "2027-06-01": false, "2026-02-30": false, "11/20": false} {
		if (DateProblem(d, now) == "") != ok {
			t.Errorf("date %s: problem %q", d, DateProblem(d, now))
		}
	}
}

// TestStateTable walks every status and action for both sides: exactly the table's rows pass,
// everything else is refused with ErrTransition and a rule in Chinese.
func TestStateTable(t *testing.T) {
	allowed := map[string]Status{
		"requested/propose/court":           StatusDateProposed,
		"requested/decline/court":           StatusDeclined,
		"requested/cancel/requester":        StatusCancelled,
		"date_proposed/accept/requester":    StatusConfirmed,
		"date_proposed/counter/requester":   StatusCounterProposed,
		"date_proposed/propose/court":       StatusDateProposed,
		"date_proposed/decline/court":       StatusDeclined,
		"date_proposed/cancel/requester":    StatusCancelled,
		"counter_proposed/confirm/court":    StatusConfirmed,
		"counter_proposed/propose/court":    StatusDateProposed,
		"counter_proposed/decline/court":    StatusDeclined,
		"counter_proposed/cancel/requester": StatusCancelled,
		"confirmed/complete/court":          StatusDone,
		"confirmed/cancel/requester":        StatusCancelled,
		"confirmed/cancel/court":            StatusCancelled,
	}
	statuses := []Status{StatusRequested, StatusDateProposed, StatusCounterProposed, StatusConfirmed, StatusDone, StatusDeclined, StatusCancelled}
	actions := []Action{ActionPropose, ActionAccept, ActionCounter, ActionConfirm, ActionDecline, ActionCancel, ActionComplete}
	for _, from := range statuses {
		for _, a := range actions {
			for _, side := range []Side{SideRequester, SideCourt} {
				key := fmt.Sprintf("%s/%s/%s", from, a, side)
				to, err := Next(from, a, side)
				want, ok := allowed[key]
				var te *TransitionError
				switch {
				case ok && (err != nil || to != want):
					t.Errorf("%s: got %s, %v; want %s", key, to, err, want)
				case !ok && (!errors.Is(err, ErrTransition) || !errors.Is(err, knowledge.ErrConflict) || !errors.As(err, &te) || te.Rule == ""):
					t.Errorf("%s: not refused with a named rule: %s, %v", key, to, err)
				}
			}
		}
	}
	_, err := Next(StatusDone, ActionCancel, SideRequester)
	var te *TransitionError
	if !errors.As(err, &te) || te.Rule != "该申请已完成，不能再变更" {
		t.Fatalf("done request: %v", err)
	}
	if _, err := Next(StatusRequested, ActionAccept, SideCourt); !errors.As(err, &te) || te.Rule != "该操作只能由申请单位办理" {
		t.Fatalf("court accepting its own date: %v", err)
	}
}

func TestFlowWithCounterProposalAndPermissions(t *testing.T) {
	ctx := context.Background()
	s, _, n := newService(t)
	v, err := s.Submit(ctx, "conv-a", validRequest())
	if err != nil || v.Status != StatusRequested || v.Court != "沈阳市中级人民法院" {
		t.Fatalf("submit: %+v %v", v, err)
	}
	otherCourt := Staff{ID: 9, Name: "李法官", Court: "大连市中级人民法院", CanVisits: true}
	noPerm := Staff{ID: 7, Name: "张法官", Court: "沈阳市中级人民法院"}
	judge := Staff{ID: 10, Name: "赵庭长", Court: "沈阳市中级人民法院", CanVisits: true}
	admin := Staff{ID: 1, Name: "管理员", Admin: true}
	propose := Step{Action: ActionPropose, Date: "2026-11-18", JudgeIDs: []int64{7}, Note: "上午九点"}
	for _, u := range []Staff{otherCourt, noPerm} {
		if _, err := s.CourtAct(ctx, u, v.ID, propose); !errors.Is(err, knowledge.ErrForbidden) {
			t.Fatalf("%s proposed: %v", u.Name, err)
		}
	}
	if _, err := s.RequesterAct(ctx, "conv-b", v.ID, Step{Action: ActionCancel}); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("another conversation cancelled: %v", err)
	}
	if _, err := s.CourtAct(ctx, judge, v.ID, Step{Action: ActionPropose, Date: "2026-11-01", JudgeIDs: []int64{8}}); !slices.Equal(fields(err), []string{"date", "judges"}) {
		t.Fatalf("bad proposal: %v", err)
	}
	if v, err = s.CourtAct(ctx, judge, v.ID, propose); err != nil || v.Status != StatusDateProposed || v.Judges[0].Name != "张法官" {
		t.Fatalf("propose: %+v %v", v, err)
	}
	if v, err = s.RequesterAct(ctx, "conv-a", v.ID, Step{Action: ActionCounter, Date: "2026-11-19"}); err != nil || v.Status != StatusCounterProposed || v.Judges[0].ID != 0 {
		t.Fatalf("counter: %+v %v", v, err)
	}
	if _, err := s.RequesterAct(ctx, "conv-a", v.ID, Step{Action: ActionAccept}); !errors.Is(err, ErrTransition) {
		t.Fatalf("requester accepted own date: %v", err)
	}
	if v, err = s.CourtAct(ctx, admin, v.ID, Step{Action: ActionConfirm}); err != nil || v.Status != StatusConfirmed || v.Date != "2026-11-19" {
		t.Fatalf("confirm: %+v %v", v, err)
	}
	// The assigned judge records the summary without the permission.
	if _, err := s.CourtAct(ctx, noPerm, v.ID, Step{Action: ActionComplete, Summary: &Summary{Problems: " "}}); !slices.Equal(fields(err), []string{"summary.problems", "summary.advice"}) {
		t.Fatalf("empty summary: %v", err)
	}
	done, err := s.CourtAct(ctx, noPerm, v.ID, Step{Action: ActionComplete, Summary: &Summary{Problems: "劳动合同未续签", Advice: "建立合同到期台账"}})
	if err != nil || done.Status != StatusDone || done.Summary.By != "张法官" || done.DoneAt.IsZero() {
		t.Fatalf("complete: %+v %v", done, err)
	}
	if len(*n) != 5 || !slices.ContainsFunc(*n, func(s string) bool {
		return s == "conv-a#1 走访已确认：2026-11-19，合规体检，法官：张法官。"
	}) {
		t.Fatalf("notices %q", *n)
	}
	list, _ := s.List(ctx, otherCourt, "")
	if len(list) != 0 {
		t.Fatalf("other court lists %v", list)
	}
	for _, u := range []Staff{judge, noPerm, admin} {
		if list, _ := s.List(ctx, u, StatusDone); len(list) != 1 {
			t.Fatalf("%s lists %v", u.Name, list)
		}
	}
	if list, _ := s.List(ctx, Staff{ID: 11, Court: "沈阳市中级人民法院"}, ""); len(list) != 0 {
		t.Fatalf("court judge without permission or assignment lists %v", list)
	}
	mine, _ := s.Mine(ctx, "conv-a")
	if len(mine) != 1 || mine[0].Summary != nil {
		t.Fatalf("requester view %+v", mine)
	}
}

func TestOpenRequestsPerConversationAreBounded(t *testing.T) {
	s, _, _ := newService(t)
	for i := 0; i < MaxOpenPerConversation; i++ {
		if _, err := s.Submit(context.Background(), "conv-a", validRequest()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Submit(context.Background(), "conv-a", validRequest()); !slices.Equal(fields(err), []string{"form"}) {
		t.Fatalf("fourth open request: %v", err)
	}
}
