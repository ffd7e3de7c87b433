package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/statute"
)

// StatuteImport says what an import did with one document.
type StatuteImport struct {
	ID       int64  `json:"id"` // the stored version
	Title    string `json:"title"`
	Version  string `json:"version"`
	Articles int    `json:"articles"`
	// Change is created (a new document), replaced (a newer version took over; the old one is
	// kept, superseded), unchanged (this exact text is already stored) or historical (older than
	// the current version: kept in the history, not made current).
	Change   string `json:"change"`
	Previous string `json:"previous,omitempty"` // replaced: the version that was current
}

// statuteRowsPerInsert keeps a multi-row INSERT well under both engines' parameter limits.
const statuteRowsPerInsert = 200

// ImportStatutes stores documents in one transaction: either all are imported or none. A
// document whose title is already stored gets a new version that becomes current, and the
// previous version stays, marked superseded.
func (s *Store) ImportStatutes(ctx context.Context, docs []statute.Document, by string) ([]StatuteImport, error) {
	if err := validateStatutes(docs); err != nil {
		return nil, err
	}
	// Oldest version first, so that of two versions in one import the newer ends up current; the
	// results keep the caller's order.
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := &docs[order[i]], &docs[order[j]]
		if ka, kb := statute.TitleKey(a.Title), statute.TitleKey(b.Title); ka != kb {
			return ka < kb
		}
		return a.Version < b.Version
	})
	out := make([]StatuteImport, len(docs))
	err := s.tx(ctx, func(t *Tx) error {
		now := s.millis()
		for _, i := range order {
			r, err := s.importStatute(ctx, t, &docs[i], by, now)
			if err != nil {
				return fmt.Errorf("%s (%s): %w", docs[i].Title, docs[i].Source, err)
			}
			out[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func validateStatutes(docs []statute.Document) error {
	v := &knowledge.ValidationError{}
	seen := map[[2]string]string{}
	for i := range docs {
		var ve *knowledge.ValidationError
		if err := docs[i].Validate(); errors.As(err, &ve) {
			v.Fields = append(v.Fields, ve.Fields...)
		}
		k := [2]string{statute.TitleKey(docs[i].Title), docs[i].Version}
		if prev, dup := seen[k]; dup {
			v.Add(docs[i].Source, "title", "《%s》（%s 版）与 %s 重复", docs[i].Title, docs[i].Version, prev)
		}
		seen[k] = docs[i].Source
	}
	return v.Err()
}

// storedVersion is what an import needs to know of a version already stored.
type storedVersion struct {
	id      int64
	version string
	digest  string
	current bool
}

func (s *Store) importStatute(ctx context.Context, t *Tx, d *statute.Document, by string, now int64) (StatuteImport, error) {
	key, digest := statute.TitleKey(d.Title), d.Digest()
	r := StatuteImport{Title: d.Title, Version: d.Version, Articles: len(d.Articles), Change: "created"}
	stored, err := storedVersions(ctx, t, key)
	if err != nil {
		return r, err
	}
	var cur *storedVersion
	for i := range stored {
		if stored[i].digest == digest {
			r.ID, r.Change = stored[i].id, "unchanged"
			return r, nil
		}
		if stored[i].current {
			cur = &stored[i]
		}
	}
	makeCurrent := cur == nil || d.Version >= cur.version
	if cur != nil && makeCurrent {
		res, err := t.exec(ctx, `UPDATE statute_documents SET is_current = 0, superseded_at = ?
			WHERE id = ? AND is_current = 1`, now, cur.id)
		if err != nil {
			return r, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return r, fmt.Errorf("replaced by a concurrent import: %w", knowledge.ErrConflict)
		}
		r.Change, r.Previous = "replaced", cur.version
	}
	supersededAt, current := int64(0), 1
	if !makeCurrent {
		// Never current: superseded the moment it arrives.
		supersededAt, current, r.Change = now, 0, "historical"
	}
	err = t.queryRow(ctx, `INSERT INTO statute_documents (title_key, title, short_title, version, source, digest,
		info, preamble, notes, article_count, is_current, imported_at, imported_by, superseded_at, in_force)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		key, d.Title, statute.ShortTitle(d.Title), d.Version, d.Source, digest, jsonList(d.Info),
		jsonList(d.Preamble), jsonValue(d.Notes), len(d.Articles), current, now, by, supersededAt, d.InForce).Scan(&r.ID)
	if err != nil {
		if s.d.IsUniqueViolation(err) {
			return r, fmt.Errorf("imported concurrently: %w", knowledge.ErrConflict)
		}
		return r, err
	}
	return r, insertStatuteArticles(ctx, t, r.ID, d.Articles)
}

func storedVersions(ctx context.Context, t *Tx, key string) ([]storedVersion, error) {
	rows, err := t.tx.QueryContext(ctx, t.d.Rebind(`SELECT id, version, digest, is_current FROM statute_documents
		WHERE title_key = ? ORDER BY id`), key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storedVersion
	for rows.Next() {
		var v storedVersion
		var cur int
		if err := rows.Scan(&v.id, &v.version, &v.digest, &cur); err != nil {
			return nil, err
		}
		v.current = cur == 1
		out = append(out, v)
	}
	return out, rows.Err()
}

// insertStatuteArticles writes a version's articles, many rows per statement: the 民法典 alone has
// over a thousand, and one round trip each would dominate an import on PostgreSQL.
func insertStatuteArticles(ctx context.Context, t *Tx, docID int64, as []statute.Article) error {
	for start := 0; start < len(as); start += statuteRowsPerInsert {
		batch := as[start:min(len(as), start+statuteRowsPerInsert)]
		var q strings.Builder
		q.WriteString(`INSERT INTO statute_articles (document_id, seq, number, suffix, label, part, chapter,
			section, paragraphs) VALUES `)
		args := make([]any, 0, len(batch)*9)
		for i, a := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, docID, start+i, a.Number, a.Suffix, a.Label, a.Part, a.Chapter, a.Section,
				jsonList(a.Paragraphs))
		}
		if _, err := t.exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("insert articles: %w", err)
		}
	}
	return nil
}

func jsonValue(v any) string {
	b, _ := json.Marshal(v)
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// StatuteVersions implements statute.Library: every stored version, oldest import first.
func (s *Store) StatuteVersions(ctx context.Context) ([]statute.Version, error) {
	rows, err := s.query(ctx, `SELECT id, title, short_title, version, source, article_count, is_current,
		imported_at, superseded_at, in_force FROM statute_documents ORDER BY imported_at, id`)
	if err != nil {
		return nil, err
	}
	var out []statute.Version
	byID := map[int64]int{}
	for rows.Next() {
		var v statute.Version
		var cur int
		var imported, superseded int64
		if err := rows.Scan(&v.ID, &v.Title, &v.ShortTitle, &v.Version, &v.Source, &v.ArticleCount, &cur,
			&imported, &superseded, &v.InForce); err != nil {
			rows.Close()
			return nil, err
		}
		v.Current, v.ImportedAt, v.SupersededAt = cur == 1, fromMillis(imported), fromMillis(superseded)
		byID[v.ID] = len(out)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	keys, err := s.query(ctx, `SELECT document_id, number, suffix FROM statute_articles ORDER BY document_id, seq`)
	if err != nil {
		return nil, err
	}
	defer keys.Close()
	for keys.Next() {
		var id int64
		var k statute.Key
		if err := keys.Scan(&id, &k.Number, &k.Suffix); err != nil {
			return nil, err
		}
		if i, ok := byID[id]; ok {
			out[i].Articles = append(out[i].Articles, k)
		}
	}
	return out, keys.Err()
}

const statuteArticleCols = `number, suffix, label, part, chapter, section, paragraphs`

func scanStatuteArticle(sc scanner) (statute.Article, error) {
	var a statute.Article
	var paras string
	if err := sc.Scan(&a.Number, &a.Suffix, &a.Label, &a.Part, &a.Chapter, &a.Section, &paras); err != nil {
		return a, err
	}
	return a, json.Unmarshal([]byte(paras), &a.Paragraphs)
}

// StatuteArticle implements statute.Library.
func (s *Store) StatuteArticle(ctx context.Context, versionID int64, k statute.Key) (statute.Article, error) {
	a, err := scanStatuteArticle(s.queryRow(ctx, `SELECT `+statuteArticleCols+` FROM statute_articles
		WHERE document_id = ? AND number = ? AND suffix = ?`, versionID, k.Number, k.Suffix))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("statute version %d %s: %w", versionID, k.Label(), knowledge.ErrNotFound)
	}
	return a, err
}

// StatuteDocument returns one stored version with its full text.
func (s *Store) StatuteDocument(ctx context.Context, versionID int64) (statute.Document, error) {
	var d statute.Document
	var info, preamble, notes string
	err := s.queryRow(ctx, `SELECT title, short_title, version, source, info, preamble, notes
		FROM statute_documents WHERE id = ?`, versionID).Scan(&d.Title, &d.ShortTitle, &d.Version, &d.Source,
		&info, &preamble, &notes)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("statute version %d: %w", versionID, knowledge.ErrNotFound)
	}
	if err != nil {
		return d, err
	}
	for _, p := range []struct {
		src string
		dst any
	}{{info, &d.Info}, {preamble, &d.Preamble}, {notes, &d.Notes}} {
		if err := json.Unmarshal([]byte(p.src), p.dst); err != nil {
			return d, fmt.Errorf("statute version %d: %w", versionID, err)
		}
	}
	rows, err := s.query(ctx, `SELECT `+statuteArticleCols+` FROM statute_articles WHERE document_id = ? ORDER BY seq`,
		versionID)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanStatuteArticle(rows)
		if err != nil {
			return d, err
		}
		d.Articles = append(d.Articles, a)
	}
	return d, rows.Err()
}
