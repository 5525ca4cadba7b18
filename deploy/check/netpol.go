package main

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// designCalls are the gRPC calls between the platform's pods (DESIGN.md):
// the NetworkPolicies must allow exactly these inside the namespace.
var designCalls = map[string][]string{
	"gateway":      {"accounts", "directory", "availability", "search"},
	"accounts":     {"directory"},
	"directory":    {"accounts"},
	"availability": {"accounts", "directory", "search"},
	"search":       {"accounts", "directory", "availability"},
}

// designEgress are the ports each workload may reach outside the namespace:
// DNS and the collector for all, then PostgreSQL, Redis and HTTPS (vendors'
// FHIR servers, the OIDC issuer) as the design needs.
var designEgress = map[string][]string{
	"gateway":      {"TCP/4317", "TCP/53", "UDP/53"},
	"accounts":     {"TCP/4317", "TCP/443", "TCP/53", "TCP/5432", "UDP/53"},
	"directory":    {"TCP/4317", "TCP/53", "TCP/5432", "UDP/53"},
	"availability": {"TCP/4317", "TCP/443", "TCP/53", "TCP/5432", "UDP/53"},
	"search":       {"TCP/4317", "TCP/53", "TCP/5432", "TCP/6379", "UDP/53"},
	"migrate":      {"TCP/4317", "TCP/53", "TCP/5432", "UDP/53"},
}

// designIngress are the ports each workload accepts from outside the
// namespace: only the gateway, from the ingress controller.
var designIngress = map[string][]string{"gateway": {"TCP/8080"}}

// pod is a workload as the policies see it.
type pod struct {
	name   string
	labels labels.Set
	ports  []corev1.ContainerPort
}

// checkNetworkPolicies derives what the policies allow and compares it with
// the design, failing on anything missing or extra.
func checkNetworkPolicies(r *Report, m *Manifest) {
	var policies []*networkingv1.NetworkPolicy
	for _, o := range m.objs {
		if np, ok := o.Obj.(*networkingv1.NetworkPolicy); ok {
			policies = append(policies, np)
		}
	}
	pods := m.pods()
	fail := func(format string, args ...any) { r.Fail(m.dir, "NetworkPolicies", format, args...) }
	if !defaultDeny(policies) {
		fail("no default deny of ingress and egress (podSelector {} with both policyTypes and no rule)")
	}
	want, got := map[string]bool{}, map[string]bool{}
	for from, tos := range designCalls {
		for _, to := range tos {
			want[from+" -> "+to] = true
		}
	}
	for _, from := range pods {
		for _, to := range pods {
			for _, port := range to.ports {
				if allowed(policies, from, to, port) {
					got[from.name+" -> "+to.name] = true
				}
			}
		}
		compareSets(fail, from.name+" egress outside the namespace", designEgress[from.name], external(policies, from, networkingv1.PolicyTypeEgress))
		compareSets(fail, from.name+" ingress from outside the namespace", designIngress[from.name], external(policies, from, networkingv1.PolicyTypeIngress))
	}
	compareSets(fail, "calls inside the namespace", keys(want), keys(got))
}

func (m *Manifest) pods() []pod {
	var out []pod
	for _, w := range m.workloads() {
		p := pod{name: w.Pod.Labels["app.kubernetes.io/name"], labels: w.Pod.Labels}
		for _, c := range w.Pod.Spec.Containers {
			p.ports = append(p.ports, c.Ports...)
		}
		out = append(out, p)
	}
	return out
}

func defaultDeny(policies []*networkingv1.NetworkPolicy) bool {
	for _, np := range policies {
		if len(np.Spec.PodSelector.MatchLabels) == 0 && len(np.Spec.PodSelector.MatchExpressions) == 0 &&
			len(np.Spec.PolicyTypes) == 2 && len(np.Spec.Ingress) == 0 && len(np.Spec.Egress) == 0 {
			return true
		}
	}
	return false
}

// selects reports whether np applies to p in direction t.
func selects(np *networkingv1.NetworkPolicy, p pod, t networkingv1.PolicyType) bool {
	has := false
	for _, pt := range np.Spec.PolicyTypes {
		has = has || pt == t
	}
	return has && matches(&np.Spec.PodSelector, p.labels)
}

