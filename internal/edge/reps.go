package edge

import "github.com/followup-io/followup-operator/internal/actionlink"

// queueView is a rep's queue page.
type queueView struct {
	Rep      string
	Now      string
	Total    int
	Sections []queueSection
}

type queueSection struct {
	ID, Title string
	Rows      []queueRow
}

type queueRow struct {
	Name, Company, Phase, Stage, Due string
	Back                             string
	Buttons                          []actionlink.Button
}
