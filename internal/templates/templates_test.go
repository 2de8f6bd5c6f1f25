package templates

import (
	"strings"
	"testing"
)

func TestCompileRejectsWhatCannotRender(t *testing.T) {
	cases := []struct {
		name string
		src  Source
		want string
	}{
		{"unknown field", Source{Body: "Hi {{ .Email }}"}, "body: line 1:6: unknown variable .Email"},
		{"unknown nested field", Source{Subject: "{{ .Owner.Phone }}", Body: "x"}, "subject: line 1:9: unknown variable .Owner.Phone"},
		{"undeclared var", Source{Body: "{{ .Vars.offer }}", Variables: map[string]string{"discount": "5%"}}, "declare \"offer\" under the template's variables (declared: discount)"},
		{"root variable checked too", Source{Body: "{{ if .Name }}{{ $.Phone }}{{ end }}"}, "unknown variable .Phone"},
		{"inside if and else", Source{Body: "{{ if .Product }}a{{ else }}{{ .Nope }}{{ end }}"}, "unknown variable .Nope"},
		{"range refused", Source{Body: "{{ range .Vars }}x{{ end }}"}, "range is not supported"},
		{"with refused", Source{Body: "{{ with .Owner }}{{ .Name }}{{ end }}"}, "with is not supported in message templates; use if"},
		{"parse error", Source{Body: "{{ .Name "}, "body: does not parse"},
		{"unknown function", Source{Body: "{{ shout .Name }}"}, "function \"shout\" not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile("t", tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Compile error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestRenderFillsDocumentedAndDeclaredVariables(t *testing.T) {
	c, err := Compile("intro", Source{
		Subject:   "{{ .Company }}: your inquiry about {{ .Product }}",
		Body:      "Hello {{ .FirstName }}, I'm {{ .Owner.Name }}. {{ if .Keyword }}You searched for {{ .Keyword }}. {{ end }}Offer: {{ .Vars.offer }} (touch {{ .Touch }}, {{ printf \"%q\" .Step }})",
		Variables: map[string]string{"offer": "free sample"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Render(Data{
		FirstName: FirstName("Hanna Kowalczyk"), Company: "Kowalczyk Maszyny", Product: "CNC laser",
		Owner: Owner{Name: "Anna"}, Touch: 2, Step: "send-catalog",
		Vars: map[string]string{"offer": "5% off", "ignored": "not declared"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "Kowalczyk Maszyny: your inquiry about CNC laser" {
		t.Errorf("subject = %q", got.Subject)
	}
	if want := `Hello Hanna, I'm Anna. Offer: 5% off (touch 2, "send-catalog")`; got.Body != want {
		t.Errorf("body = %q, want %q", got.Body, want)
	}
	// Without an override the declared default is used.
	got, err = c.Render(Data{FirstName: "Jo"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Body, "Offer: free sample") {
		t.Errorf("default variable not used: %q", got.Body)
	}
}

func TestFirstName(t *testing.T) {
	for in, want := range map[string]string{"Hanna Kowalczyk": "Hanna", "  Li  Wei ": "Li", "": "", "Cher": "Cher"} {
		if got := FirstName(in); got != want {
			t.Errorf("FirstName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCompile: no template text may panic the checker, and what compiles must render.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{"Hello {{ .FirstName }}", "{{ if .X }}{{ end }}", "{{ $x := .Name }}{{ $x }}", "{{ .Vars.a }}", "{{ (.Owner).Name }}", "{{ len .Vars | printf \"%d\" }}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c, err := Compile("f", Source{Body: body, Variables: map[string]string{"a": "1"}})
		if err != nil {
			return
		}
		// Rendering may fail (for example index out of range) but must not panic.
		_, _ = c.Render(Data{Vars: map[string]string{"a": "2"}})
	})
}
