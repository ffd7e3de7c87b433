package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"reflect"
	"testing"
)

// A saved model reads back bit for bit: the same vocabulary, weights, postings and fusion.
func TestModelFileRoundTrip(t *testing.T) {
	ix := SharedSeed(t)
	ix.mu.RLock()
	md, stats := ix.model, ix.trainStats
	ix.mu.RUnlock()
	var key modelKey
	key[0] = 7
	data := encode(t, key, savedModel{md: md, calibrated: true, stats: stats})
	got, err := decodeModel(data, key)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.md.m, md.m) {
		t.Error("matcher differs after a round trip")
	}
	if got.md.f != md.f || !got.calibrated || got.stats.HeldOut != stats.HeldOut || got.stats.Calibrated != stats.Calibrated {
		t.Errorf("fusion or stats differ: %+v %+v", got.stats, stats)
	}
	key[0] = 8
	if _, err := decodeModel(data, key); !errors.Is(err, errNoSavedModel) {
		t.Errorf("other key: %v", err)
	}
	t.Logf("seed file: %d bytes", len(data))
}

// A file whose checksum matches but whose content is wrong (a bug in an older writer) fails to
// load with an error instead of panicking or allocating without bound.
func TestModelFileBadContentFailsCleanly(t *testing.T) {
	texts := []trainingText{
		{article: 0, counts: counts("公司账户被冻结怎么办", nil)},
		{article: 1, counts: counts("员工加班费怎么计算", nil)},
		{article: 1, counts: counts("加班工资", nil)},
	}
	md := &model{m: buildMatcher([]string{"a", "b"}, texts), f: defaultFusion}
	var key modelKey
	data := encode(t, key, savedModel{md: md})
	if _, err := decodeModel(data, key); err != nil {
		t.Fatal(err)
	}
	header := len(modelMagic) + 1 + len(key) // magic, a one-byte version, key
	for i := header; i < len(data)-4; i++ {
		for _, v := range []byte{0x00, 0xff, data[i] ^ 0x01} {
			bad := append([]byte(nil), data...)
			bad[i] = v
			body := bad[:len(bad)-4]
			binary.LittleEndian.PutUint32(bad[len(bad)-4:], crc32.Checksum(body, crcTable))
			_, _ = decodeModel(bad, key) // must return, whatever it returns
		}
	}
}

func encode(t *testing.T, key modelKey, s savedModel) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := encodeModel(&b, key, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Training counts and weighs texts on every core; the matcher must still come out the same each
// time, or a saved one could not stand for a fresh training.
func TestTrainingIsReproducible(t *testing.T) {
	ix := SharedSeed(t)
	ix.mu.RLock()
	sn := ix.snapshot()
	ix.mu.RUnlock()
	c1, c2 := ix.corpus(sn), ix.corpus(sn)
	if !reflect.DeepEqual(buildMatcher(c1.slugs, c1.texts(-1)), buildMatcher(c2.slugs, c2.texts(-1))) {
		t.Fatal("two trainings on the same texts differ")
	}
}
