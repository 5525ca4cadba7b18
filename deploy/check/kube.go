package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"
)

// Object is one rendered Kubernetes object, decoded into its API type.
type Object struct {
	Kind, Name string
	// Files are the files under deploy/k8s that declare or patch it.
	Files []string
	Obj   runtime.Object
}

// ID names the object as kubectl does, with the files it comes from.
func (o Object) ID() string {
	return fmt.Sprintf("%s/%s (%s)", o.Kind, o.Name, strings.Join(o.Files, ", "))
}

// newDecoder decodes YAML strictly, as the API server does with
// fieldValidation=Strict: unknown or duplicate fields and wrong types fail.
func newDecoder() (runtime.Decoder, error) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, policyv1.AddToScheme,
		autoscalingv2.AddToScheme, networkingv1.AddToScheme, rbacv1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			return nil, err
		}
	}
	return kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
		kjson.SerializerOptions{Yaml: true, Strict: true}), nil
}

// kustomizations lists the folders under k8s that hold a kustomization.
func kustomizations(k8s string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(k8s, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "kustomization.yaml" {
			dirs = append(dirs, filepath.Dir(path))
		}
		return err
	})
	sort.Strings(dirs)
	return dirs, err
}

// render builds the kustomization in dir and decodes every object.
func render(dir string, dec runtime.Decoder, index map[string][]string) ([]Object, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resources, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build: %w", err)
	}
	var objs []Object
	var errs []error
	for _, res := range resources.Resources() {
		kind, name := res.GetKind(), res.GetName()
		files := index[kind+"/"+strings.TrimSuffix(name, hashSuffix(name))]
		raw, err := res.AsYAML()
		if err == nil {
			var obj runtime.Object
			obj, _, err = dec.Decode(raw, nil, nil)
			if err == nil {
				objs = append(objs, Object{Kind: kind, Name: name, Files: files, Obj: obj})
				continue
			}
		}
		errs = append(errs, fmt.Errorf("%s: %w", Object{Kind: kind, Name: name, Files: files}.ID(), err))
	}
	return objs, errors.Join(errs...)
}

// hashSuffix is the "-<hash>" kustomize adds to generated ConfigMaps.
func hashSuffix(name string) string {
	i := strings.LastIndex(name, "-")
	if i < 0 || len(name)-i != 11 {
		return ""
	}
	return name[i:]
}

// indexFiles maps "Kind/name" to the files under k8s that mention it.
func indexFiles(k8s string) (map[string][]string, error) {
	index := map[string][]string{}
	err := filepath.WalkDir(k8s, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".yaml" {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(k8s, path)
		reader := yaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(raw)))
		for {
			doc, err := reader.Read()
			if errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
			var head struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if err := sigsyaml.Unmarshal(doc, &head); err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
			if head.Kind != "" && head.Metadata.Name != "" {
				key := head.Kind + "/" + head.Metadata.Name
				index[key] = append(index[key], filepath.ToSlash(rel))
			}
		}
	})
	return index, err
}

// checkKube renders every kustomization under deploy/k8s and checks it.
func checkKube(r *Report, deploy string, src *Source) {
	k8s := filepath.Join(deploy, "k8s")
	dirs, err := kustomizations(k8s)
	if err == nil && len(dirs) == 0 {
		err = errors.New("no kustomization.yaml")
	}
	if err != nil {
		r.Fail(k8s, "", "%v", err)
		return
	}
	index, err := indexFiles(k8s)
	if err != nil {
		r.Fail(k8s, "", "%v", err)
		return
	}
	dec, err := newDecoder()
	if err != nil {
		r.Fail(k8s, "", "%v", err)
		return
	}
	readme, _ := os.ReadFile(filepath.Join(deploy, "README.md"))
	for _, dir := range dirs {
		objs, err := render(dir, dec, index)
		if err != nil {
			r.Fail(dir, "", "%v", err)
			continue
		}
		failures := r.failures
		m := newManifest(dir, objs)
		m.check(r, src, string(readme))
		checkNetworkPolicies(r, m)
		if r.failures == failures {
			r.OK(dir, "%d objects decoded strictly into the Kubernetes %s API types; workloads, secrets, probes, policies as designed", len(objs), apiVersion)
		}
	}
}

// apiVersion is the Kubernetes release of the API types (k8s.io/api).
const apiVersion = "1.37"
