package main

import (
	"context"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

const calendarKey = "queue.calendar"

// calendarSettings keeps the working-hours calendar in the store and applies it to the queue.
type calendarSettings struct {
	st    *store.Store
	queue *escalation.Queue
	// notify announces a saved change to the other replicas.
	notify conversation.Notifier
}

// loadCalendar returns the stored calendar, or the default (Monday–Friday, 09:00–17:00).
func loadCalendar(ctx context.Context, st *store.Store) (*escalation.Calendar, error) {
	var s escalation.CalendarSettings
	found, err := st.GetMetaJSON(ctx, calendarKey, &s)
	if err != nil || !found {
		return escalation.DefaultCalendar(), err
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
	if err := c.st.SetMetaJSON(ctx, calendarKey, s); err != nil {
		return err
	}
	c.queue.SetCalendar(cal)
	c.notify.Notify(ctx, conversation.Event{Kind: conversation.EventSetting, Setting: conversation.SettingCalendar})
	return nil
}
