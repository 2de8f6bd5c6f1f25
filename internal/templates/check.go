package templates

import (
	"fmt"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"
)

// Compiled is a checked message template, ready to render.
type Compiled struct {
	Name    string
	subject *template.Template
	body    *template.Template
	vars    map[string]string
}

// Source is a template as the policy declares it.
type Source struct {
	Subject   string
	Body      string
	Variables map[string]string
}

// Compile parses subject and body and checks that they read only documented variables
// and the template's own declared ones. Errors name the part and the offending variable.
func Compile(name string, src Source) (*Compiled, error) {
	c := &Compiled{Name: name, vars: src.Variables}
	var err error
	if c.subject, err = parsePart(name, "subject", src.Subject, src.Variables); err != nil {
		return nil, err
	}
	if c.body, err = parsePart(name, "body", src.Body, src.Variables); err != nil {
		return nil, err
	}
	return c, nil
}

func parsePart(name, part, text string, declared map[string]string) (*template.Template, error) {
	t, err := template.New(name + "." + part).Option("missingkey=error").Parse(text)
	if err != nil {
		// text/template errors carry the template name and line, never data.
		return nil, fmt.Errorf("%s: does not parse: %v", part, stripPrefix(err.Error()))
	}
	if t.Tree == nil {
		return t, nil
	}
	ck := checker{tree: t.Tree, declared: declared}
	if err := ck.node(t.Tree.Root); err != nil {
		return nil, fmt.Errorf("%s: %w", part, err)
	}
	return t, nil
}

// stripPrefix drops text/template's "template: NAME:" prefix, which repeats what the
// caller already says.
func stripPrefix(msg string) string {
	msg = strings.TrimPrefix(msg, "template: ")
	if i := strings.Index(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// node walks the parse tree. range, with, template and define change or hide what
// dot is, so they are refused: the data has no lists and no nested templates.
func (ck checker) node(n parse.Node) error {
	switch n := n.(type) {
	case nil:
		return nil
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := ck.node(c); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return ck.pipe(n.Pipe)
	case *parse.IfNode:
		if err := ck.pipe(n.Pipe); err != nil {
			return err
		}
		if err := ck.node(n.List); err != nil {
			return err
		}
		return ck.node(n.ElseList)
	case *parse.RangeNode:
		return fmt.Errorf("%s: range is not supported in message templates", ck.where(n))
	case *parse.WithNode:
		return fmt.Errorf("%s: with is not supported in message templates; use if", ck.where(n))
	case *parse.TemplateNode:
		return fmt.Errorf("%s: nested templates are not supported", ck.where(n))
	}
	return nil
}

func (ck checker) pipe(p *parse.PipeNode) error {
	if p == nil {
		return nil
	}
	for _, cmd := range p.Cmds {
		for _, arg := range cmd.Args {
			if err := ck.arg(arg); err != nil {
				return err
			}
		}
	}
	return nil
}

func (ck checker) arg(arg parse.Node) error {
	switch a := arg.(type) {
	case *parse.FieldNode:
		return ck.path(a, a.Ident)
	case *parse.VariableNode:
		// $ is the root data; $x variables are set by the template itself.
		if len(a.Ident) > 1 && a.Ident[0] == "$" {
			return ck.path(a, a.Ident[1:])
		}
	case *parse.ChainNode:
		return fmt.Errorf("%s: unsupported expression %s: read variables as .Name", ck.where(a), a.String())
	case *parse.PipeNode:
		return ck.pipe(a)
	}
	return nil
}

func (ck checker) path(at parse.Node, ident []string) error {
	declared := ck.declared
	path := strings.Join(ident, ".")
	if len(ident) == 2 && ident[0] == "Vars" {
		if _, ok := declared[ident[1]]; ok {
			return nil
		}
		return fmt.Errorf("%s: unknown variable .%s: declare %q under the template's variables%s",
			ck.where(at), path, ident[1], declaredList(declared))
	}
	if variables[path] {
		return nil
	}
	return fmt.Errorf("%s: unknown variable .%s (documented: %s)", ck.where(at), path, strings.Join(Documented(), ", "))
}

func declaredList(declared map[string]string) string {
	if len(declared) == 0 {
		return ""
	}
	names := make([]string, 0, len(declared))
	for k := range declared {
		names = append(names, k)
	}
	sort.Strings(names)
	return " (declared: " + strings.Join(names, ", ") + ")"
}

// checker walks a parse tree and reports nodes by line and column.
type checker struct {
	tree     *parse.Tree
	declared map[string]string
}

// where is "line L:C" of a node, from the tree's own error context.
func (ck checker) where(n parse.Node) string {
	loc, _ := ck.tree.ErrorContext(n)
	// loc is "NAME:LINE:COL"; NAME is the caller's to say.
	if i := strings.Index(loc, ":"); i >= 0 {
		return "line " + loc[i+1:]
	}
	return loc
}
