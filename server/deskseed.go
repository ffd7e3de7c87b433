package main

import (
	"context"
	"errors"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/seed"
)

// Markers that a starter set was offered once, so that an admin who later clears the calendar's
// holidays or deletes every quick reply does not see them come back on the next start.
const (
	seededCalendarKey = "seed.calendar"
	seededCannedKey   = "seed.canned"
)

// seedDesk presets what a court needs on its first day: the 2026 public holidays and 调休
// working days in the working calendar, and a starter set of judges' quick replies. Each is
// loaded once, only where the admins have not set anything yet.
func (a *app) seedDesk(ctx context.Context) error {
	if err := a.seedOnce(ctx, seededCalendarKey, a.seedCalendar); err != nil {
		return err
	}
	return a.seedOnce(ctx, seededCannedKey, a.seedCanned)
}

// seedOnce runs load if no start has claimed marker yet. The claim comes first, so that of several
// replicas starting at once on a fresh database only one loads; a load that fails gives the claim
// back for the next start.
func (a *app) seedOnce(ctx context.Context, marker string, load func(context.Context) error) error {
	claimed, err := a.store.ClaimMeta(ctx, marker, time.Now().UTC().Format(time.RFC3339))
	if err != nil || !claimed {
		return err
	}
	if err := load(ctx); err != nil {
		return errors.Join(err, a.store.DeleteMeta(ctx, marker))
	}
	return nil
}

// seedCalendar fills a calendar without any holiday or 调休 day (the default, or one whose hours
// alone an admin changed) with the preset of knowledge/seed/holidays.txt.
func (a *app) seedCalendar(ctx context.Context) error {
	var s escalation.CalendarSettings
	found, err := a.store.GetMetaJSON(ctx, calendarKey, &s)
	if err != nil {
		return err
	}
	if !found {
		s = escalation.DefaultCalendar().Settings()
	}
	if len(s.Holidays) > 0 || len(s.MakeupDays) > 0 {
		return nil
	}
	s.Holidays, s.MakeupDays = seed.Holidays()
	if _, err := s.Build(); err != nil {
		return err
	}
	if err := a.store.SetMetaJSON(ctx, calendarKey, s); err != nil {
		return err
	}
	a.log.Info("working calendar preset", "holidays", len(s.Holidays), "makeup_days", len(s.MakeupDays))
	return nil
}

// seedCanned loads the starter quick replies when there are none.
func (a *app) seedCanned(ctx context.Context) error {
	existing, err := a.store.CannedReplies(ctx)
	if err != nil || len(existing) > 0 {
		return err
	}
	for _, r := range seed.CannedReplies() {
		c := escalation.CannedReply{Title: r.Title, Body: r.Body, UpdatedBy: "seed"}
		if err := c.Validate(); err != nil {
			return err
		}
		if _, err := a.store.SaveCannedReply(ctx, c); err != nil {
			return err
		}
	}
	a.log.Info("starter quick replies loaded", "replies", len(seed.CannedReplies()))
	return nil
}
