package report

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// NoCourt labels the questions of conversations never sent to a court (most bot answers, and
// every HTTP ask): the court's report still counts them, in a row of their own.
const NoCourt = "未转至法院"

// ActivityRow is one court's month, or the period's total.
type ActivityRow struct {
	Month       string `json:"month"`               // YYYY-MM, China time; "" for the total
	Court       string `json:"court"`               // "" for the total
	Questions   int    `json:"questions"`           // 咨询量: chat and HTTP questions, greetings excluded
	Escalated   int    `json:"escalated"`           // 转法官数
	Answered    int    `json:"answered_by_judges"`  // 已答复数
	Enterprises int    `json:"enterprises"`         // 服务企业数: distinct enterprises of tickets and visits
	Visits      int    `json:"visits"`              // 走访次数: visits done
	Enforcement int    `json:"enforcement_related"` // 涉企执行类咨询数
}

// Activity is the court's summary of a period, in its own terms: one row per court and month,
// and the total (whose enterprise count is distinct over the whole period, not a sum).
type Activity struct {
	From string `json:"from"`
	To   string `json:"to"`
	ActivityRow
	Rows []ActivityRow `json:"rows"`
}

// Activity summarises the period.
func (s *Service) Activity(ctx context.Context, from, to time.Time) (Activity, error) {
	chat, err := s.src.AnsweredBetween(ctx, from, to)
	if err != nil {
		return Activity{}, err
	}
	web, err := s.src.HTTPAsksBetween(ctx, from, to)
	if err != nil {
		return Activity{}, err
	}
	tickets, err := s.src.TicketsBetween(ctx, from, to)
	if err != nil {
		return Activity{}, err
	}
	visits, err := s.src.VisitsDoneBetween(ctx, from, to)
	if err != nil {
		return Activity{}, err
	}
	a := Activity{From: from.In(cst).Format("2006-01-02"), To: to.Add(-time.Nanosecond).In(cst).Format("2006-01-02")}
	type key struct{ month, court string }
	rows := map[key]*ActivityRow{}
	codes := map[key]map[string]bool{}
	allCodes := map[string]bool{}
	row := func(month, court string) *ActivityRow {
		if court == "" {
			court = NoCourt
		}
		k := key{month, court}
		r := rows[k]
		if r == nil {
			r = &ActivityRow{Month: month, Court: court}
			rows[k], codes[k] = r, map[string]bool{}
		}
		return r
	}
	served := func(month, court, code string) {
		if code == "" {
			return
		}
		if court == "" {
			court = NoCourt
		}
		codes[key{month, court}][code] = true
		allCodes[code] = true
	}
	month := func(t time.Time) string { return t.In(cst).Format("2006-01") }
	for _, q := range append(chat, web...) {
		if q.Intent == answer.IntentSmalltalk || q.Intent == answer.IntentOutOfScope {
			continue
		}
		r := row(month(q.At), q.Court)
		r.Questions++
		if q.Category == "enforcement" || q.Reason == answer.ReasonUrgent {
			r.Enforcement++
		}
	}
	for _, t := range tickets {
		r := row(month(t.CreatedAt), t.Court)
		r.Escalated++
		if !t.FirstResponseAt.IsZero() {
			r.Answered++
		}
		served(r.Month, r.Court, t.Enterprise)
	}
	for _, v := range visits {
		m := v.Date
		if len(m) >= 7 {
			m = m[:7]
		}
		r := row(m, v.Court)
		r.Visits++
		served(r.Month, r.Court, v.Enterprise)
	}
	for k, r := range rows {
		r.Enterprises = len(codes[k])
		a.Rows = append(a.Rows, *r)
		a.Questions += r.Questions
		a.Escalated += r.Escalated
		a.Answered += r.Answered
		a.Visits += r.Visits
		a.Enforcement += r.Enforcement
	}
	a.Enterprises = len(allCodes)
	// Months in order; within a month the courts by name, the no-court row last.
	sort.Slice(a.Rows, func(i, j int) bool {
		x, y := a.Rows[i], a.Rows[j]
		if x.Month != y.Month {
			return x.Month < y.Month
		}
		if (x.Court == NoCourt) != (y.Court == NoCourt) {
			return y.Court == NoCourt
		}
		return x.Court < y.Court
	})
	if a.Rows == nil {
		a.Rows = []ActivityRow{}
	}
	return a, nil
}

// CSV returns the report as CSV rows headed in Chinese: one row per court per month, then the
// total of the period.
func (a Activity) CSV() [][]string {
	out := [][]string{{"月份", "法院", "咨询量", "转法官数", "已答复数", "服务企业数", "走访次数", "涉企执行类咨询数"}}
	line := func(month, court string, r ActivityRow) []string {
		return []string{month, court, strconv.Itoa(r.Questions), strconv.Itoa(r.Escalated), strconv.Itoa(r.Answered),
			strconv.Itoa(r.Enterprises), strconv.Itoa(r.Visits), strconv.Itoa(r.Enforcement)}
	}
	for _, r := range a.Rows {
		out = append(out, line(r.Month, r.Court, r))
	}
	return append(out, line(a.From+" 至 "+a.To, "合计", a.ActivityRow))
}
