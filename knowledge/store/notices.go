package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/notice"
)

// StartVerification implements notice.Store. The lock row of each limit key is updated first, in
// key order (so two requests never wait on each other crosswise): on PostgreSQL the row lock lasts
// until commit and the counts that follow see what the previous holder committed; SQLite's single
// writer serialises anyway.
func (s *Store) StartVerification(ctx context.Context, p notice.Pending, limits []notice.Limit, now time.Time) error {
	at := now.UnixMilli()
	keys := map[string]bool{}
	for _, l := range limits {
		keys[l.Key] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	return s.tx(ctx, func(t *Tx) error {
		for _, k := range sorted {
			if _, err := t.exec(ctx, `INSERT INTO notice_locks (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, k, at); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE notice_locks SET at = ? WHERE key = ?`, at, k); err != nil {
				return err
			}
		}
		for _, l := range limits {
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM notice_code_sends WHERE key = ? AND at > ?`,
				l.Key, now.Add(-l.Window).UnixMilli()).Scan(&n); err != nil {
				return err
			}
			if n >= l.Max {
				return &notice.LimitError{Key: l.Kind, Max: l.Max, Window: l.Window}
			}
		}
		for _, k := range sorted {
			if _, err := t.exec(ctx, `INSERT INTO notice_code_sends (key, at) VALUES (?, ?)`, k, at); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, `INSERT INTO notice_codes (conversation_id, channel, contact, code_hash, expires_at, attempts)
			VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (conversation_id) DO UPDATE SET channel = excluded.channel,
			contact = excluded.contact, code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0`,
			p.ConversationID, p.Channel, p.Contact, p.CodeHash, p.ExpiresAt.UnixMilli()); err != nil {
			return err
		}
		// Asking for another contact suspends notices until that one is confirmed.
		return setConsent(ctx, t, notice.Consent{ConversationID: p.ConversationID, Channel: p.Channel, Contact: p.Contact}, at)
	})
}

func setConsent(ctx context.Context, t *Tx, c notice.Consent, at int64) error {
	verified := 0
	if c.Verified {
		verified = 1
	}
	if _, err := t.exec(ctx, `INSERT INTO notice_consents (conversation_id, channel, contact, verified, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET channel = excluded.channel,
		contact = excluded.contact, verified = excluded.verified, updated_at = excluded.updated_at`,
		c.ConversationID, c.Channel, c.Contact, verified, at); err != nil {
		return err
	}
	if !c.Active() {
		_, err := t.exec(ctx, `UPDATE notice_jobs SET state = ? WHERE conversation_id = ? AND state = ?`,
			notice.JobCancelled, c.ConversationID, notice.JobQueued)
		return err
	}
	return nil
}

// UseCodeAttempt implements notice.Store: the conditional update counts the attempt only while the
// code may still be tried, so parallel guesses cannot exceed max.
func (s *Store) UseCodeAttempt(ctx context.Context, conv string, max int, now time.Time) (notice.Pending, error) {
	var p notice.Pending
	err := s.tx(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, `UPDATE notice_codes SET attempts = attempts + 1
			WHERE conversation_id = ? AND attempts < ? AND expires_at > ?`, conv, max, now.UnixMilli())
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		var exp int64
		err = t.queryRow(ctx, `SELECT channel, contact, code_hash, expires_at, attempts FROM notice_codes WHERE conversation_id = ?`,
			conv).Scan(&p.Channel, &p.Contact, &p.CodeHash, &exp, &p.Attempts)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return notice.ErrNoCode
		case err != nil:
			return err
		}
		p.ConversationID, p.ExpiresAt = conv, fromMillis(exp)
		if n == 0 {
			if exp <= now.UnixMilli() {
				return notice.ErrCodeExpired
			}
			return notice.ErrTooManyAttempts
		}
		return nil
	})
	return p, err
}

// ConfirmContact implements notice.Store.
func (s *Store) ConfirmContact(ctx context.Context, p notice.Pending, now time.Time) error {
	return s.tx(ctx, func(t *Tx) error {
		res, err := t.exec(ctx, `DELETE FROM notice_codes WHERE conversation_id = ? AND code_hash = ?`, p.ConversationID, p.CodeHash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return notice.ErrNoCode // another request replaced the code meanwhile
		}
		return setConsent(ctx, t, notice.Consent{ConversationID: p.ConversationID, Channel: p.Channel, Contact: p.Contact, Verified: true}, now.UnixMilli())
	})
}

// SetConsent implements notice.Store.
func (s *Store) SetConsent(ctx context.Context, c notice.Consent, now time.Time) error {
	return s.tx(ctx, func(t *Tx) error {
		if c.Channel == notice.ChannelNone {
			c.Contact, c.Verified = "", false
			if _, err := t.exec(ctx, `DELETE FROM notice_codes WHERE conversation_id = ?`, c.ConversationID); err != nil {
				return err
			}
		}
		return setConsent(ctx, t, c, now.UnixMilli())
	})
}

// GetConsent implements notice.Store.
func (s *Store) GetConsent(ctx context.Context, conv string) (notice.Consent, error) {
	c := notice.Consent{ConversationID: conv, Channel: notice.ChannelNone}
	var verified int
	var at int64
	err := s.queryRow(ctx, `SELECT channel, contact, verified, updated_at FROM notice_consents WHERE conversation_id = ?`, conv).
		Scan(&c.Channel, &c.Contact, &verified, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	c.Verified, c.UpdatedAt = verified == 1, fromMillis(at)
	return c, err
}

// enqueueNotice puts a notice of ev into the outbox in the transaction of the change it reports,
// when the conversation has an active consent: the change and its notice commit together. A notice
// of the conversation still waiting (not yet taken by a sender, e.g. held for quiet hours) is
// replaced by the newer event instead, so a night's claim, reply and resolution make one SMS at
// 08:00, not three.
func enqueueNotice(ctx context.Context, t *Tx, conv string, ev notice.Event, court string, now int64) error {
	res, err := t.exec(ctx, `UPDATE notice_jobs SET event = ?, court = ? WHERE conversation_id = ? AND state = ?
		AND channel IN (SELECT channel FROM notice_consents WHERE conversation_id = ? AND verified = 1)`,
		ev, court, conv, notice.JobQueued, conv)
	if err != nil {
		return fmt.Errorf("enqueue notice: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = t.exec(ctx, `INSERT INTO notice_jobs (conversation_id, channel, contact, event, court, state, not_before, created_at)
		SELECT conversation_id, channel, contact, ?, ?, ?, ?, ? FROM notice_consents
		WHERE conversation_id = ? AND verified = 1 AND channel IN (?, ?) AND contact <> ''`,
		ev, court, notice.JobQueued, now, now, conv, notice.ChannelSMS, notice.ChannelEmail)
	if err != nil {
		return fmt.Errorf("enqueue notice: %w", err)
	}
	return nil
}

const noticeJobCols = `id, conversation_id, channel, contact, event, court, state, attempts, not_before, last_error, created_at, sent_at`

func scanJob(sc scanner) (notice.Job, error) {
	var j notice.Job
	var nb, created, sent int64
	err := sc.Scan(&j.ID, &j.ConversationID, &j.Channel, &j.Contact, &j.Event, &j.Court, &j.State, &j.Attempts,
		&nb, &j.LastError, &created, &sent)
	j.NotBefore, j.CreatedAt, j.SentAt = fromMillis(nb), fromMillis(created), fromMillis(sent)
	return j, err
}

// ClaimNotices implements notice.Store. Each candidate is taken with a conditional UPDATE that
// succeeds only while the row is still due and unleased (or its lease ran out: the worker died
// mid-send), so of several replicas exactly one takes each notice.
func (s *Store) ClaimNotices(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int) ([]notice.Job, error) {
	at := now.UnixMilli()
	rows, err := s.query(ctx, fmt.Sprintf(`SELECT id FROM notice_jobs WHERE (state = ? AND not_before <= ?)
		OR (state = ? AND claimed_until < ?) ORDER BY id LIMIT %d`, limit), notice.JobQueued, at, notice.JobSending, at)
	ids, err := collect(rows, err, func(sc scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	var out []notice.Job
	for _, id := range ids {
		res, err := s.exec(ctx, `UPDATE notice_jobs SET state = ?, claimed_by = ?, claimed_until = ?, attempts = attempts + 1
			WHERE id = ? AND ((state = ? AND not_before <= ?) OR (state = ? AND claimed_until < ?))`,
			notice.JobSending, worker, now.Add(lease).UnixMilli(), id, notice.JobQueued, at, notice.JobSending, at)
		if err != nil {
			return out, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			continue // another worker took it
		}
		j, err := scanJob(s.w.QueryRowContext(ctx, s.d.Rebind(`SELECT `+noticeJobCols+` FROM notice_jobs WHERE id = ?`), id))
		if err != nil {
			return out, err
		}
		out = append(out, j)
	}
	return out, nil
}

// FinishNotice implements notice.Store.
func (s *Store) FinishNotice(ctx context.Context, id int64, worker string, f notice.Finish, now time.Time) (bool, error) {
	var sent int64
	if f.State == notice.JobSent {
		sent = now.UnixMilli()
	}
	refund := 0
	if f.Refund {
		refund = 1
	}
	res, err := s.exec(ctx, `UPDATE notice_jobs SET state = ?, not_before = ?, last_error = ?, sent_at = ?, claimed_by = '',
		claimed_until = 0, attempts = attempts - ? WHERE id = ? AND state = ? AND claimed_by = ?`,
		f.State, toMillis(f.NotBefore), f.LastError, sent, refund, id, notice.JobSending, worker)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// NoticeStatus implements notice.Store: not consented without an active consent, else the state
// of the latest notice (pending while one waits or none was due yet).
func (s *Store) NoticeStatus(ctx context.Context, convs []string) (map[string]notice.Status, error) {
	out := make(map[string]notice.Status, len(convs))
	args := make([]any, len(convs))
	for i, c := range convs {
		out[c], args[i] = notice.StatusNone, c
	}
	rows, err := s.query(ctx, `SELECT c.conversation_id, COALESCE((SELECT j.state FROM notice_jobs j
		WHERE j.conversation_id = c.conversation_id AND j.state <> 'cancelled' ORDER BY j.id DESC LIMIT 1), '')
		FROM notice_consents c WHERE c.verified = 1 AND c.channel <> 'none' AND c.conversation_id IN (`+placeholders(len(convs))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var conv, state string
		if err := rows.Scan(&conv, &state); err != nil {
			return nil, err
		}
		switch notice.JobState(state) {
		case notice.JobSent:
			out[conv] = notice.StatusSent
		case notice.JobFailed:
			out[conv] = notice.StatusFailed
		default:
			out[conv] = notice.StatusPending
		}
	}
	return out, rows.Err()
}

// NoticeJobs lists a conversation's notices, oldest first (tests and the console's detail).
func (s *Store) NoticeJobs(ctx context.Context, conv string) ([]notice.Job, error) {
	rows, err := s.query(ctx, `SELECT `+noticeJobCols+` FROM notice_jobs WHERE conversation_id = ? ORDER BY id`, conv)
	return collect(rows, err, scanJob)
}
