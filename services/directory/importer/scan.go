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
	pros       map[string]*proSummary
	firstLine  map[uint64]int64 // line hash → first line with it, to reject duplicates
	codes      map[store.Code]bool
	read       int64
	rejections []*directoryv1.ImportRejection
	rejected   int64
}

type proSummary struct {
	hash  uint64 // sum of its line hashes: independent of line order
	lines int
}

// scan reads the whole file once, validating, counting and hashing.
func scan(r io.Reader, progress func(offset, lines int64)) (*summary, error) {
	rd, err := rpps.NewReader(r)
	if err != nil {
		return nil, err
	}
	s := &summary{pros: map[string]*proSummary{}, firstLine: map[uint64]int64{}, codes: map[store.Code]bool{}}
	for {
		a, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return s, nil
		}
		var lineErr *rpps.LineError
		switch {
		case errors.As(err, &lineErr):
			s.read++
			s.reject(&directoryv1.ImportRejection{Line: lineErr.Line, Column: lineErr.Column, Reason: lineErr.Reason, Content: lineErr.Content})
		case err != nil:
			return nil, fmt.Errorf("read extraction: %w", err)
		default:
			s.read++
			s.add(a)
		}
		if s.read%progressEvery == 0 {
			progress(rd.Offset(), s.read)
		}
	}
}

func (s *summary) add(a *rpps.Activity) {
	h := lineHash(a)
	if first, dup := s.firstLine[h]; dup {
		s.reject(&directoryv1.ImportRejection{Line: a.Line, Reason: fmt.Sprintf("duplicate of line %d", first)})
		return
	}
	s.firstLine[h] = a.Line
	p := s.pros[a.NationalID]
	if p == nil {
		p = &proSummary{}
		// A clone: the field shares the memory of its whole line.
		s.pros[strings.Clone(a.NationalID)] = p
	}
	p.hash += h
	p.lines++
	s.addCode(store.Code{Kind: store.KindProfession, Code: a.Profession, Label: a.ProfessionLabel, Extra: a.Category})
	if a.Skill != "" {
		s.addCode(store.Code{Kind: store.KindSpecialty, Code: a.Skill, Label: a.SkillLabel, Extra: a.SkillType})
	}
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

// isFirst says whether a line is the one kept among identical lines.
func (s *summary) isFirst(a *rpps.Activity) bool { return s.firstLine[lineHash(a)] == a.Line }
