package statute

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Version is one imported version of a document, described without its text.
type Version struct {
	ID           int64     `json:"id"`
	Title        string    `json:"title"`
	ShortTitle   string    `json:"short_title"`
	Version      string    `json:"version"`
	Source       string    `json:"source"`
	Articles     []Key     `json:"-"` // every article's key, in document order
	ArticleCount int       `json:"article_count"`
	Current      bool      `json:"current"`
	InForce      string    `json:"in_force,omitempty"` // YYYY-MM-DD; "" for imports before it was recorded
	ImportedAt   time.Time `json:"imported_at"`
	SupersededAt time.Time `json:"superseded_at,omitzero"` // when a newer import replaced it
}

// Library is what the statute package needs from storage; the store implements it.
type Library interface {
	// StatuteVersions lists every imported version of every document, the replaced ones too.
	StatuteVersions(ctx context.Context) ([]Version, error)
	// StatuteArticle returns one article of one version; knowledge.ErrNotFound when missing.
	StatuteArticle(ctx context.Context, versionID int64, k Key) (Article, error)
}

// Status is the outcome of resolving one citation.
type Status string

// Resolution statuses. Only a numbered citation that does not resolve is a problem: a citation
// by name only of a document not imported is ordinary text.
const (
	StatusResolved        Status = "resolved"
	StatusUnknownDocument Status = "unknown_document"
	StatusOutOfRange      Status = "out_of_range"
	StatusSuperseded      Status = "superseded"
)

// Resolution is what a citation points at.
type Resolution struct {
	Citation  Citation `json:"citation"`
	Status    Status   `json:"status"`
	VersionID int64    `json:"version_id,omitempty"` // the current version of the document
	Document  string   `json:"document,omitempty"`   // its full title
	Version   string   `json:"version,omitempty"`    // its version date
	InForce   string   `json:"in_force,omitempty"`   // when that version took effect
	// Pending is the date of effect of a newer imported version that is not in force yet.
	Pending      string `json:"pending,omitempty"`
	CitedVersion string `json:"cited_version,omitempty"` // superseded: the version the citing text was written against
	Detail       string `json:"detail,omitempty"`
}

// Problem reports whether an admin needs to look at the citation.
func (r Resolution) Problem() bool { return r.Citation.Numbered() && r.Status != StatusResolved }

type entry struct {
	v    Version
	keys map[Key]bool
	last Key
}

// Resolver resolves citations against a snapshot of the library. It is read-only once built, so
// one Resolver may serve many goroutines.
type Resolver struct {
	docs map[string][]*entry // TitleKey → versions, oldest import first
	now  func() time.Time    // "today" for the version in force
}

// At returns a resolver that takes day as today.
func (r *Resolver) At(day time.Time) *Resolver {
	c := *r
	c.now = func() time.Time { return day }
	return &c
}

// Load snapshots the library.
func Load(ctx context.Context, lib Library) (*Resolver, error) {
	vs, err := lib.StatuteVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("statute versions: %w", err)
	}
	return NewResolver(vs), nil
}

// NewResolver builds a resolver over the given versions.
func NewResolver(versions []Version) *Resolver {
	r := &Resolver{docs: map[string][]*entry{}, now: time.Now}
	for _, v := range versions {
		e := &entry{v: v, keys: make(map[Key]bool, len(v.Articles))}
		for _, k := range v.Articles {
			e.keys[k] = true
			if e.last.Less(k) {
				e.last = k
			}
		}
		tk := TitleKey(v.Title)
		r.docs[tk] = append(r.docs[tk], e)
	}
	for _, es := range r.docs {
		sort.SliceStable(es, func(i, j int) bool {
			if !es[i].v.ImportedAt.Equal(es[j].v.ImportedAt) {
				return es[i].v.ImportedAt.Before(es[j].v.ImportedAt)
			}
			return es[i].v.ID < es[j].v.ID
		})
	}
	return r
}

// Documents is the number of documents with a current version.
func (r *Resolver) Documents() int {
	n := 0
	for _, es := range r.docs {
		if current(es) != nil {
			n++
		}
	}
	return n
}

// Has reports whether a document with this title (in any accepted form) is imported.
func (r *Resolver) Has(title string) bool { return current(r.docs[TitleKey(title)]) != nil }

