package outcomes

import "hash/maphash"

// Memory for a log's cases and waiting events, in chunks that never move:
// growing never copies what is there, so a large log costs its size and no
// more.

const (
	chunkBits = 12
	chunkLen  = 1 << chunkBits
)

// chunks is a growable array of T in fixed chunks.
type chunks[T any] struct {
	c []*[chunkLen]T
	n int
}

func (s *chunks[T]) at(i int32) *T { return &s.c[i>>chunkBits][i&(chunkLen-1)] }

// grow adds one zero element and returns its index.
func (s *chunks[T]) grow() int32 {
	if s.n == len(s.c)*chunkLen {
		s.c = append(s.c, new([chunkLen]T))
	}
	s.n++
	return int32(s.n - 1)
}

// reset empties the array, keeping its chunks for reuse.
func (s *chunks[T]) reset() {
	for _, c := range s.c {
		clear(c[:])
	}
	s.n = 0
}

// idTable interns case ids: each id is kept once, as a string, and found
// by an open-addressing hash table of indexes (8 bytes a case at most).
type idTable struct {
	seed  maphash.Seed
	slots []int32 // index + 1; 0 for an empty slot
	ids   chunks[string]
}

func newIDTable() *idTable {
	return &idTable{seed: maphash.MakeSeed(), slots: make([]int32, 1024)}
}

func (t *idTable) len() int { return t.ids.n }

func (t *idTable) id(i int32) string { return *t.ids.at(i) }

// find returns the index of id, and false when it is not there.
func (t *idTable) find(id []byte) (int32, bool) {
	mask := uint64(len(t.slots) - 1)
	for h := maphash.Bytes(t.seed, id) & mask; ; h = (h + 1) & mask {
		s := t.slots[h]
		if s == 0 {
			return 0, false
		}
		if *t.ids.at(s - 1) == string(id) {
			return s - 1, true
		}
	}
}

// add adds an id that is not there and returns its index.
func (t *idTable) add(id []byte) int32 {
	if 2*(t.ids.n+1) > len(t.slots) {
		t.rehash()
	}
	i := t.ids.grow()
	*t.ids.at(i) = string(id)
	t.place(id, i)
	return i
}

func (t *idTable) place(id []byte, i int32) {
	mask := uint64(len(t.slots) - 1)
	h := maphash.Bytes(t.seed, id) & mask
	for t.slots[h] != 0 {
		h = (h + 1) & mask
	}
	t.slots[h] = i + 1
}

func (t *idTable) rehash() {
	t.slots = make([]int32, 2*len(t.slots))
	for i := int32(0); i < int32(t.ids.n); i++ {
		t.place([]byte(*t.ids.at(i)), i)
	}
}
