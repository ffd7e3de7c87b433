package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

const calendarKey = "queue.calendar"

// calendarSettings keeps the working-hours calendar in the store and applies it to the queue.
type calendarSettings struct {
	st    *store.Store
	queue *escalation.Queue
}

// loadCalendar returns the stored calendar, or the default (Monday–Friday, 09:00–17:00).
func loadCalendar(ctx context.Context, st *store.Store) (*escalation.Calendar, error) {
	v, err := st.GetMeta(ctx, calendarKey)
	if errors.Is(err, knowledge.ErrNotFound) {
		return escalation.DefaultCalendar(), nil
	}
	if err != nil {
		return nil, err
	}
	var s escalation.CalendarSettings
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return nil, err
	}
	return s.Build()
}

func (c calendarSettings) Calendar() escalation.CalendarSettings {
	return c.queue.Calendar().Settings()
}

func (c calendarSettings) SaveCalendar(ctx context.Context, s escalation.CalendarSettings) error {
	cal, err := s.Build()
	if err != nil {
		return err
	}
	b, _ := json.Marshal(s)
	if err := c.st.SetMeta(ctx, calendarKey, string(b)); err != nil {
		return err
	}
	c.queue.SetCalendar(cal)
	return nil
}
