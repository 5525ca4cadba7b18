package main

import (
	"path"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// secretSettings must come from Secrets (secretKeyRef), never from a value.
var secretSettings = map[string]bool{
	"SAS_SERVICE_SECRET": true, "SAS_PAGE_TOKEN_KEY": true,
	"SAS_POSTGRES_URL": true, "SAS_REDIS_URL": true,
}

// autoscaled are the Deployments that must have a HorizontalPodAutoscaler.
var autoscaled = []string{"search", "availability"}

// Manifest is one rendered kustomization.
type Manifest struct {
	dir  string
	objs []Object
}

// Workload is a pod template with the object that holds it.
type Workload struct {
	Object
	Pod corev1.PodTemplateSpec
	// Selector is the Deployment's selector (nil for a Job).
	Selector *metav1.LabelSelector
}

func newManifest(dir string, objs []Object) *Manifest { return &Manifest{dir: dir, objs: objs} }

// workloads returns the Deployments and Jobs.
func (m *Manifest) workloads() []Workload {
	var out []Workload
	for _, o := range m.objs {
		switch obj := o.Obj.(type) {
		case *appsv1.Deployment:
			out = append(out, Workload{o, obj.Spec.Template, obj.Spec.Selector})
		case *batchv1.Job:
			out = append(out, Workload{o, obj.Spec.Template, nil})
		}
	}
	return out
}

func (m *Manifest) find(kind, name string) (Object, bool) {
	for _, o := range m.objs {
		if o.Kind == kind && o.Name == name {
			return o, true
		}
	}
	return Object{}, false
}

// check runs the object-level rules.
func (m *Manifest) check(r *Report, src *Source, readme string) {
	fail := func(o Object, format string, args ...any) { r.Fail(m.dir, o.ID(), format, args...) }
	secrets := map[string]bool{}
	for _, o := range m.objs {
		switch obj := o.Obj.(type) {
		case *corev1.Secret:
			fail(o, "Secrets are created by the operator and only referenced here (deploy/README.md)")
		case *corev1.ConfigMap:
			for k := range obj.Data {
				if secretSettings[k] {
					fail(o, "%s is a secret: reference it from a Secret", k)
				}
			}
		case *corev1.Service:
			m.checkService(fail, o, obj)
		case *policyv1.PodDisruptionBudget:
			if m.selected(obj.Spec.Selector) == 0 {
				fail(o, "its selector matches no workload")
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			m.checkHPA(fail, o, obj)
		case *networkingv1.Ingress:
			m.checkIngress(fail, o, obj)
		}
	}
	for _, w := range m.workloads() {
		m.checkWorkload(fail, w, src, secrets)
	}
	m.checkCoverage(fail)
	for _, ref := range keys(secrets) {
		name, key, _ := strings.Cut(ref, "/")
		if !strings.Contains(readme, "`"+name+"`") || !strings.Contains(readme, "`"+key+"`") {
			r.Fail(m.dir, "", "Secret %s (key %s) is referenced but deploy/README.md does not tell how to create it", name, key)
		}
	}
}

// selected counts the workloads whose pods sel matches.
func (m *Manifest) selected(sel *metav1.LabelSelector) int {
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil || s.Empty() {
		return 0
	}
	n := 0
	for _, w := range m.workloads() {
		if s.Matches(labels.Set(w.Pod.Labels)) {
			n++
		}
	}
	return n
}

func (m *Manifest) checkService(fail func(Object, string, ...any), o Object, svc *corev1.Service) {
	var pods []Workload
	for _, w := range m.workloads() {
		if len(svc.Spec.Selector) > 0 && labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(w.Pod.Labels)) {
			pods = append(pods, w)
		}
	}
	if len(pods) == 0 {
		fail(o, "its selector matches no workload")
		return
	}
	for _, p := range svc.Spec.Ports {
		if p.TargetPort.StrVal != "" && !hasPort(pods[0].Pod.Spec, p.TargetPort.StrVal) {
			fail(o, "targetPort %q is no container port of %s", p.TargetPort.StrVal, pods[0].Name)
		}
		if p.Name == "grpc" && svc.Spec.ClusterIP != corev1.ClusterIPNone {
			fail(o, "gRPC Services are headless (clusterIP: None) for client-side load balancing")
		}
	}
}

func hasPort(spec corev1.PodSpec, name string) bool {
	for _, c := range spec.Containers {
		for _, p := range c.Ports {
			if p.Name == name {
				return true
			}
		}
	}
	return false
}

func (m *Manifest) checkHPA(fail func(Object, string, ...any), o Object, hpa *autoscalingv2.HorizontalPodAutoscaler) {
	ref := hpa.Spec.ScaleTargetRef
	target, ok := m.find(ref.Kind, ref.Name)
	if !ok {
		fail(o, "scaleTargetRef %s/%s does not exist", ref.Kind, ref.Name)
		return
	}
	if d, ok := target.Obj.(*appsv1.Deployment); ok && d.Spec.Replicas != nil {
		fail(o, "%s sets replicas: the autoscaler owns that field, leave it out", target.ID())
	}
	if len(hpa.Spec.Metrics) == 0 {
		fail(o, "no metrics")
	}
}

func (m *Manifest) checkIngress(fail func(Object, string, ...any), o Object, ing *networkingv1.Ingress) {
	for _, rule := range ing.Spec.Rules {
		if rule.HTTP == nil {
			continue
		}
		for _, p := range rule.HTTP.Paths {
			if p.Backend.Service == nil {
				continue
			}
			if _, ok := m.find("Service", p.Backend.Service.Name); !ok {
				fail(o, "backend Service %q does not exist", p.Backend.Service.Name)
			}
		}
	}
}

// checkCoverage wants a PodDisruptionBudget for every Deployment and the
// autoscalers the design asks for.
func (m *Manifest) checkCoverage(fail func(Object, string, ...any)) {
	for _, w := range m.workloads() {
		if w.Kind != "Deployment" {
			continue
		}
		covered := false
		for _, o := range m.objs {
			if pdb, ok := o.Obj.(*policyv1.PodDisruptionBudget); ok {
				s, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
				covered = covered || (err == nil && !s.Empty() && s.Matches(labels.Set(w.Pod.Labels)))
			}
		}
		if !covered {
			fail(w.Object, "no PodDisruptionBudget covers its pods")
		}
	}
	for _, name := range autoscaled {
		found := false
		for _, o := range m.objs {
			if hpa, ok := o.Obj.(*autoscalingv2.HorizontalPodAutoscaler); ok && hpa.Spec.ScaleTargetRef.Name == name {
				found = true
			}
		}
		if !found {
			fail(Object{Kind: "Deployment", Name: name}, "no HorizontalPodAutoscaler")
		}
	}
}

// binary is the SAS binary an image runs: the last path element of its name.
func binary(image string) string {
	name := image
	if i := strings.IndexAny(name, "@"); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name = name[:i]
	}
	return path.Base(name)
}

// imageTag returns the tag (or digest) of an image reference.
func imageTag(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		return image[i+1:]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		return image[i+1:]
	}
	return ""
}
