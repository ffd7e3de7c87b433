// Package retention deletes what enterprises told the service once it is older than the retention
// period: conversations, their messages and their resolved tickets with the intake forms. A ticket
// that is still open is never deleted, nor the conversation it belongs to, however old. The audit
// log and each ticket's audit trail stay, and the reports keep their figures: the store archives
// what they count, without the text, before it deletes (knowledge/store, migration 0012).
package retention

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultDays is the retention period when none is configured.
const DefaultDays = 180

// Result is what one purge removed and kept.
type Result struct {
	Cutoff        time.Time `json:"cutoff"`
	Conversations int       `json:"conversations"`
	Messages      int       `json:"messages"`
	Tickets       int       `json:"tickets"`
	// KeptOpen counts conversations older than the cutoff that stay because a ticket on them is
	// still open (or was resolved after the cutoff).
	KeptOpen int       `json:"kept_open"`
	DryRun   bool      `json:"dry_run,omitempty"`
	At       time.Time `json:"at"`
	By       string    `json:"by"`
}

// Store is the persistence a purge needs; knowledge/store implements it.
type Store interface {
	// Purge archives what the reports count and deletes every conversation whose last activity is
	// before cutoff and whose tickets are all resolved before cutoff: its messages, tickets and
	// ticket notes. Replicas may call it at once; each row goes once.
	Purge(ctx context.Context, cutoff time.Time) (Result, error)
	// PurgeCandidates counts what Purge would delete, without deleting.
	PurgeCandidates(ctx context.Context, cutoff time.Time) (Result, error)
	// ClaimDay records that the daily purge of day (YYYY-MM-DD) has started; it returns true to
	// exactly one caller per day across every replica sharing the store.
	ClaimDay(ctx context.Context, day string) (bool, error)
	Audit(ctx context.Context, actor, action, target, detail string) error
	GetMetaJSON(ctx context.Context, key string, v any) (bool, error)
	SetMetaJSON(ctx context.Context, key string, v any) error
}

// ErrTooShort refuses a purge of everything but the last hours: almost certainly a typo.
var ErrTooShort = errors.New("retention period must be at least one day")

// Service applies a retention period.
type Service struct {
	st    Store
	days  int
	daily bool
	now   func() time.Time
}

// New builds the service. days is the configured period, 0 for keeping everything; daily says
// whether serve runs the purge by itself once a day.
func New(st Store, days int, daily bool) *Service {
	return &Service{st: st, days: days, daily: daily, now: time.Now}
}

// SetClock replaces the time source; tests use it.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Days is the configured period; 0 keeps everything.
func (s *Service) Days() int { return s.days }

const lastKey = "retention.last_purge"

// Purge deletes what is older than olderThan and records the run in the audit log. With dryRun
// it only counts.
func (s *Service) Purge(ctx context.Context, olderThan time.Duration, by string, dryRun bool) (Result, error) {
	if olderThan < 24*time.Hour {
		return Result{}, ErrTooShort
	}
	now := s.now()
	cutoff := now.Add(-olderThan)
	if dryRun {
		r, err := s.st.PurgeCandidates(ctx, cutoff)
		r.Cutoff, r.DryRun, r.At, r.By = cutoff, true, now, by
		return r, err
	}
	r, err := s.st.Purge(ctx, cutoff)
	r.Cutoff, r.At, r.By = cutoff, now, by
	if err != nil {
		return r, err
	}
	detail := fmt.Sprintf("早于 %s：删除会话 %d 个、消息 %d 条、工单 %d 个；因工单未结束保留会话 %d 个",
		cutoff.In(cst).Format("2006-01-02 15:04"), r.Conversations, r.Messages, r.Tickets, r.KeptOpen)
	if err := s.st.Audit(ctx, by, "retention.purge", fmt.Sprintf("%d 天", int(olderThan/(24*time.Hour))), detail); err != nil {
		return r, err
	}
	return r, s.st.SetMetaJSON(ctx, lastKey, r)
}

var cst = time.FixedZone("CST", 8*3600)

// RunDaily purges with the configured period when this replica is the first to claim today (China
// time). It returns ran false when retention is off, the daily purge is off, or another replica
// has today's run.
func (s *Service) RunDaily(ctx context.Context) (Result, bool, error) {
	if s.days <= 0 || !s.daily {
		return Result{}, false, nil
	}
	ok, err := s.st.ClaimDay(ctx, s.now().In(cst).Format("2006-01-02"))
	if err != nil || !ok {
		return Result{}, false, err
	}
	r, err := s.Purge(ctx, time.Duration(s.days)*24*time.Hour, "system", false)
	return r, true, err
}

// Status is what the admin console shows.
type Status struct {
	Days      int     `json:"days"`
	Daily     bool    `json:"daily_purge"`
	LastPurge *Result `json:"last_purge,omitempty"`
}

// Status reports the configuration and the last purge.
func (s *Service) Status(ctx context.Context) (Status, error) {
	st := Status{Days: s.days, Daily: s.daily && s.days > 0}
	var last Result
	found, err := s.st.GetMetaJSON(ctx, lastKey, &last)
	if err != nil {
		return st, err
	}
	if found {
		st.LastPurge = &last
	}
	return st, nil
}

// ParseAge reads a period such as 180d, 26w or 4320h.
func ParseAge(s string) (time.Duration, error) {
	var n int
	var unit string
	if _, err := fmt.Sscanf(s, "%d%s", &n, &unit); err == nil && n > 0 {
		switch unit {
		case "d":
			return time.Duration(n) * 24 * time.Hour, nil
		case "w":
			return time.Duration(n) * 7 * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q: use days (180d), weeks (26w) or hours (4320h)", s)
	}
	return d, nil
}
