package report

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// Response is first-response performance of a court or a judge.
type Response struct {
	Court        string  `json:"court"`
	Judge        string  `json:"judge,omitempty"`
	Tickets      int     `json:"tickets"`
	Responded    int     `json:"responded"`
	WithinTarget int     `json:"within_target"`
	Share        float64 `json:"share_within_target"` // of the responded
	AvgHours     float64 `json:"avg_first_response_hours"`
	MedianHours  float64 `json:"median_first_response_hours"`
}

// Judges is response performance by court and by judge, in working hours.
type Judges struct {
	TargetHours float64    `json:"target_hours"`
	ByCourt     []Response `json:"by_court"`
	ByJudge     []Response `json:"by_judge"`
}

// Judges computes first-response times of the tickets created in the period.
func (s *Service) Judges(ctx context.Context, from, to time.Time) (Judges, error) {
	rows, err := s.src.TicketsBetween(ctx, from, to)
	if err != nil {
		return Judges{}, err
	}
	cal := s.cal()
	type acc struct {
		r     Response
		hours []float64
	}
	courts, judges := map[string]*acc{}, map[string]*acc{}
	add := func(m map[string]*acc, key, court, judge string, responded bool, h float64) {
		a := m[key]
		if a == nil {
			a = &acc{r: Response{Court: court, Judge: judge}}
			m[key] = a
		}
		a.r.Tickets++
		if responded {
			a.r.Responded++
			a.hours = append(a.hours, h)
			if h <= s.target.Hours() {
				a.r.WithinTarget++
			}
		}
	}
	for _, t := range rows {
		responded := !t.FirstResponseAt.IsZero()
		h := 0.0
		if responded {
			h = cal.Working(t.CreatedAt, t.FirstResponseAt).Hours()
		}
		add(courts, t.Court, t.Court, "", responded, h)
		if t.JudgeID != 0 {
			add(judges, t.Court+"|"+t.Judge, t.Court, t.Judge, responded, h)
		}
	}
	finish := func(m map[string]*acc) []Response {
		out := make([]Response, 0, len(m))
		for _, a := range m {
			if n := len(a.hours); n > 0 {
				sum := 0.0
				for _, h := range a.hours {
					sum += h
				}
				sort.Float64s(a.hours)
				a.r.AvgHours = round1(sum / float64(n))
				a.r.MedianHours = round1(a.hours[n/2])
				if n%2 == 0 {
					a.r.MedianHours = round1((a.hours[n/2-1] + a.hours[n/2]) / 2)
				}
				a.r.Share = float64(a.r.WithinTarget) / float64(n)
			}
			out = append(out, a.r)
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Court != out[j].Court {
				return out[i].Court < out[j].Court
			}
			return out[i].Judge < out[j].Judge
		})
		return out
	}
	return Judges{TargetHours: s.target.Hours(), ByCourt: finish(courts), ByJudge: finish(judges)}, nil
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }

// Activity is the court's summary of a period, in its own terms.
type Activity struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Questions   int    `json:"questions"`           // 咨询量
	Escalated   int    `json:"escalated"`           // 转法官数
	Answered    int    `json:"answered_by_judges"`  // 已答复数
	Enterprises int    `json:"enterprises"`         // 服务企业数 (distinct credit codes)
	Enforcement int    `json:"enforcement_related"` // 涉企执行类咨询数
}

// Activity summarises the period.
func (s *Service) Activity(ctx context.Context, from, to time.Time) (Activity, error) {
	rows, err := s.src.AnsweredBetween(ctx, from, to)
	if err != nil {
		return Activity{}, err
	}
	tickets, err := s.src.TicketsBetween(ctx, from, to)
	if err != nil {
		return Activity{}, err
	}
	a := Activity{From: from.In(cst).Format("2006-01-02"), To: to.Add(-time.Nanosecond).In(cst).Format("2006-01-02")}
	for _, r := range rows {
		if r.Intent == answer.IntentSmalltalk || r.Intent == answer.IntentOutOfScope {
			continue
		}
		a.Questions++
		if r.Category == "enforcement" || r.Reason == answer.ReasonUrgent {
			a.Enforcement++
		}
	}
	codes := map[string]bool{}
	for _, t := range tickets {
		a.Escalated++
		if !t.FirstResponseAt.IsZero() {
			a.Answered++
		}
		if t.CreditCode != "" {
			codes[t.CreditCode] = true
		}
	}
	a.Enterprises = len(codes)
	return a, nil
}

// CSV returns the activity summary as CSV rows, headed in Chinese.
func (a Activity) CSV() [][]string {
	return [][]string{
		{"统计期间", "咨询量", "转法官数", "已答复数", "服务企业数", "涉企执行类咨询数"},
		{a.From + " 至 " + a.To, strconv.Itoa(a.Questions), strconv.Itoa(a.Escalated), strconv.Itoa(a.Answered),
			strconv.Itoa(a.Enterprises), strconv.Itoa(a.Enforcement)},
	}
}
