package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

const courtsKey = "escalation.courts"

// storedCourts returns the admins' court list from the store, or nil when none was saved.
func storedCourts(ctx context.Context, st *store.Store) ([]escalation.Court, error) {
	v, err := st.GetMeta(ctx, courtsKey)
	if errors.Is(err, knowledge.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var list []escalation.Court
	if err := json.Unmarshal([]byte(v), &list); err != nil {
		return nil, err
	}
	return list, nil
}

// courtSettings lets admins maintain the courts and regions of the intake form; the change is
// seen at once by the intake, the queue and the judge console.
type courtSettings struct {
	st     *store.Store
	courts *escalation.Courts
}

func (c courtSettings) Courts() []escalation.Court { return c.courts.List() }

func (c courtSettings) SaveCourts(ctx context.Context, list []escalation.Court) error {
	if _, err := escalation.NewCourts(list); err != nil {
		return err
	}
	b, _ := json.Marshal(list)
	if err := c.st.SetMeta(ctx, courtsKey, string(b)); err != nil {
		return err
	}
	return c.courts.Replace(list)
}
