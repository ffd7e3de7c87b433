// Package index is CourtDesk's Chinese full-text search over published articles, built on Bleve.
// Text is normalised (full-width folding, traditional to simplified) before analysis; Bleve finds
// candidates with boosted per-field term queries built in code (never from a query string), and a
// rerank over the articles' own wording yields a normalised 0..1 score. The index is derived data:
// it is rebuilt from the store when missing, corrupt, stale or built with another mapping version.
package index

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/courtdesk/courtdesk/knowledge"
)

// ErrLocked means another process owns the index directory.
var ErrLocked = errors.New("index directory is in use by another process")

// Index is the search index. All methods are safe for concurrent use.
type Index struct {
	dir  string
	log  *slog.Logger
	norm *Normalizer
	syn  *Synonyms
	lock *os.File

	mu   sync.RWMutex
	bi   bleve.Index
	an   analysis.Analyzer
	docs map[string]*doc
	fp   uint64
	// Token statistics for the rerank. Tokens are interned to small integers so that each
	// article's token sets are compact sorted slices rather than maps.
	ids map[string]uint32
	df  []int32   // by token id: articles whose text holds the token
	w   []float64 // by token id: the token's weight, recomputed after every change

	// model is the learned matcher with its calibrated fusion (model.go), rebuilt after every
	// change to the article set.
	model      *model
	trainStats TrainStats
	generation int // counts matcher trainings
	// needCal: the model in use has no calibration for the current content (it was trained, or
	// loaded from a file saved before any calibration), so Open and Rebuild start one.
	needCal bool
	matcher matcherSource // how the last Open or Rebuild got its matcher
	// version changes after every change that can change an answer (Version).
	version atomic.Uint64

	noCalibration bool

	calMu      sync.Mutex
	calRunning bool
	calPending bool
	closed     bool
	calWG      sync.WaitGroup
}

// OpenStats reports what Open did.
type OpenStats struct {
	Rebuilt bool
	Reason  string
	Docs    int
	Took    time.Duration
	// MatcherLoaded: the trained matcher was read from the data directory (persist.go) instead
	// of trained; MatcherReason says why not when it was trained.
	MatcherLoaded bool
	MatcherReason string
}

const (
	bleveDir        = "bleve"
	keyMapping      = "courtdesk.mapping"
	keyFingerprint  = "courtdesk.fingerprint"
	batchSize       = 500
	candidateLimit  = 20
	maxQueryRunes   = 1000
	maxQueryTokens  = 64
	highDFThreshold = 0.35 // tokens in more than this share of articles are left out of the Bleve query
	maxBleveTerms   = 14   // the most informative tokens sent to Bleve
	bodyTerms       = 6    // of those, how many are also looked up in the long body field
	overlapArticles = 1000 // from this many articles, Open trains the matcher while Bleve builds
)

// Option changes how an index works.
type Option func(*Index)

// WithoutCalibration keeps the built-in fusion (fitted on the seed) instead of refitting it in the
// background after start and after every change: for tests of other parts, and for machines that
// cannot spare the CPU. The matcher still learns every change.
func WithoutCalibration() Option { return func(ix *Index) { ix.noCalibration = true } }

// WithLogger is where the index reports what does not stop it, such as a damaged saved matcher
// it trains over. Without it those reports are dropped.
func WithLogger(log *slog.Logger) Option { return func(ix *Index) { ix.log = log } }

// Open opens or builds the index in dir for the given published articles (the store's current
// state). It takes an exclusive lock on dir: one index directory is owned by one process.
func Open(dir string, norm *Normalizer, syn *Synonyms, published []knowledge.Article, opts ...Option) (*Index, OpenStats, error) {
	start := time.Now()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, OpenStats{}, err
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, OpenStats{}, err
	}
	ix := &Index{dir: dir, log: slog.New(slog.DiscardHandler), norm: norm, syn: syn, lock: lock}
	for _, o := range opts {
		o(ix)
	}
	removeStaleTemps(dir) // a matcher file a crash left half-written: this process owns dir now
	stats, err := ix.open(published)
	if err != nil {
		lock.Close()
		return nil, stats, err
	}
	stats.Took = time.Since(start)
	stats.MatcherLoaded, stats.MatcherReason = ix.matcher.loaded, ix.matcher.reason
	if ix.needCal {
		ix.recalibrate()
	}
	return ix, stats, nil
}

