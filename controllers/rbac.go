package controllers

// Permissions the manager itself needs besides those of each controller.
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch

// The inbound edge (internal/edge) creates leads from intake and Interaction objects for
// events, and reads each served namespace's own credentials (the Secret followup-edge)
// with get; its markers live here because controller-gen scans this package.
// +kubebuilder:rbac:groups=followup.io,resources=leads,verbs=create;update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get

// Interactions are the inbox of events for leads: recorders (the edge, kubectl followup)
// create them; the lead controller folds them into the lead's status and deletes them.
// +kubebuilder:rbac:groups=followup.io,resources=interactions,verbs=get;list;watch;create;delete
