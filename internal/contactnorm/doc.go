// Package contactnorm reads contact details people type into forms (a country's name, a
// phone number in national form) into the forms the Lead API stores (an ISO 3166 code,
// E.164). Pure functions: no Kubernetes, no network.
package contactnorm
