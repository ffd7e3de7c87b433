package report

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// The court's report has one row per court and month, a no-court row for questions never sent to
// a court (HTTP asks among them), visits and the enterprises they served, and a total whose
// enterprise count does not double-count an enterprise seen in two months.
func TestActivityPerCourtPerMonth(t *testing.T) {
	oct := time.Date(2026, 10, 30, 10, 0, 0, 0, cst)
	nov := time.Date(2026, 11, 3, 10, 0, 0, 0, cst)
	const sy, dl = "沈阳市中级人民法院", "大连市中级人民法院"
	data := rows{
		answered: []Answered{
			{At: oct, Intent: answer.IntentAnswer, Category: "labor", Court: sy},
			{At: nov, Intent: answer.IntentEscalate, Reason: answer.ReasonUrgent, Court: sy},
			{At: nov, Intent: answer.IntentAnswer, Category: "contract"},
			{At: nov, Intent: answer.IntentSmalltalk},
		},
		web: []Answered{
			{At: nov, Intent: answer.IntentAnswer, Category: "enforcement"},
			{At: nov, Intent: answer.IntentOutOfScope},
		},
		tickets: []TicketRow{
			{Court: sy, Enterprise: "A", CreatedAt: oct, FirstResponseAt: oct.Add(time.Hour)},
			{Court: sy, Enterprise: "A", CreatedAt: nov},
		},
		visits: []VisitRow{
			{Court: sy, Date: "2026-11-20", Enterprise: "A"},
			{Court: dl, Date: "2026-11-21", Enterprise: "B"},
		},
	}
	s := New(data, escalation.DefaultCalendar, 4*time.Hour, bigrams)
	a, err := s.Activity(context.Background(), oct.AddDate(0, 0, -29), nov.AddDate(0, 0, 28))
	if err != nil {
		t.Fatal(err)
	}
	got := a.CSV()
	want := [][]string{
		{"月份", "法院", "咨询量", "转法官数", "已答复数", "服务企业数", "走访次数", "涉企执行类咨询数"},
		{"2026-10", sy, "1", "1", "1", "1", "0", "0"},
		{"2026-11", dl, "0", "0", "0", "1", "1", "0"},
		{"2026-11", sy, "1", "1", "0", "1", "1", "1"},
		{"2026-11", NoCourt, "2", "0", "0", "0", "0", "1"},
		{"2026-10-01 至 2026-12-01", "合计", "4", "2", "1", "2", "2", "2"},
	}
	if len(got) != len(want) {
		t.Fatalf("csv rows:\n%v", got)
	}
	for i := range want {
		if strings.Join(got[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("row %d = %v, want %v", i, got[i], want[i])
		}
	}
}
