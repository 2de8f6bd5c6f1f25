// Package crddefaults applies the CRDs' OpenAPI defaults to objects read from files, the
// same structural defaulting the API server runs on create, so an offline simulation
// sees the policy the cluster would store.
package crddefaults

import (
	"fmt"
	"io/fs"
	"sync"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"sigs.k8s.io/yaml"

	"github.com/followup-io/followup-operator/config/crd"
)

var (
	once    sync.Once
	schemas map[string]*structuralschema.Structural // by kind
	loadErr error
)

func load() {
	schemas = map[string]*structuralschema.Structural{}
	loadErr = fs.WalkDir(crd.Bases, "bases", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := crd.Bases.ReadFile(path)
		if err != nil {
			return err
		}
		var def apiextensionsv1.CustomResourceDefinition
		if err := yaml.Unmarshal(b, &def); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, v := range def.Spec.Versions {
			if !v.Storage || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			var internal apiextensions.JSONSchemaProps
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
				return err
			}
			s, err := structuralschema.NewStructural(&internal)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			schemas[def.Spec.Names.Kind] = s
		}
		return nil
	})
}

// Apply fills in the defaults of kind's CRD schema into obj, a decoded JSON/YAML object
// (map[string]interface{}).
func Apply(kind string, obj map[string]interface{}) error {
	once.Do(load)
	if loadErr != nil {
		return loadErr
	}
	s, ok := schemas[kind]
	if !ok {
		return fmt.Errorf("no CRD for kind %q", kind)
	}
	defaulting.Default(obj, s)
	return nil
}

// Decode reads one YAML or JSON object of kind into out with the CRD defaults applied.
func Decode(kind string, doc []byte, out interface{}) error {
	var m map[string]interface{}
	if err := yaml.Unmarshal(doc, &m); err != nil {
		return err
	}
	if got, _ := m["kind"].(string); got != kind {
		return fmt.Errorf("want a %s, got kind %q", kind, got)
	}
	if err := Apply(kind, m); err != nil {
		return err
	}
	b, err := yaml.Marshal(m)
	if err != nil {
		return err
	}
	return yaml.UnmarshalStrict(b, out)
}
