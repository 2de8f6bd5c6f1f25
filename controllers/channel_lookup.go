package controllers

import (
	"context"
	"fmt"
	"github.com/followup-io/followup-operator/internal/secrets"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/senders"
)

// ChannelLookup gives the senders a channel and its credentials. Channels come from the
// cache; Secrets are read straight from the API server (the manager's API reader, kept
// for a few seconds by a secrets.Cache), so the operator needs only `get` on Secrets and
// never caches every Secret of the namespaces it watches.
type ChannelLookup struct {
	Channels client.Reader
	Secrets  *secrets.Cache
}

// +kubebuilder:rbac:groups="",resources=secrets,verbs=get

// Channel implements senders.Lookup.
func (c ChannelLookup) Channel(ctx context.Context, namespace, name string) (*v1.Channel, senders.Credentials, error) {
	var ch v1.Channel
	if err := c.Channels.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, &ch); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil, fmt.Errorf("%w: %s/%s", senders.ErrChannelNotFound, namespace, name)
		}
		return nil, nil, err
	}
	if ch.Spec.CredentialsRef == nil {
		return &ch, nil, nil
	}
	data, err := c.Secrets.Get(ctx, types.NamespacedName{Namespace: namespace, Name: ch.Spec.CredentialsRef.Name})
	if err != nil {
		return &ch, nil, fmt.Errorf("channel %s: reading its Secret %q: %w", name, ch.Spec.CredentialsRef.Name, err)
	}
	return &ch, senders.Credentials(data), nil
}