func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", dir, ErrLocked)
	}
	return f, nil
}

func (ix *Index) open(published []knowledge.Article) (OpenStats, error) {
	path := filepath.Join(ix.dir, bleveDir)
	want := fingerprint(published)
	reason := ""
	bi, err := bleve.Open(path)
	if err != nil {
		bi = nil // bleve returns a typed nil on failure
	}
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		reason = "missing"
	case err != nil:
		reason = "unreadable: " + err.Error()
	default:
		mv, _ := bi.GetInternal([]byte(keyMapping))
		fp, _ := bi.GetInternal([]byte(keyFingerprint))
		switch {
		case string(mv) != MappingVersion:
			reason = fmt.Sprintf("mapping version %q, want %q", mv, MappingVersion)
		case string(fp) != strconv.FormatUint(want, 16):
			reason = "out of date with the store"
		}
	}
	if reason == "" {
		ix.bi = bi
		ix.an = bi.Mapping().AnalyzerNamed(analyzerName)
		ix.loadDocs(published)
		return OpenStats{Docs: len(published)}, nil
	}
	if bi != nil {
		bi.Close()
	}
	im, err := newMapping()
	if err != nil {
		return OpenStats{}, err
	}
	ix.an = im.AnalyzerNamed(analyzerName)
	// Nothing is served yet, so at scale the matcher trains (or loads) while Bleve indexes: the two
	// share nothing but the analyser and the normaliser, both safe for concurrent use, and on two
	// cores the build takes the longer of the two instead of their sum. A small base gains a few
	// tenths of a second from it and holds both in memory at once (60–100 MB more at the seed).
	trained := make(chan struct{})
	load := func() {
		defer close(trained)
		ix.loadDocs(published)
	}
	if len(published) >= overlapArticles {
		go load()
	} else {
		load()
	}
	err = ix.buildBleve(path, published, im)
	<-trained
	if err != nil {
		return OpenStats{}, err
	}
	return OpenStats{Rebuilt: true, Reason: reason, Docs: len(published)}, nil
}

// build writes a fresh index at path from articles, replacing whatever was there, and reloads
// the in-memory docs and matcher from them.
func (ix *Index) build(path string, articles []knowledge.Article) error {
	im, err := newMapping()
	if err != nil {
		return err
	}
	ix.an = im.AnalyzerNamed(analyzerName)
	if err := ix.buildBleve(path, articles, im); err != nil {
		return err
	}
	ix.loadDocs(articles)
	return nil
}

// buildBleve writes the Bleve index at path from articles with mapping im and opens it as ix.bi.
func (ix *Index) buildBleve(path string, articles []knowledge.Article, im mapping.IndexMapping) error {
	tmp := path + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	bi, err := bleve.New(tmp, im)
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	b := bi.NewBatch()
	for _, a := range articles {
		if a.Status != knowledge.StatusPublished {
			continue
		}
		if err := b.Index(a.Slug, ix.bleveDoc(a)); err != nil {
			bi.Close()
			return err
		}
		if b.Size() >= batchSize {
			if err := bi.Batch(b); err != nil {
				bi.Close()
				return err
			}
			b.Reset()
		}
	}
	if err := bi.Batch(b); err != nil {
		bi.Close()
		return err
	}
	if err := bi.SetInternal([]byte(keyMapping), []byte(MappingVersion)); err != nil {
		bi.Close()
		return err
	}
	// Merge the batches' segments now, in the build, rather than in the background while the
	// first questions arrive: fewer segments make every search cheaper.
	if adv, err := bi.Advanced(); err == nil {
		if sc, ok := adv.(*scorch.Scorch); ok {
			if err := sc.ForceMerge(context.Background(), &mergeplan.SingleSegmentMergePlanOptions); err != nil {
				bi.Close()
				return fmt.Errorf("merge index segments: %w", err)
			}
		}
	}
	if err := bi.SetInternal([]byte(keyFingerprint), []byte(strconv.FormatUint(fingerprint(articles), 16))); err != nil {
		bi.Close()
		return err
	}
	if err := bi.Close(); err != nil {
		return err
	}
	// Swap directories only once the new index is complete, so a crash mid-build leaves either
	// the old index or none, never a half-built one that claims to be current.
	if ix.bi != nil {
		ix.bi.Close()
		ix.bi = nil
	}
	if err := os.RemoveAll(path); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	bi, err = bleve.Open(path)
	if err != nil {
		return err
	}
	ix.bi = bi
	return nil
}

