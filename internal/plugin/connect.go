package plugin

import (
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Connect resolves the kubeconfig the way kubectl does (flag, KUBECONFIG, ~/.kube/config)
// and returns a client, the namespace (flag, else the context's, else default) and the
// kubeconfig user's name (the default recorder of an interaction).
func Connect(kubeconfig, context, namespace string) (client.Client, string, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: context}
	if namespace != "" {
		overrides.Context.Namespace = namespace
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, "", "", err
	}
	ns, _, err := cc.Namespace()
	if err != nil {
		return nil, "", "", err
	}
	user := ""
	if raw, err := cc.RawConfig(); err == nil {
		ctxName := raw.CurrentContext
		if context != "" {
			ctxName = context
		}
		if c, ok := raw.Contexts[ctxName]; ok {
			user = c.AuthInfo
		}
	}
	scheme := runtime.NewScheme()
	utilruntime.Must(v1.AddToScheme(scheme))
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	return c, ns, user, err
}
