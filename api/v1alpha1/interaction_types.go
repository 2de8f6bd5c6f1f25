package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// InteractionSpec is one event with a lead's customer, as a tool or webhook reported it.
// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="an Interaction is recorded once and never changed"
type InteractionSpec struct {
	// lead is the Lead (in this namespace) the interaction belongs to.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Lead string `json:"lead"`

	InteractionEntry `json:",inline"`
}

// Interaction is an event recorded for a lead (a reply, a call, a receipt). Recorders
// (the inbound edge, kubectl followup, a CRM) create one object per event, named after
// the event's id so a retry is an AlreadyExists no-op; the lead controller folds it
// into the lead's status.interactions and then deletes it. Concurrent events for one
// lead never contend for the lead object, and no event is refused for lack of room.
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=fint,categories=followup
// +kubebuilder:selectablefield:JSONPath=`.spec.lead`
// +kubebuilder:validation:XValidation:rule="has(self.spec.id) && size(self.spec.id) > 0",message="spec.id is required: the source's id of the event, so it is recorded once"
// +kubebuilder:printcolumn:name="Lead",type=string,JSONPath=`.spec.lead`
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=`.spec.kind`
// +kubebuilder:printcolumn:name="At",type=string,JSONPath=`.spec.at`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Interaction struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec InteractionSpec `json:"spec"`
}

// InteractionList is a list of Interaction.
// +kubebuilder:object:root=true
type InteractionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Interaction `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Interaction{}, &InteractionList{})
}
