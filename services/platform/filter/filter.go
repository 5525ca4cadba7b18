// Package filter parses the subset of AIP-160 filters the platform's List
// methods accept: equality terms joined with AND, such as
// `region = "regions/52" AND active = true`.
package filter

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Term is one `field op value` comparison.
type Term struct {
	Field string
	Op    string // "=", or for ordered fields also ">=", ">", "<=", "<"
	Value string
}

// Parse reads a filter whose fields must be in allowed; the empty filter has no term.
// Values are strings in double quotes (with \" and \\ escapes), or bare words
// (true, false, numbers, enum names).
func Parse(filter string, allowed ...string) ([]Term, error) {
	return ParseOrdered(filter, allowed, nil)
}

// ParseOrdered is Parse where the fields in ordered (times, numbers) also take
// the comparisons >=, >, <= and <.
func ParseOrdered(filter string, allowed, ordered []string) ([]Term, error) {
	allowed = append(append([]string(nil), allowed...), ordered...)
	p := &parser{src: filter}
	var terms []Term
	for p.skipSpace(); !p.done(); p.skipSpace() {
		if len(terms) > 0 && !p.keyword("AND") {
			return nil, p.errorf("want AND")
		}
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		if !contains(allowed, t.Field) {
			return nil, fmt.Errorf("unknown field %q (allowed: %s)", t.Field, strings.Join(allowed, ", "))
		}
		if t.Op != "=" && !contains(ordered, t.Field) {
			return nil, fmt.Errorf("%s takes only =", t.Field)
		}
		terms = append(terms, t)
	}
	return terms, nil
}

type parser struct {
	src string
	pos int
}

func (p *parser) term() (Term, error) {
	p.skipSpace()
	field := p.word()
	if field == "" {
		return Term{}, p.errorf("want a field name")
	}
	p.skipSpace()
	op := ""
	for _, o := range []string{">=", "<=", "=", ">", "<"} {
		if strings.HasPrefix(p.src[p.pos:], o) {
			op = o
			break
		}
	}
	if op == "" {
		return Term{}, p.errorf("want = after %s", field)
	}
	p.pos += len(op)
	p.skipSpace()
	value, err := p.value()
	return Term{Field: field, Op: op, Value: value}, err
}

func (p *parser) value() (string, error) {
	if p.done() {
		return "", p.errorf("want a value")
	}
	if p.src[p.pos] != '"' {
		if w := p.word(); w != "" {
			return w, nil
		}
		return "", p.errorf("want a value")
	}
	end := p.pos + 1
	for ; end < len(p.src) && p.src[end] != '"'; end++ {
		if p.src[end] == '\\' {
			end++
		}
	}
	if end >= len(p.src) {
		return "", p.errorf("unterminated string")
	}
	v, err := strconv.Unquote(p.src[p.pos : end+1])
	if err != nil {
		return "", p.errorf("bad string")
	}
	p.pos = end + 1
	return v, nil
}

func (p *parser) word() string {
	start := p.pos
	for p.pos < len(p.src) {
		r := rune(p.src[p.pos])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_.-", r)) {
			break
		}
		p.pos++
	}
	return p.src[start:p.pos]
}

func (p *parser) keyword(k string) bool {
	start := p.pos
	if p.word() == k {
		return true
	}
	p.pos = start
	return false
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && unicode.IsSpace(rune(p.src[p.pos])) {
		p.pos++
	}
}

func (p *parser) done() bool { return p.pos >= len(p.src) }

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("at character %d: %s", p.pos+1, fmt.Sprintf(format, args...))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
