package main

import (
	"context"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

const courtsKey = "escalation.courts"

// storedCourts returns the admins' court list from the store, or nil when none was saved.
func storedCourts(ctx context.Context, st *store.Store) ([]escalation.Court, error) {
	var list []escalation.Court
	_, err := st.GetMetaJSON(ctx, courtsKey, &list)
	return list, err
}

// courtSettings lets admins maintain the courts and regions of the intake form; the change is
// seen at once by the intake, the queue and the judge console.
type courtSettings struct {
	st     *store.Store
	courts *escalation.Courts
	// notify announces a saved change to the other replicas.
	notify conversation.Notifier
}

func (c courtSettings) Courts() []escalation.Court { return c.courts.List() }

func (c courtSettings) SaveCourts(ctx context.Context, list []escalation.Court) error {
	if _, err := escalation.NewCourts(list); err != nil {
		return err
	}
	if err := c.st.SetMetaJSON(ctx, courtsKey, list); err != nil {
		return err
	}
	if err := c.courts.Replace(list); err != nil {
		return err
	}
	c.notify.Notify(ctx, conversation.Event{Kind: conversation.EventSetting, Setting: conversation.SettingCourts})
	return nil
}
