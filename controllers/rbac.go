package controllers

// Permissions the manager itself needs besides those of each controller.
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch

// The inbound edge (internal/edge) creates leads from intake and appends interactions to
// their spec; its markers live here because controller-gen scans this package.
// +kubebuilder:rbac:groups=followup.io,resources=leads,verbs=create;update

// Interactions are the inbox of events for leads: recorders (the edge, kubectl followup)
// create them; the lead controller folds them into the lead's status and deletes them.
// +kubebuilder:rbac:groups=followup.io,resources=interactions,verbs=get;list;watch;create;delete
