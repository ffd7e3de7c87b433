package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge"
)

const candidateCols = `id, slug, text, source, ref, status, seen, created_at, decided_at, decided_by`

func scanCandidate(sc scanner) (knowledge.Candidate, error) {
	var c knowledge.Candidate
	var created, decided int64
	err := sc.Scan(&c.ID, &c.Slug, &c.Text, &c.Source, &c.Ref, &c.Status, &c.Seen, &created, &decided, &c.DecidedBy)
	c.CreatedAt = fromMillis(created)
	if decided > 0 {
		c.DecidedAt = fromMillis(decided)
	}
	return c, err
}

// ProposeCandidate records a candidate phrasing keyed by (slug, norm), where norm is the
// normalised wording. A pending one is counted again; an approved or rejected one keeps its
// decision. It reports whether a new candidate was created.
func (s *Store) ProposeCandidate(ctx context.Context, c knowledge.Candidate, norm string) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO candidate_phrasings (slug, text, norm, source, ref, status, seen, created_at,
		decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, 1, ?, 0, '') ON CONFLICT (slug, norm) DO NOTHING`,
		c.Slug, c.Text, norm, c.Source, c.Ref, knowledge.CandidatePending, s.millis())
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return true, nil
	}
	// Proposed before: count it again while it waits; a decision stands.
	_, err = s.exec(ctx, `UPDATE candidate_phrasings SET seen = seen + 1 WHERE slug = ? AND norm = ? AND status = ?`,
		c.Slug, norm, knowledge.CandidatePending)
	return false, err
}

// ListCandidates returns candidates with the given status (all when empty), newest first.
func (s *Store) ListCandidates(ctx context.Context, status knowledge.CandidateStatus, limit, offset int) ([]knowledge.Candidate, error) {
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	q := `SELECT ` + candidateCols + ` FROM candidate_phrasings`
	var args []any
	if status != "" {
		q += ` WHERE status = ?`
		args = append(args, status)
	}
	q += ` ORDER BY id DESC LIMIT ? OFFSET ?`
	rows, err := s.query(ctx, q, append(args, limit, max(offset, 0))...)
	return collect(rows, err, scanCandidate)
}

// GetCandidate returns one candidate.
func (s *Store) GetCandidate(ctx context.Context, id int64) (knowledge.Candidate, error) {
	c, err := scanCandidate(s.queryRow(ctx, `SELECT `+candidateCols+` FROM candidate_phrasings WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("candidate %d: %w", id, knowledge.ErrNotFound)
	}
	return c, err
}

// DecideCandidate moves a pending candidate to approved or rejected. A candidate decided already
// gives knowledge.ErrConflict, so two admins cannot both approve it.
func (s *Store) DecideCandidate(ctx context.Context, id int64, status knowledge.CandidateStatus, by string) error {
	res, err := s.exec(ctx, `UPDATE candidate_phrasings SET status = ?, decided_at = ?, decided_by = ?
		WHERE id = ? AND status = ?`, status, s.millis(), by, id, knowledge.CandidatePending)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.GetCandidate(ctx, id); err != nil {
			return err
		}
		return fmt.Errorf("candidate %d was decided already: %w", id, knowledge.ErrConflict)
	}
	return nil
}
