package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// The trained matcher, and once a calibration has run its fitted fusion, is saved beside the Bleve
// index: a start whose articles, question bank and lexicon are those of the last training reads it
// in milliseconds instead of training for seconds. The file is keyed by a hash of everything the
// training reads (modelKey); any other content, and any damage to the file, means training as
// before and writing a new file. A file is only ever written from a full training, never from the
// in-place updates of learn, so whatever a start loads is what training that content gives.
//
// Layout: magic, format version (uvarint), key, payload, CRC-32C of everything before it. Numbers
// are uvarints, floats their IEEE bits little-endian, so that a load gives the same bits back.

const (
	modelFile  = "matcher.bin"
	modelMagic = "CDMATCH\x00"
	// modelVersion names how training turns texts into a matcher and a fusion, and this layout.
	// Bump it with any change to features.go, matcher.go, fusion.go, the calibration or the
	// layout: it is part of the key, so a file written by older code is then retrained over
	// instead of being loaded as if the new code had trained it.
	modelVersion = 1
)

// errNoSavedModel means there is no file for this content: none yet, another format, or written
// for other articles or another lexicon. It is the normal case after a change, not a warning.
var errNoSavedModel = errors.New("no saved matcher for this content")

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// savedModel is what a file holds.
type savedModel struct {
	md *model
	// calibrated: the fusion is a calibration's result for this content (a fit, or the fusion
	// kept because the bank was too small to fit on), so a start need not calibrate again.
	calibrated bool
	stats      TrainStats
}

// encodeModel writes a fully trained model to w, in chunks, so that a large matcher (hundreds of
// megabytes at 10,000 articles) is never held twice in memory. The caller makes sure nothing
// changes s.md.m meanwhile (it is not yet shared, or the index lock is held).
func encodeModel(w io.Writer, key modelKey, s savedModel) error {
	m := s.md.m
	if len(m.removed) > 0 {
		return errors.New("matcher updated in place: only a full training is saved")
	}
	e := &encoder{w: w, b: make([]byte, 0, 2*spillSize)}
	e.b = append(e.b, modelMagic...)
	e.b = binary.AppendUvarint(e.b, modelVersion)
	e.b = append(e.b, key[:]...)
	var flags byte
	if s.calibrated {
		flags |= 1
	}
	if s.stats.Calibrated {
		flags |= 2
	}
	e.b = append(e.b, flags)
	for _, n := range []int{s.stats.Articles, s.stats.Phrasings, s.stats.HeldOut, s.stats.Negatives} {
		e.b = binary.AppendUvarint(e.b, uint64(n))
	}
	for _, w := range s.md.f.w {
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(w))
	}
	for _, w := range s.md.f.top {
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(w))
	}
	e.strings(m.slugs)
	words := make([]string, len(m.voc.idf))
	for g, id := range m.voc.ids {
		words[id] = g
	}
	e.strings(words)
	for _, v := range m.voc.idf {
		e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(v))
	}
	e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(m.maxIDF))
	e.b = binary.AppendUvarint(e.b, uint64(len(m.pOwner)))
	for _, a := range m.pOwner {
		e.b = binary.AppendUvarint(e.b, uint64(a))
		e.spill(false)
	}
	e.postings(m.pPost)
	e.postings(m.cPost)
	e.spill(true)
	if e.err != nil {
		return e.err
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, e.crc))
	return err
}

// spillSize is how much an encoder gathers before it writes.
const spillSize = 1 << 20

// encoder appends to b and writes it out, with its checksum, once it holds spillSize bytes.
type encoder struct {
	w   io.Writer
	b   []byte
	crc uint32
	err error
}

func (e *encoder) spill(force bool) {
	if len(e.b) < spillSize && !force {
		return
	}
	e.crc = crc32.Update(e.crc, crcTable, e.b)
	if e.err == nil {
		_, e.err = e.w.Write(e.b)
	}
	e.b = e.b[:0]
}

