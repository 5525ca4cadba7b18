package config

import (
	"strings"
	"testing"
	"time"
)

type settings struct {
	addr    string
	workers int
	debug   bool
	timeout time.Duration
}

func declare(env map[string]string) (*Set, *settings) {
	var s settings
	set := New("test", func(k string) string { return env[k] })
	set.String(&s.addr, "addr", "T_ADDR", ":8080", "listen address")
	set.Int(&s.workers, "workers", "T_WORKERS", 4, "workers")
	set.Bool(&s.debug, "debug", "T_DEBUG", false, "debug")
	set.Duration(&s.timeout, "timeout", "T_TIMEOUT", 30*time.Second, "timeout")
	return set, &s
}

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want settings
	}{
		{"defaults", nil, nil, settings{":8080", 4, false, 30 * time.Second}},
		{"environment", map[string]string{"T_ADDR": ":1", "T_WORKERS": "2", "T_DEBUG": "true", "T_TIMEOUT": "1m"}, nil,
			settings{":1", 2, true, time.Minute}},
		{"flag wins", map[string]string{"T_ADDR": ":1"}, []string{"-addr", ":2", "-workers", "8"},
			settings{":2", 8, false, 30 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, got := declare(tt.env)
			if err := set.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Fatalf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestBadValuesAreNamed(t *testing.T) {
	set, _ := declare(map[string]string{"T_WORKERS": "many", "T_TIMEOUT": "soon"})
	err := set.Parse(nil)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{`T_WORKERS="many"`, `T_TIMEOUT="soon"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestUsageListsEveryVariable(t *testing.T) {
	set, _ := declare(nil)
	var b strings.Builder
	set.Usage(&b)
	for _, want := range []string{"`T_ADDR` | `-addr` | `:8080`", "`T_TIMEOUT` | `-timeout` | `30s`"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, b.String())
		}
	}
}
