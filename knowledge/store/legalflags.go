package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/statute"
)

// Legal-basis flag kinds.
const (
	FlagAmended  = "amended"
	FlagRepealed = "repealed"
)

// LegalFlag marks a cited document, or one article of it, as amended or repealed, so that the
// articles citing it get reviewed. It names its target by title, not by an imported version: a
// document need not be in the statute library to be flagged.
type LegalFlag struct {
	ID        int64       `json:"id"`
	Title     string      `json:"title"`   // as the admin gave it, or the imported document's full title
	Article   statute.Key `json:"article"` // zero: the whole document
	Kind      string      `json:"kind"`
	Note      string      `json:"note"`
	CreatedAt time.Time   `json:"created_at"`
	CreatedBy string      `json:"created_by"`
	ClearedAt time.Time   `json:"cleared_at,omitzero"`
	ClearedBy string      `json:"cleared_by,omitempty"`
}

// Citation writes the flag's target as a citation: 《中华人民共和国劳动合同法》第四十七条.
func (f LegalFlag) Citation() string {
	s := "《" + f.Title + "》"
	if f.Article.Number > 0 {
		s += f.Article.Label()
	}
	return s
}

// Matches reports whether a citation falls under the flag. A whole-document flag covers every
// citation of the document, by name or by article; an article flag only that article's (any of
// its paragraphs). Titles compare as statute.TitleKey does, so the short and full names match.
func (f LegalFlag) Matches(c statute.Citation) bool {
	if statute.TitleKey(c.Title) != statute.TitleKey(f.Title) {
		return false
	}
	return f.Article.Number == 0 || c.Article == f.Article
}

// Validate checks what the store relies on; the library parses what admins type before this.
func (f LegalFlag) Validate() error {
	v := &knowledge.ValidationError{}
	if n := utf8.RuneCountInString(strings.TrimSpace(f.Title)); n == 0 || n > 120 {
		v.Add("", "title", "文件名称须为 1–120 个字")
	}
	if f.Article.Number < 0 || f.Article.Number > statute.MaxNumber || (f.Article.Number == 0 && f.Article.Suffix != "") {
		v.Add("", "article", "条号无效")
	}
	if f.Kind != FlagAmended && f.Kind != FlagRepealed {
		v.Add("", "kind", "类型须为 amended（已修改）或 repealed（已废止）")
	}
	if utf8.RuneCountInString(f.Note) > 500 {
		v.Add("", "note", "说明不能超过 500 个字")
	}
	return v.Err()
}

// AddLegalFlag stores a new flag; knowledge.ErrConflict when the same target is already flagged.
func (s *Store) AddLegalFlag(ctx context.Context, f LegalFlag) (LegalFlag, error) {
	if err := f.Validate(); err != nil {
		return f, err
	}
	f.CreatedAt = fromMillis(s.millis())
	f.ClearedAt, f.ClearedBy = time.Time{}, ""
	err := s.w.QueryRowContext(ctx, s.d.Rebind(`INSERT INTO legal_flags (title_key, title, number, suffix, kind,
		note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		statute.TitleKey(f.Title), f.Title, f.Article.Number, f.Article.Suffix, f.Kind, f.Note,
		f.CreatedAt.UnixMilli(), f.CreatedBy).Scan(&f.ID)
	if err != nil && s.d.IsUniqueViolation(err) {
		return f, fmt.Errorf("%s is already flagged: %w", f.Citation(), knowledge.ErrConflict)
	}
	return f, err
}

const legalFlagCols = `id, title, number, suffix, kind, note, created_at, created_by, cleared_at, cleared_by`

func scanLegalFlag(sc scanner) (LegalFlag, error) {
	var f LegalFlag
	var created, cleared int64
	err := sc.Scan(&f.ID, &f.Title, &f.Article.Number, &f.Article.Suffix, &f.Kind, &f.Note, &created,
		&f.CreatedBy, &cleared, &f.ClearedBy)
	f.CreatedAt, f.ClearedAt = fromMillis(created), fromMillis(cleared)
	return f, err
}

// LegalFlags lists the flags in force, oldest first.
func (s *Store) LegalFlags(ctx context.Context) ([]LegalFlag, error) {
	rows, err := s.query(ctx, `SELECT `+legalFlagCols+` FROM legal_flags WHERE cleared_at = 0 ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LegalFlag
	for rows.Next() {
		f, err := scanLegalFlag(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ClearLegalFlag lifts a flag in force and returns it as cleared; knowledge.ErrNotFound when
// there is no such flag or it was already cleared. The row stays as history.
func (s *Store) ClearLegalFlag(ctx context.Context, id int64, by string) (LegalFlag, error) {
	var f LegalFlag
	err := s.tx(ctx, func(t *Tx) error {
		var err error
		f, err = scanLegalFlag(t.queryRow(ctx, `SELECT `+legalFlagCols+` FROM legal_flags
			WHERE id = ? AND cleared_at = 0`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("legal flag %d: %w", id, knowledge.ErrNotFound)
		}
		if err != nil {
			return err
		}
		now := s.millis()
		res, err := t.exec(ctx, `UPDATE legal_flags SET cleared_at = ?, cleared_by = ? WHERE id = ? AND cleared_at = 0`,
			now, by, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("legal flag %d cleared concurrently: %w", id, knowledge.ErrNotFound)
		}
		f.ClearedAt, f.ClearedBy = fromMillis(now), by
		return nil
	})
	return f, err
}

// StatuteDocument is one imported version as the console lists it, with who imported it.
type StatuteDocument struct {
	ID           int64     `json:"id"`
	Title        string    `json:"title"`
	ShortTitle   string    `json:"short_title"`
	Version      string    `json:"version"`
	Source       string    `json:"source"`
	ArticleCount int       `json:"article_count"`
	Current      bool      `json:"current"`
	ImportedAt   time.Time `json:"imported_at"`
	ImportedBy   string    `json:"imported_by"`
	SupersededAt time.Time `json:"superseded_at,omitzero"`
}

// StatuteDocuments lists every imported version, the replaced ones too, by title then import.
func (s *Store) StatuteDocuments(ctx context.Context) ([]StatuteDocument, error) {
	rows, err := s.query(ctx, `SELECT id, title, short_title, version, source, article_count, is_current,
		imported_at, imported_by, superseded_at FROM statute_documents ORDER BY title_key, imported_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatuteDocument
	for rows.Next() {
		var d StatuteDocument
		var cur int
		var imported, superseded int64
		if err := rows.Scan(&d.ID, &d.Title, &d.ShortTitle, &d.Version, &d.Source, &d.ArticleCount, &cur,
			&imported, &d.ImportedBy, &superseded); err != nil {
			return nil, err
		}
		d.Current, d.ImportedAt, d.SupersededAt = cur == 1, fromMillis(imported), fromMillis(superseded)
		out = append(out, d)
	}
	return out, rows.Err()
}

// StatuteStamp changes whenever the statute library does. Imports only ever add versions, so the
// count and the highest id tell a cached statute.Resolver whether it is stale, in one cheap query,
// whichever process or replica imported.
func (s *Store) StatuteStamp(ctx context.Context) (string, error) {
	var n, maxID int64
	err := s.queryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM statute_documents`).Scan(&n, &maxID)
	return fmt.Sprintf("%d/%d", n, maxID), err
}