// strings writes the count, every length, then the bytes in one run, so that a load turns them
// into strings with one allocation.
func (e *encoder) strings(ss []string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(ss)))
	for _, s := range ss {
		e.b = binary.AppendUvarint(e.b, uint64(len(s)))
		e.spill(false)
	}
	for _, s := range ss {
		e.b = append(e.b, s...)
		e.spill(false)
	}
}

// postings writes each list's length, then its entries as the delta of the index from the
// previous one (small: lists are in index order) and the weight's bits.
func (e *encoder) postings(lists [][]posting) {
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	e.b = binary.AppendUvarint(e.b, uint64(len(lists)))
	e.b = binary.AppendUvarint(e.b, uint64(total))
	for _, l := range lists {
		e.b = binary.AppendUvarint(e.b, uint64(len(l)))
		prev := int32(0)
		for _, p := range l {
			e.b = binary.AppendVarint(e.b, int64(p.i-prev))
			prev = p.i
			e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(p.w))
		}
		e.spill(false)
	}
}

// readModel loads the file in dir if it was written for key. A missing file or one for other
// content gives errNoSavedModel; a damaged one any other error.
func readModel(dir string, key modelKey) (savedModel, error) {
	data, err := os.ReadFile(filepath.Join(dir, modelFile))
	if errors.Is(err, fs.ErrNotExist) {
		return savedModel{}, fmt.Errorf("%w: none saved", errNoSavedModel)
	}
	if err != nil {
		return savedModel{}, err
	}
	return decodeModel(data, key)
}

func decodeModel(data []byte, key modelKey) (savedModel, error) {
	r := reader{b: data}
	if string(r.bytes(len(modelMagic))) != modelMagic {
		return savedModel{}, errors.New("not a saved matcher")
	}
	if v := r.uvarint(); r.err == nil && v != modelVersion {
		return savedModel{}, fmt.Errorf("%w: format %d, want %d", errNoSavedModel, v, modelVersion)
	}
	if k := r.bytes(len(key)); r.err == nil && string(k) != string(key[:]) {
		return savedModel{}, fmt.Errorf("%w: saved for other content", errNoSavedModel)
	}
	if r.err != nil {
		return savedModel{}, r.err
	}
	header := len(data) - len(r.b)
	if len(r.b) < 4 {
		return savedModel{}, errTruncated
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return savedModel{}, errors.New("checksum mismatch: truncated or damaged")
	}
	r.b = body[header:]
	var s savedModel
	flags := r.bytes(1)
	if r.err != nil {
		return savedModel{}, r.err
	}
	s.calibrated, s.stats.Calibrated = flags[0]&1 != 0, flags[0]&2 != 0
	for _, p := range []*int{&s.stats.Articles, &s.stats.Phrasings, &s.stats.HeldOut, &s.stats.Negatives} {
		*p = int(r.uvarint())
	}
	md := &model{m: &matcher{}}
	for i := range md.f.w {
		md.f.w[i] = math.Float64frombits(r.uint64())
	}
	for i := range md.f.top {
		md.f.top[i] = math.Float64frombits(r.uint64())
	}
	m := md.m
	m.slugs = r.strings()
	m.bySlug = make(map[string]int32, len(m.slugs))
	for i, sl := range m.slugs {
		m.bySlug[sl] = int32(i)
	}
	m.deleted = make([]bool, len(m.slugs))
	words := r.strings()
	m.voc.ids = make(map[string]int32, len(words))
	for i, g := range words {
		m.voc.ids[g] = int32(i)
	}
	m.voc.idf = make([]float32, r.count(len(words), 4))
	for i := range m.voc.idf {
		m.voc.idf[i] = math.Float32frombits(r.uint32())
	}
	m.maxIDF = math.Float32frombits(r.uint32())
	m.pOwner = make([]int32, r.count(int(r.uvarint()), 1))
	for i := range m.pOwner {
		m.pOwner[i] = int32(r.bounded(len(m.slugs)))
	}
	m.pPost = r.postings(len(words), len(m.pOwner))
	m.cPost = r.postings(len(words), len(m.slugs))
	if r.err == nil && len(r.b) != 0 {
		r.err = errors.New("trailing bytes")
	}
	if r.err != nil {
		return savedModel{}, r.err
	}
	s.md = md
	return s, nil
}

