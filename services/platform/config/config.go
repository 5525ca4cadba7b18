// Package config reads settings from flags and environment variables: a flag
// wins over its variable, the variable over the documented default.
package config

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Set declares settings and parses them.
type Set struct {
	fs     *flag.FlagSet
	getenv func(string) string
	errs   []error
	vars   []Var
}

// Var documents one setting.
type Var struct {
	Flag, Env, Default, Usage string
}

// New returns an empty set for the named program; getenv is usually os.Getenv.
func New(program string, getenv func(string) string) *Set {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &Set{fs: fs, getenv: getenv}
}

// String declares a string setting.
func (s *Set) String(p *string, name, env, def, usage string) {
	s.fs.StringVar(p, name, s.lookup(env, def), usage)
	s.declare(name, env, def, usage)
}

// Int declares an integer setting.
func (s *Set) Int(p *int, name, env string, def int, usage string) {
	s.fs.IntVar(p, name, parse(s, env, def, strconv.Atoi), usage)
	s.declare(name, env, strconv.Itoa(def), usage)
}

// Bool declares a boolean setting.
func (s *Set) Bool(p *bool, name, env string, def bool, usage string) {
	s.fs.BoolVar(p, name, parse(s, env, def, strconv.ParseBool), usage)
	s.declare(name, env, strconv.FormatBool(def), usage)
}

// Duration declares a duration setting ("30s", "12h").
func (s *Set) Duration(p *time.Duration, name, env string, def time.Duration, usage string) {
	s.fs.DurationVar(p, name, parse(s, env, def, time.ParseDuration), usage)
	s.declare(name, env, def.String(), usage)
}

// Parse reads the flags in args; it reports every bad variable or flag at once.
func (s *Set) Parse(args []string) error {
	if err := s.fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		s.errs = append(s.errs, err)
	}
	if len(s.errs) == 0 {
		return nil
	}
	msgs := make([]string, len(s.errs))
	for i, err := range s.errs {
		msgs[i] = err.Error()
	}
	return fmt.Errorf("configuration: %s", strings.Join(msgs, "; "))
}

// Vars returns the declared settings, sorted by variable name.
func (s *Set) Vars() []Var {
	vars := append([]Var(nil), s.vars...)
	sort.Slice(vars, func(i, j int) bool { return vars[i].Env < vars[j].Env })
	return vars
}

// Usage writes a table of the settings, as the README shows it.
func (s *Set) Usage(w io.Writer) {
	fmt.Fprintf(w, "| variable | flag | default | meaning |\n| --- | --- | --- | --- |\n")
	for _, v := range s.Vars() {
		def := "`" + v.Default + "`"
		if v.Default == "" {
			def = "(empty)"
		}
		fmt.Fprintf(w, "| `%s` | `-%s` | %s | %s |\n", v.Env, v.Flag, def, v.Usage)
	}
}

func (s *Set) declare(name, env, def, usage string) {
	s.vars = append(s.vars, Var{Flag: name, Env: env, Default: def, Usage: usage})
}

func (s *Set) lookup(env, def string) string {
	if v := s.getenv(env); v != "" {
		return v
	}
	return def
}

func parse[T any](s *Set, env string, def T, conv func(string) (T, error)) T {
	raw := s.getenv(env)
	if raw == "" {
		return def
	}
	v, err := conv(raw)
	if err != nil {
		s.errs = append(s.errs, fmt.Errorf("%s=%q: %v", env, raw, err))
		return def
	}
	return v
}
