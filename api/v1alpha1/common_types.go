package v1alpha1

// Money is an amount in a currency. The amount is a decimal string so that no
// precision is lost in YAML or JSON ("38000", "99.50").
type Money struct {
	// amount is a non-negative decimal with up to four fractional digits.
	// +kubebuilder:validation:MaxLength=24
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]+([.][0-9]{1,4})?$')",message="amount must be a non-negative decimal such as 12000 or 99.50"
	Amount string `json:"amount"`

	// currency is an ISO 4217 code such as EUR or USD.
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Z]{3}$')",message="currency must be a three-letter ISO 4217 code such as EUR"
	// +kubebuilder:validation:MaxLength=3
	Currency string `json:"currency"`
}

// SecretKeyRef names a key of a Secret in the object's own namespace.
type SecretKeyRef struct {
	// name of the Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// key in the Secret; each channel type documents the keys it reads when unset.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key,omitempty"`
}
