package report

import (
	"context"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// rows is a fixed period of data; the store's implementation is tested by the server tests.
type rows struct {
	answered []Answered
	web      []Answered
	tickets  []TicketRow
	visits   []VisitRow
}

func (r rows) HTTPAsksBetween(context.Context, time.Time, time.Time) ([]Answered, error) {
	return r.web, nil
}
func (r rows) VisitsDoneBetween(context.Context, time.Time, time.Time) ([]VisitRow, error) {
	return r.visits, nil
}

func (r rows) AnsweredBetween(context.Context, time.Time, time.Time) ([]Answered, error) {
	return r.answered, nil
}
func (r rows) TicketsBetween(context.Context, time.Time, time.Time) ([]TicketRow, error) {
	return r.tickets, nil
}

// bigrams stands in for the search analysis (index.KeyTerms): bigrams without the framing words.
func bigrams(s string) []string {
	stop := map[string]bool{"怎么": true, "么办": true, "么算": true, "了怎": true, "我们": true}
	rs := []rune(s)
	var out []string
	for i := 0; i+1 < len(rs); i++ {
		if t := string(rs[i : i+2]); !stop[t] {
			out = append(out, t)
		}
	}
	return out
}

func TestGapGroupingOnKnownQuestions(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, cst)
	unc := func(q string) Answered {
		return Answered{At: at, Question: q, Intent: answer.IntentEscalate, Reason: answer.ReasonUncovered, Confidence: 0.1}
	}
	data := rows{answered: []Answered{
		unc("海关说我们商品归类错了要补税"),
		unc("海关补税罚款怎么申辩"),
		unc("进口货物被海关扣了怎么办"),
		unc("反倾销调查怎么应诉"),
		unc("美国发起反倾销调查了"),
		{At: at, Question: "加班费怎么算", Intent: answer.IntentAnswer, Confidence: 0.8, Feedback: -1},
		{At: at, Question: "加班费基数", Intent: answer.IntentAnswer, Confidence: 0.9},  // a good answer: not a gap
		{At: at, Question: "竞业限制补偿", Intent: answer.IntentAnswer, Confidence: 0.2}, // low confidence
		{At: at, Question: "你好", Intent: answer.IntentSmalltalk, Confidence: 1},
	}}
	s := New(data, escalation.DefaultCalendar, 4*time.Hour, bigrams)
	gaps, err := s.Gaps(context.Background(), at, at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps) < 3 {
		t.Fatalf("gaps %+v", gaps)
	}
	if gaps[0].Term != "海关" || gaps[0].Count != 3 || gaps[0].Uncovered != 3 || len(gaps[0].Examples) != 3 {
		t.Fatalf("largest group %+v", gaps[0])
	}
	if gaps[1].Count != 2 || (gaps[1].Term != "反倾" && gaps[1].Term != "倾销") {
		t.Fatalf("second group %+v", gaps[1])
	}
	total := 0
	for _, g := range gaps {
		total += g.Count
		if g.Term == "加班" && g.Unhelpful != 1 {
			t.Fatalf("unhelpful not counted: %+v", g)
		}
	}
	if total != 7 {
		t.Fatalf("%d gap questions grouped, want 7 (the good answer and the greeting are not gaps)", total)
	}
}

func TestActivityAndResponseTimes(t *testing.T) {
	mon := time.Date(2026, 3, 2, 9, 0, 0, 0, cst)
	data := rows{
		answered: []Answered{
			{At: mon, Intent: answer.IntentAnswer, Category: "enforcement"},
			{At: mon, Intent: answer.IntentEscalate, Reason: answer.ReasonUrgent},
			{At: mon, Intent: answer.IntentAnswer, Category: "labor"},
			{At: mon, Intent: answer.IntentSmalltalk},
		},
		tickets: []TicketRow{
			{Court: "沈阳市中级人民法院", JudgeID: 1, Judge: "李法官", Enterprise: "A", CreatedAt: mon, FirstResponseAt: mon.Add(2 * time.Hour)},
			// Friday 16:00 → Monday 12:00 is 4 working hours: within the target.
			{Court: "沈阳市中级人民法院", JudgeID: 1, Judge: "李法官", Enterprise: "A",
				CreatedAt: mon.Add(-65 * time.Hour), FirstResponseAt: mon.Add(3 * time.Hour)},
			{Court: "大连市中级人民法院", Enterprise: "B", CreatedAt: mon},
		},
	}
	s := New(data, escalation.DefaultCalendar, 4*time.Hour, bigrams)
	a, err := s.Activity(context.Background(), mon, mon.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if a.Questions != 3 || a.Escalated != 3 || a.Answered != 2 || a.Enterprises != 2 || a.Enforcement != 2 {
		t.Fatalf("activity %+v", a)
	}
	j, err := s.Judges(context.Background(), mon, mon.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(j.ByJudge) != 1 || j.ByJudge[0].Responded != 2 || j.ByJudge[0].WithinTarget != 2 || j.ByJudge[0].AvgHours != 3 {
		t.Fatalf("by judge %+v", j.ByJudge)
	}
	if len(j.ByCourt) != 2 || j.ByCourt[0].Court != "大连市中级人民法院" || j.ByCourt[0].Responded != 0 {
		t.Fatalf("by court %+v", j.ByCourt)
	}
}