// Rebuild re-creates the index from articles while searches wait. The matcher is retrained too,
// not read from its file: a rebuild is how an operator recovers from derived data gone wrong.
func (ix *Index) Rebuild(articles []knowledge.Article) error {
	ix.mu.Lock()
	if err := os.Remove(filepath.Join(ix.dir, modelFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		ix.mu.Unlock()
		return err
	}
	err := ix.build(filepath.Join(ix.dir, bleveDir), articles)
	needCal := ix.needCal
	ix.mu.Unlock()
	if needCal {
		ix.recalibrate()
	}
	return err
}

func (ix *Index) bleveDoc(a knowledge.Article) map[string]any {
	head := a.Title + "\n" + strings.Join(a.Questions, "\n") + "\n" + strings.Join(a.Tags, " ")
	body := a.Summary + "\n" + a.Body + "\n" + strings.Join(a.LegalBasis, "\n")
	return map[string]any{
		fieldHead: ix.norm.Normalize(head),
		fieldBody: ix.norm.Normalize(body),
		fieldCat:  string(a.Category),
	}
}

// Upsert indexes a changed article at once; an article that is no longer published is removed.
func (ix *Index) Upsert(a knowledge.Article) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if a.Status != knowledge.StatusPublished {
		return ix.deleteLocked(a.Slug)
	}
	if err := ix.bi.Index(a.Slug, ix.bleveDoc(a)); err != nil {
		return err
	}
	ix.removeDoc(a.Slug)
	ix.addDoc(a)
	ix.reweight()
	ix.learn(a.Slug)
	ix.recalibrate()
	return ix.saveFingerprint()
}

// Delete removes an article from the index.
func (ix *Index) Delete(slug string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.deleteLocked(slug)
}

func (ix *Index) deleteLocked(slug string) error {
	if err := ix.bi.Delete(slug); err != nil {
		return err
	}
	ix.removeDoc(slug)
	ix.reweight()
	ix.learn(slug)
	ix.recalibrate()
	return ix.saveFingerprint()
}

func (ix *Index) saveFingerprint() error {
	return ix.bi.SetInternal([]byte(keyFingerprint), []byte(strconv.FormatUint(ix.fp, 16)))
}

// fingerprint identifies a set of published article versions. XOR lets Upsert keep it current in
// O(1), and Open compares it with the store's to detect an index left behind by a crash.
func fingerprint(articles []knowledge.Article) uint64 {
	var fp uint64
	for _, a := range articles {
		if a.Status == knowledge.StatusPublished {
			fp ^= docHash(a)
		}
	}
	return fp
}

func docHash(a knowledge.Article) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s@%d", a.Slug, a.Version)
	return h.Sum64()
}

// DocCount is the number of searchable articles.
func (ix *Index) DocCount() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.docs)
}

// Article returns a published article from memory.
func (ix *Index) Article(slug string) (knowledge.Article, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	d, ok := ix.docs[slug]
	if !ok {
		return knowledge.Article{}, false
	}
	return d.art, true
}

// Normalize implements answer.Normalizer.
func (ix *Index) Normalize(s string) string { return ix.norm.Normalize(s) }

// Synonyms returns the live synonym list; Set on it takes effect on the next search.
func (ix *Index) Synonyms() *Synonyms { return ix.syn }

// Ready reports whether the index answers.
func (ix *Index) Ready(ctx context.Context) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return errors.New("index not open")
	}
	_, err := ix.bi.DocCount()
	return err
}

// Version changes after every change to the index that can change a search's result: an article
// indexed or removed, a training or calibration of the matcher, a rebuild, a new lexicon. The answer
// engine keys its cache on it (answer.Versioned).
func (ix *Index) Version() uint64 { return ix.version.Load() + ix.syn.Version() }

// Close releases the index and its directory lock.
func (ix *Index) Close() error {
	ix.calMu.Lock()
	ix.closed = true
	ix.calMu.Unlock()
	ix.calWG.Wait()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var err error
	if ix.bi != nil {
		err = ix.bi.Close()
		ix.bi = nil
	}
	if ix.lock != nil {
		err = errors.Join(err, ix.lock.Close())
		ix.lock = nil
	}
	return err
}
