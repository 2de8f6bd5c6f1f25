package edge

import (
	"context"
	"github.com/followup-io/followup-operator/internal/indexes"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// numberOwners are the served namespaces holding a WhatsApp Channel whose
// spec.whatsapp.phoneNumberId is the business number a webhook change is about. Only
// leads of these namespaces may be changed by it: one business number belongs to one
// team, and a customer's number alone says nothing about which team they wrote to.
func (s *Server) numberOwners(ctx context.Context, phoneNumberID string) ([]string, error) {
	if phoneNumberID == "" {
		return nil, nil
	}
	var chs v1.ChannelList
	if err := s.Client.List(ctx, &chs, client.MatchingFields{indexes.ChannelPhoneNumberID: phoneNumberID}); err != nil {
		return nil, err
	}
	var owners []string
	for _, c := range chs.Items {
		if c.Spec.Type == v1.ChannelWhatsApp && s.allowed(c.Namespace) && !slices.Contains(owners, c.Namespace) {
			owners = append(owners, c.Namespace)
		}
	}
	slices.Sort(owners)
	return owners, nil
}