var errTruncated = errors.New("truncated")

// reader decodes a file whose checksum matched; it still checks every count against what is left,
// so that a file written by buggy code fails cleanly instead of allocating without bound.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || len(r.b) < n {
		r.fail(errTruncated)
		return make([]byte, min(max(n, 0), 8)) // enough for the fixed-size reads to go on

	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(errTruncated)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(errTruncated)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uint32() uint32 { return binary.LittleEndian.Uint32(r.bytes(4)) }
func (r *reader) uint64() uint64 { return binary.LittleEndian.Uint64(r.bytes(8)) }

// count returns n if n items of at least size bytes each can still follow, else 0 and an error.
func (r *reader) count(n, size int) int {
	if r.err != nil || n < 0 || n > len(r.b)/size {
		r.fail(errTruncated)
		return 0
	}
	return n
}

// bounded reads an index below n.
func (r *reader) bounded(n int) uint64 {
	v := r.uvarint()
	if v >= uint64(n) {
		r.fail(errors.New("index out of range"))
		return 0
	}
	return v
}

func (r *reader) strings() []string {
	n := r.count(int(min(r.uvarint(), math.MaxInt32)), 1)
	lens := make([]int, n)
	total := 0
	for i := range lens {
		lens[i] = int(min(r.uvarint(), math.MaxInt32))
		total += lens[i]
	}
	all := string(r.bytes(total)) // one allocation; the strings below share it
	if r.err != nil {
		return nil
	}
	out := make([]string, n)
	for i, l := range lens {
		out[i], all = all[:l], all[l:]
	}
	return out
}

// postings reads lists of postings whose indexes are below limit into one backing array. Each
// list is capped at its length, so that an append by learn copies it rather than overwriting
// the next list.
func (r *reader) postings(want, limit int) [][]posting {
	if n := r.uvarint(); r.err == nil && n != uint64(want) {
		r.fail(errors.New("posting lists do not match the vocabulary"))
	}
	backing := make([]posting, r.count(int(min(r.uvarint(), math.MaxInt32)), 5))
	lists := make([][]posting, want)
	used := 0
	for k := range lists {
		n := int(r.uvarint())
		if r.err != nil || n > len(backing)-used {
			r.fail(errTruncated)
			return nil
		}
		if n == 0 {
			continue
		}
		l := backing[used : used+n : used+n]
		used += n
		prev := int64(0)
		for i := range l {
			prev += r.varint()
			if prev < 0 || prev >= int64(limit) {
				r.fail(errors.New("index out of range"))
				return nil
			}
			l[i] = posting{i: int32(prev), w: math.Float32frombits(r.uint32())}
		}
		lists[k] = l
	}
	return lists
}

// writeModelTemp writes s beside the file in dir, under a temporary name that commitModelFile
// then gives it, so that a reader sees the old file or the new one. There is no fsync: after a
// power cut the checksum finds a torn file, and the start trains as if there were none.
func writeModelTemp(dir string, key modelKey, s savedModel) (string, error) {
	f, err := os.CreateTemp(dir, modelFile+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("save matcher: %w", err)
	}
	err = encodeModel(f, key, s)
	err = errors.Join(err, f.Close())
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("save matcher: %w", err)
	}
	return f.Name(), nil
}

// commitModelFile makes the temporary file tmp the saved matcher.
func commitModelFile(dir, tmp string) error {
	if err := os.Rename(tmp, filepath.Join(dir, modelFile)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save matcher: %w", err)
	}
	return nil
}

// removeStaleTemps deletes temporary files a crash left behind mid-write.
func removeStaleTemps(dir string) {
	tmps, _ := filepath.Glob(filepath.Join(dir, modelFile+".*.tmp"))
	for _, t := range tmps {
		os.Remove(t)
	}
}