func current(es []*entry) *entry {
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].v.Current {
			return es[i]
		}
	}
	return nil
}

// effective is when a version takes effect: its recorded date, else its version date.
func (e *entry) effective() string {
	if e.v.InForce != "" {
		return e.v.InForce
	}
	return e.v.Version
}

// inForce is the version in force on day (YYYY-MM-DD): of the versions ever made current, the one
// that took effect last on or before day. A newer import not yet in force is returned as pending.
// Without any version in force (every one takes effect later), the current import serves.
func inForce(es []*entry, day string) (in, pending *entry) {
	for _, e := range es {
		if !e.v.Current && !e.v.SupersededAt.After(e.v.ImportedAt) {
			continue // imported as history, never current
		}
		switch eff := e.effective(); {
		case eff <= day && (in == nil || eff >= in.effective()):
			in = e
		case eff > day && (pending == nil || eff < pending.effective()):
			pending = e
		}
	}
	if in == nil {
		return current(es), nil
	}
	return in, pending
}

// Resolve resolves one citation. citedAt is when the citing text was last saved; it decides
// whether the text was written against a version that a newer import has since replaced. A zero
// citedAt skips that check.
func (r *Resolver) Resolve(c Citation, citedAt time.Time) Resolution {
	res := Resolution{Citation: c, Status: StatusUnknownDocument}
	es := r.docs[TitleKey(c.Title)]
	if current(es) == nil {
		res.Detail = "document not imported"
		return res
	}
	cur, pending := inForce(es, r.now().Format(time.DateOnly))
	res.VersionID, res.Document, res.Version, res.InForce = cur.v.ID, cur.v.Title, cur.v.Version, cur.effective()
	if pending != nil {
		res.Pending = pending.effective()
	}
	res.Status = StatusResolved
	if !c.Numbered() {
		return res
	}
	if !cur.keys[c.Article] {
		res.Status = StatusOutOfRange
		if cur.last.Less(c.Article) {
			res.Detail = fmt.Sprintf("beyond the last article, %s", cur.last.Label())
		} else {
			res.Detail = fmt.Sprintf("not in the imported text (%d articles up to %s)", len(cur.keys), cur.last.Label())
		}
		return res
	}
	if cited := citedVersion(es, citedAt); cited != nil && cited != cur {
		res.Status, res.CitedVersion = StatusSuperseded, cited.v.Version
		res.Detail = fmt.Sprintf("written against version %s (imported %s); %s replaced it",
			orUnknown(cited.v.Version), cited.v.ImportedAt.Format(time.DateOnly), orUnknown(cur.v.Version))
	}
	return res
}

// ResolveText extracts and resolves every citation of text.
func (r *Resolver) ResolveText(text string, citedAt time.Time) []Resolution {
	cs := Extract(text)
	out := make([]Resolution, len(cs))
	for i, c := range cs {
		out[i] = r.Resolve(c, citedAt)
	}
	return out
}

// Text fetches the article a citation resolved to, in the current version, for showing 法条原文.
// A citation by name only, or one that does not resolve to an article, has no text.
func Text(ctx context.Context, lib Library, res Resolution) (Article, error) {
	if res.VersionID == 0 || !res.Citation.Numbered() || res.Status == StatusOutOfRange {
		return Article{}, fmt.Errorf("%s: no article to show: %w", res.Citation, knowledge.ErrNotFound)
	}
	return lib.StatuteArticle(ctx, res.VersionID, res.Citation.Article)
}

// citedVersion is the version that was current when the citing text was saved. Text saved before
// the document's first import is taken to cite that first version: the library had nothing
// older to check it against. Versions that were never current (an older text imported after a
// newer one) do not count.
func citedVersion(es []*entry, citedAt time.Time) *entry {
	if citedAt.IsZero() {
		return nil
	}
	var first, cited *entry
	for _, e := range es {
		if !e.v.Current && !e.v.SupersededAt.After(e.v.ImportedAt) {
			continue
		}
		if first == nil {
			first = e
		}
		if !e.v.ImportedAt.After(citedAt) {
			cited = e
		}
	}
	if cited == nil {
		return first
	}
	return cited
}

func orUnknown(v string) string {
	if v == "" {
		return "(undated)"
	}
	return v
}
