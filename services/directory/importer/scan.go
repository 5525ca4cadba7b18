package importer

import (
	"errors"
	"fmt"
	"io"
	"strings"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/rpps"
	"github.com/sas-platform/sas/services/directory/store"
)

// maxKeptRejections bounds the rejected lines kept per import: past it,
// they are counted only (a refused file says why with the first ones).
const maxKeptRejections = 10_000

// summary is what the first pass learns of a file, in bounded memory: one
// entry per professional and per distinct line, never the lines themselves.
type summary struct {
	pros       map[proKey]proSummary
	firstLine  map[uint64]int64 // line hash → first line with it, to reject duplicates; dropped after the scan
	dups       map[int64]bool   // lines rejected as duplicates
	codes      map[store.Code]bool
	read       int64
	rejections []*directoryv1.ImportRejection
	rejected   int64
}

// proKey is a national id as a map key: a fixed size, no pointer for the
// garbage collector to scan among 2,000,000 entries. National ids have at most
// 12 bytes (rpps checks them) and no zero byte.
type proKey [12]byte

func keyOf(nationalID string) proKey {
	var k proKey
	copy(k[:], nationalID)
	return k
}

type proSummary struct {
	hash  uint64 // sum of its line hashes: independent of line order
	lines int32
	write write // what the import writes of it, once planned
}

func newSummary() *summary {
	return &summary{pros: map[proKey]proSummary{}, firstLine: map[uint64]int64{}, dups: map[int64]bool{}, codes: map[store.Code]bool{}}
}

// scan reads the whole file once, validating, counting and hashing.
func scan(r io.Reader, progress func(offset, lines int64)) (*summary, error) {
	rd, err := rpps.NewReader(r)
	if err != nil {
		return nil, err
	}
	s := newSummary()
	for {
		if _, err := s.next(rd); errors.Is(err, io.EOF) {
			s.firstLine = nil
			return s, nil
		} else if err != nil {
			return nil, err
		}
		if s.read%progressEvery == 0 {
			progress(rd.Offset(), s.read)
		}
	}
}

// next reads a line into the summary and returns its activity, nil when the
// line is rejected; io.EOF at the end of the file.
func (s *summary) next(rd *rpps.Reader) (*rpps.Activity, error) {
	a, err := rd.Next()
	var lineErr *rpps.LineError
	switch {
	case errors.Is(err, io.EOF):
		return nil, err
	case errors.As(err, &lineErr):
		s.read++
		s.reject(&directoryv1.ImportRejection{Line: lineErr.Line, Column: lineErr.Column, Reason: lineErr.Reason, Content: lineErr.Content})
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read extraction: %w", err)
	}
	s.read++
	if !s.add(a) {
		return nil, nil
	}
	return a, nil
}

// add counts a valid line, and reports whether it is kept: not a duplicate.
func (s *summary) add(a *rpps.Activity) bool {
	h := lineHash(a)
	if first, dup := s.firstLine[h]; dup {
		s.reject(&directoryv1.ImportRejection{Line: a.Line, Reason: fmt.Sprintf("duplicate of line %d", first)})
		s.dups[a.Line] = true
		return false
	}
	s.firstLine[h] = a.Line
	k := keyOf(a.NationalID)
	p := s.pros[k]
	p.hash += h
	p.lines++
	s.pros[k] = p
	s.addCode(store.Code{Kind: store.KindProfession, Code: a.Profession, Label: a.ProfessionLabel, Extra: a.Category})
	if a.Skill != "" {
		s.addCode(store.Code{Kind: store.KindSpecialty, Code: a.Skill, Label: a.SkillLabel, Extra: a.SkillType})
	}
	return true
}

func (s *summary) addCode(c store.Code) {
	if !s.codes[c] {
		s.codes[store.Code{Kind: c.Kind, Code: strings.Clone(c.Code), Label: strings.Clone(c.Label), Extra: strings.Clone(c.Extra)}] = true
	}
}

func (s *summary) reject(r *directoryv1.ImportRejection) {
	s.rejected++
	r.Content = strings.ToValidUTF8(r.Content, "\uFFFD") // a Latin-1 line is kept readable
	if len(s.rejections) < maxKeptRejections {
		s.rejections = append(s.rejections, r)
	}
}
