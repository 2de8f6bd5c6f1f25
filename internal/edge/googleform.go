package edge

import (
	"strings"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/contactnorm"
)

// googleForm is what a lead form's columns say, sorted into the lead.
type googleForm struct {
	contact v1.Contact
	product string
	answers []v1.FormAnswer
}

// readGoogleForm maps a lead form's columns onto the lead. Google cannot be asked to fix
// a value, so nothing is dropped: the contact columns fill the contact (a country name
// becomes its code, a national phone number is read in that country or the campaign's,
// an unreadable one is kept as typed), the product is the answer to one of the
// campaign's product questions, and every other answer (custom and qualifying
// questions, an address, whatever could not be read) is kept in spec.source.answers.
func readGoogleForm(cols []googleColumn, intake *v1.CampaignIntake) googleForm {
	if intake == nil {
		intake = &v1.CampaignIntake{}
	}
	var f googleForm
	var first, last, phone, phoneKind string
	for _, col := range cols {
		v := strings.TrimSpace(col.StringValue)
		if v == "" {
			continue
		}
		question := col.ColumnName
		if question == "" {
			question = col.ColumnID
		}
		switch id := strings.ToUpper(col.ColumnID); {
		case f.product == "" && asksProduct(col, intake.ProductQuestions):
			f.product = clip(v, 200)
			f.answers = addAnswer(f.answers, question, v)
		case id == "FULL_NAME" && f.contact.Name == "":
			f.contact.Name = v
		case id == "FIRST_NAME":
			first = v
		case id == "LAST_NAME":
			last = v
		case (id == "EMAIL" || id == "WORK_EMAIL") && f.contact.Email == "" && len(v) <= 254 && emailRule.MatchString(v):
			f.contact.Email = v
		case (id == "PHONE_NUMBER" || id == "WORK_PHONE") && phone == "":
			phone, phoneKind = v, id
		case id == "COMPANY_NAME" && f.contact.Company == "":
			f.contact.Company = v
		case id == "COUNTRY" && f.contact.Country == "" && contactnorm.Country(v) != "":
			f.contact.Country = contactnorm.Country(v)
		default:
			f.answers = addAnswer(f.answers, question, v)
		}
	}
	if f.contact.Name == "" {
		f.contact.Name = strings.TrimSpace(first + " " + last)
	}
	f.contact.Name, f.contact.Company = clip(f.contact.Name, 200), clip(f.contact.Company, 200)
	if phone != "" {
		f.contact.Phone = phone
		readPhones(&f.contact, intake.Country)
		if f.contact.PhoneAsGiven != "" {
			f.answers = addAnswer(f.answers, phoneKind, phone)
		}
	}
	if f.product == "" {
		f.product = intake.Product
	}
	return f
}

// asksProduct says whether a column is one of the campaign's product questions, named
// by its column_id or its text.
func asksProduct(col googleColumn, questions []string) bool {
	for _, q := range questions {
		q = strings.TrimSpace(q)
		if q != "" && (strings.EqualFold(q, strings.TrimSpace(col.ColumnID)) || strings.EqualFold(q, strings.TrimSpace(col.ColumnName))) {
			return true
		}
	}
	return false
}
