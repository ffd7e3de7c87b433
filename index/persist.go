package index

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
	"sort"
	"time"
)

// The trained matcher, and once a calibration has run its fitted fusion, is saved beside the Bleve
// index (modelfile.go): a start whose articles, question bank and lexicon are those of the last
// full training reads it in milliseconds instead of training for seconds. The file is keyed by a
// hash of everything training reads, so a publish, a bank edit or a lexicon change makes it stale
// by itself: the next start finds another key, trains, and writes a new file. A file is only
// written from a full training (Open, Rebuild, Calibrate), never after the in-place updates of
// learn, so whatever a start loads is what training that content gives.

type modelKey [sha256.Size]byte

// contentKey hashes what training reads: each published article's fields (sorted by slug), the
// lexicon, the questions no article answers, the Bleve mapping (the calibration searches it) and
// the format version. Every string is length-prefixed so that no two contents hash alike by
// shifting text between fields.
func contentKey(docs []*doc, lex *lexState) modelKey {
	h := sha256.New()
	var buf []byte
	flush := func() {
		h.Write(buf)
		buf = buf[:0]
	}
	num := func(n uint64) { buf = binary.AppendUvarint(buf, n) }
	str := func(s string) {
		num(uint64(len(s)))
		buf = append(buf, s...)
		if len(buf) >= 64<<10 {
			flush()
		}
	}
	strs := func(ss []string) {
		num(uint64(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	str(modelMagic)
	num(modelVersion)
	str(MappingVersion)
	str(negativesText)
	num(uint64(len(lex.groups)))
	for _, g := range lex.groups {
		strs(g.From)
		strs(g.To)
		num(math.Float64bits(g.Weight))
	}
	num(uint64(len(docs)))
	for _, d := range docs {
		a := &d.art
		str(a.Slug)
		str(a.Title)
		str(string(a.Category))
		strs(a.Questions)
		strs(a.Phrasings)
		str(a.Summary)
		str(a.Body)
		strs(a.LegalBasis)
		strs(a.Tags)
	}
	flush()
	var k modelKey
	h.Sum(k[:0])
	return k
}

// trainOrLoad installs the saved model when it was written for the current docs and lexicon, and
// otherwise trains one and saves it. A damaged file is logged and trained over: it never stops a
// start. The caller holds ix.mu for writing (or owns ix alone, in Open).
func (ix *Index) trainOrLoad() {
	start := time.Now()
	slugs, docs := sortedDocs(ix.docs)
	lex := ix.syn.current()
	key := contentKey(docs, lex)
	saved, err := readModel(ix.dir, key)
	if err == nil {
		f, cal := defaultFusion, saved.calibrated && !ix.noCalibration
		if cal {
			f = saved.md.f
		}
		ix.model = &model{m: saved.md.m, f: f}
		ix.trainStats = TrainStats{Articles: saved.stats.Articles, Phrasings: saved.stats.Phrasings}
		if cal {
			ix.trainStats = saved.stats
		}
		ix.trainStats.MatcherTook = time.Since(start)
		ix.generation++
		ix.version.Add(1)
		ix.needCal = !cal
		ix.matcher = matcherSource{loaded: true}
		return
	}
	ix.matcher = matcherSource{reason: err.Error()}
	if !errors.Is(err, errNoSavedModel) {
		ix.log.Warn("saved matcher unreadable, training instead", "dir", ix.dir, "err", err)
	}
	sn := ix.snapshotOf(slugs, docs, lex, key)
	ix.trainFrom(start, sn)
	ix.needCal = true
	// A training that kept an earlier calibration's fusion (Rebuild) is saved as uncalibrated:
	// a start loads the default fusion, as training at start would.
	ix.saveModel(sn.key, savedModel{md: ix.model, stats: ix.trainStats})
}

// matcherSource says whether the last trainOrLoad read the matcher from disk, and why not.
type matcherSource struct {
	loaded bool
	reason string
}

// saveModel writes s under key. Failing to save costs the next start a training, nothing else,
// so it is logged rather than returned. The caller keeps s.md.m from changing meanwhile.
func (ix *Index) saveModel(key modelKey, s savedModel) {
	tmp, err := writeModelTemp(ix.dir, key, s)
	if err == nil {
		err = commitModelFile(ix.dir, tmp)
	}
	ix.logSaveError(err)
}

func (ix *Index) logSaveError(err error) {
	if err != nil {
		ix.log.Warn("matcher not saved; the next start trains it", "dir", ix.dir, "err", err)
	}
}

// sortedDocs returns the docs in slug order, as training and the key see them.
func sortedDocs(docs map[string]*doc) ([]string, []*doc) {
	slugs := make([]string, 0, len(docs))
	for s := range docs {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	out := make([]*doc, len(slugs))
	for i, s := range slugs {
		out[i] = docs[s]
	}
	return slugs, out
}
