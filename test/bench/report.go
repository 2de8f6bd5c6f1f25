package main

import (
	"fmt"
	"io"
	"strings"
)

// row is one figure of the table, with its target beside it.
type row struct {
	phase, figure, value, target string
	verdict                      string // "ok", "MISS", or "" (a figure without a target)
}

type report struct {
	rows  []row
	notes []string
}

func (r *report) add(phase, figure, value string) {
	r.rows = append(r.rows, row{phase: phase, figure: figure, value: value})
}

// check adds a figure with a target; met says whether it is reached.
func (r *report) check(phase, figure, value, target string, met bool) {
	v := "MISS"
	if met {
		v = "ok"
	}
	r.rows = append(r.rows, row{phase, figure, value, target, v})
}

func (r *report) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// print writes a Markdown table (it goes into docs/benchmark.md as it is).
func (r *report) print(w io.Writer) {
	head := row{"phase", "figure", "value", "target", "met"}
	cols := func(x row) []string { return []string{x.phase, x.figure, x.value, x.target, x.verdict} }
	width := make([]int, 5)
	for _, x := range append([]row{head}, r.rows...) {
		for i, c := range cols(x) {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	line := func(cs []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cs {
			b.WriteString(" " + c + strings.Repeat(" ", width[i]-len([]rune(c))) + " |")
		}
		fmt.Fprintln(w, b.String())
	}
	line(cols(head))
	sep := make([]string, 5)
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	prev := ""
	for _, x := range r.grouped() {
		c := cols(x)
		if x.phase == prev {
			c[0] = ""
		}
		prev = x.phase
		line(c)
	}
	for _, n := range r.notes {
		fmt.Fprintln(w, "- "+n)
	}
}

// grouped keeps rows in order but brings each phase's rows together (a phase may add
// rows later, e.g. sizes sampled during the burst).
func (r *report) grouped() []row {
	var order []string
	by := map[string][]row{}
	for _, x := range r.rows {
		if _, ok := by[x.phase]; !ok {
			order = append(order, x.phase)
		}
		by[x.phase] = append(by[x.phase], x)
	}
	var out []row
	for _, p := range order {
		out = append(out, by[p]...)
	}
	return out
}
