package main

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// restricted evaluates pods as the "restricted" Pod Security Standard, at
// the release of the API types.
var restricted = func() func(*metav1.ObjectMeta, *corev1.PodSpec) []string {
	eval, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err) // the library's own checks: a programming error
	}
	lv := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	return func(meta *metav1.ObjectMeta, spec *corev1.PodSpec) []string {
		var out []string
		for _, res := range eval.EvaluatePod(lv, meta, spec) {
			if !res.Allowed {
				out = append(out, res.ForbiddenReason+" ("+res.ForbiddenDetail+")")
			}
		}
		return out
	}
}()

// checkWorkload checks a Deployment's or Job's pod template; secrets
// collects the "secret/key" references.
func (m *Manifest) checkWorkload(fail func(Object, string, ...any), w Workload, src *Source, secrets map[string]bool) {
	spec := w.Pod.Spec
	if w.Selector != nil {
		s, err := metav1.LabelSelectorAsSelector(w.Selector)
		if err != nil || s.Empty() || !s.Matches(labels.Set(w.Pod.Labels)) {
			fail(w.Object, "the selector does not match the pod template's labels")
		}
	}
	if _, ok := m.find("ServiceAccount", spec.ServiceAccountName); !ok {
		fail(w.Object, "serviceAccountName %q: no such ServiceAccount (pods get their own, without API token)", spec.ServiceAccountName)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		fail(w.Object, "automountServiceAccountToken must be false: the services never call the Kubernetes API")
	}
	for _, v := range restricted(&w.Pod.ObjectMeta, &spec) {
		fail(w.Object, "Pod Security restricted: %s", v)
	}
	if w.Kind == "Job" && spec.RestartPolicy != corev1.RestartPolicyNever && spec.RestartPolicy != corev1.RestartPolicyOnFailure {
		fail(w.Object, "a Job's pods restart Never or OnFailure")
	}
	for _, v := range spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, s := range v.Projected.Sources {
			if s.Secret != nil {
				for _, item := range s.Secret.Items {
					secrets[s.Secret.Name+"/"+item.Key] = true
				}
			}
		}
	}
	for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		m.checkContainer(func(format string, args ...any) {
			fail(w.Object, "container "+c.Name+": "+format, args...)
		}, c, src, secrets)
	}
	if w.Kind == "Deployment" {
		for _, c := range spec.Containers {
			checkProbes(func(format string, args ...any) { fail(w.Object, "container "+c.Name+": "+format, args...) }, c)
		}
	}
}

func (m *Manifest) checkContainer(fail func(string, ...any), c corev1.Container, src *Source, secrets map[string]bool) {
	bin := binary(c.Image)
	if tag := imageTag(c.Image); tag == "" || tag == "latest" {
		fail("image %q: pin a tag or digest, never latest", c.Image)
	}
	for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[res]; !ok {
			fail("no %s request", res)
		}
		if _, ok := c.Resources.Limits[res]; !ok {
			fail("no %s limit", res)
		}
	}
	env := func(name string) {
		if problem := src.CheckEnv(bin, name); problem != "" {
			fail("%s", problem)
		}
	}
	for _, e := range c.Env {
		if strings.HasPrefix(e.Name, "SAS_") {
			env(e.Name)
		}
		if ref := e.ValueFrom; ref != nil && ref.SecretKeyRef != nil {
			secrets[ref.SecretKeyRef.Name+"/"+ref.SecretKeyRef.Key] = true
		} else if secretSettings[e.Name] {
			fail("%s is a secret: take it from a Secret (secretKeyRef), not a value", e.Name)
		}
	}
	for _, from := range c.EnvFrom {
		if from.SecretRef != nil {
			fail("envFrom a Secret exposes all its keys: use secretKeyRef per setting")
		}
		if from.ConfigMapRef == nil {
			continue
		}
		cm, ok := m.find("ConfigMap", from.ConfigMapRef.Name)
		if !ok {
			fail("envFrom ConfigMap %q does not exist", from.ConfigMapRef.Name)
			continue
		}
		for k := range cm.Obj.(*corev1.ConfigMap).Data {
			if strings.HasPrefix(k, "SAS_") {
				env(k)
			}
		}
	}
	for _, arg := range append(append([]string{}, c.Command...), c.Args...) {
		if !strings.HasPrefix(arg, "-") {
			continue
		}
		if problem := src.CheckFlag(bin, arg); problem != "" {
			fail("%s", problem)
		}
	}
}

// checkProbes wants readiness and liveness on grpc.health.v1 for gRPC
// containers and on HTTP for the gateway.
func checkProbes(fail func(string, ...any), c corev1.Container) {
	probes := map[string]*corev1.Probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe}
	for _, port := range c.Ports {
		for kind, p := range probes {
			switch {
			case p == nil:
				fail("no %s probe", kind)
			case port.Name == "grpc" && (p.GRPC == nil || p.GRPC.Port != port.ContainerPort):
				fail("the %s probe must be grpc.health.v1 on port %d", kind, port.ContainerPort)
			case port.Name == "http" && p.HTTPGet == nil:
				fail("the %s probe must be an HTTP GET", kind)
			}
		}
	}
}
