// Package templates parses, checks and renders the policy's message templates. It has
// no Kubernetes client: the policy controller checks templates with it, the
// dispatcher renders them.
package templates

// Data is what a template sees. Its fields are the documented variables
// (docs/templates.md); keep the two in step.
type Data struct {
	// FirstName is the first word of the contact's name.
	FirstName string
	// Name is the contact's full name.
	Name    string
	Company string
	Country string
	Product string
	Owner   Owner

	Campaign string
	AdGroup  string
	Keyword  string
	Region   string

	// Step is the step name; Touch counts touches from 1.
	Step  string
	Touch int

	// Vars holds the template's declared variables, with the lead's overrides.
	Vars map[string]string

	// Order is the order a won lead's after-sales cadence follows; empty otherwise.
	Order Order
}

// Order is an order as the shop or ERP reported it (the order webhook).
type Order struct {
	ID       string
	Carrier  string
	Tracking string
}

// Owner is the rep the lead belongs to.
type Owner struct {
	Name string
}

// variables lists the field paths a template may read, besides .Vars.<declared>.
var variables = map[string]bool{
	"FirstName": true, "Name": true, "Company": true, "Country": true, "Product": true,
	"Owner": true, "Owner.Name": true,
	"Campaign": true, "AdGroup": true, "Keyword": true, "Region": true,
	"Step": true, "Touch": true, "Vars": true,
	"Order": true, "Order.ID": true, "Order.Carrier": true, "Order.Tracking": true,
}

// Documented returns the documented variable paths, for error messages and docs.
func Documented() []string {
	return []string{".FirstName", ".Name", ".Company", ".Country", ".Product", ".Owner.Name",
		".Campaign", ".AdGroup", ".Keyword", ".Region", ".Step", ".Touch", ".Vars.<name>",
		".Order.ID", ".Order.Carrier", ".Order.Tracking"}
}