func matches(sel *metav1.LabelSelector, set labels.Set) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(set)
}

// allowed reports whether from may open a connection to port of to: from's
// egress and to's ingress both allow it.
func allowed(policies []*networkingv1.NetworkPolicy, from, to pod, port corev1.ContainerPort) bool {
	out, in := false, false
	for _, np := range policies {
		if selects(np, from, networkingv1.PolicyTypeEgress) {
			for _, rule := range np.Spec.Egress {
				out = out || (inNamespace(rule.To, to) && portAllowed(rule.Ports, to, port))
			}
		}
		if selects(np, to, networkingv1.PolicyTypeIngress) {
			for _, rule := range np.Spec.Ingress {
				in = in || (inNamespace(rule.From, from) && portAllowed(rule.Ports, to, port))
			}
		}
	}
	return out && in
}

// inNamespace reports whether peers admit p, a pod of the namespace.
func inNamespace(peers []networkingv1.NetworkPolicyPeer, p pod) bool {
	if len(peers) == 0 {
		return true
	}
	for _, peer := range peers {
		if peer.IPBlock == nil && peer.NamespaceSelector == nil && peer.PodSelector != nil && matches(peer.PodSelector, p.labels) {
			return true
		}
	}
	return false
}

func portAllowed(ports []networkingv1.NetworkPolicyPort, to pod, port corev1.ContainerPort) bool {
	if len(ports) == 0 {
		return true
	}
	for _, pp := range ports {
		proto := corev1.ProtocolTCP
		if pp.Protocol != nil {
			proto = *pp.Protocol
		}
		if proto != port.Protocol && !(port.Protocol == "" && proto == corev1.ProtocolTCP) {
			continue
		}
		if pp.Port == nil || pp.Port.IntVal == port.ContainerPort || (pp.Port.StrVal != "" && pp.Port.StrVal == port.Name) {
			return true
		}
	}
	return false
}

// external lists the "PROTO/port" p may use, in direction t, with peers
// outside the namespace ("any" when a rule has no port).
func external(policies []*networkingv1.NetworkPolicy, p pod, t networkingv1.PolicyType) []string {
	set := map[string]bool{}
	for _, np := range policies {
		if !selects(np, p, t) {
			continue
		}
		add := func(peers []networkingv1.NetworkPolicyPort, outside bool) {
			if !outside {
				return
			}
			if len(peers) == 0 {
				set["any"] = true
			}
			for _, pp := range peers {
				proto := corev1.ProtocolTCP
				if pp.Protocol != nil {
					proto = *pp.Protocol
				}
				port := "any"
				if pp.Port != nil {
					port = pp.Port.String()
				}
				set[fmt.Sprintf("%s/%s", proto, port)] = true
			}
		}
		if t == networkingv1.PolicyTypeEgress {
			for _, rule := range np.Spec.Egress {
				add(rule.Ports, outside(rule.To))
			}
		} else {
			for _, rule := range np.Spec.Ingress {
				add(rule.Ports, outside(rule.From))
			}
		}
	}
	return keys(set)
}

// outside reports whether peers admit anything beyond the namespace's pods.
func outside(peers []networkingv1.NetworkPolicyPeer) bool {
	if len(peers) == 0 {
		return true
	}
	for _, peer := range peers {
		if peer.IPBlock != nil || peer.NamespaceSelector != nil {
			return true
		}
	}
	return false
}

func compareSets(fail func(string, ...any), what string, want, got []string) {
	w, g := map[string]bool{}, map[string]bool{}
	for _, s := range want {
		w[s] = true
	}
	for _, s := range got {
		g[s] = true
	}
	var missing, extra []string
	for s := range w {
		if !g[s] {
			missing = append(missing, s)
		}
	}
	for s := range g {
		if !w[s] {
			extra = append(extra, s)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		fail("%s: the design needs %s, not allowed", what, strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		fail("%s: %s allowed, not in the design", what, strings.Join(extra, ", "))
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
