package templates

import (
	"strings"
)

// Rendered is a message ready to send.
type Rendered struct {
	Subject string
	Body    string
}

// Render fills the template with d. The template's declared variables are defaults
// that d.Vars overrides.
func (c *Compiled) Render(d Data) (Rendered, error) {
	vars := make(map[string]string, len(c.vars)+len(d.Vars))
	for k, v := range c.vars {
		vars[k] = v
	}
	for k, v := range d.Vars {
		if _, ok := c.vars[k]; ok {
			vars[k] = v
		}
	}
	d.Vars = vars
	var subject, body strings.Builder
	if err := c.subject.Execute(&subject, d); err != nil {
		return Rendered{}, err
	}
	if err := c.body.Execute(&body, d); err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: subject.String(), Body: body.String()}, nil
}

// FirstName is the first word of a full name ("Hanna Kowalczyk" -> "Hanna").
func FirstName(fullName string) string {
	f := strings.Fields(fullName)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
