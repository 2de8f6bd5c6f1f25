// Package company says which leads belong to one company: the same CRM company id, or
// the same email domain when that domain is a company's and not a free-mail provider's.
// It has no Kubernetes client; internal/indexes indexes leads by its keys.
package company

import (
	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/contactkey"
)

// Keys are a contact's company keys: "id:<companyId>" and, for an email at a company
// domain, the domain's hashed key (the index holds no domain in the clear). Two leads
// sharing a key are one company. None for a free-mail address without a company id.
func Keys(c v1.Contact) []string {
	var out []string
	if c.CompanyID != "" {
		out = append(out, "id:"+c.CompanyID)
	}
	if k, ok := contactkey.CompanyDomain(c.Email); ok {
		out = append(out, k.String())
	}
	return out
}
