#!/usr/bin/env bash
# Prepares a local kind cluster for FalaBLAU: creates the cluster when it is absent, then installs
# everything the Helm chart expects to find (the Strimzi, CloudNativePG and MongoDB operators, an
# HTTP entry point, metrics-server and, on request, KEDA and Prometheus with prometheus-adapter).
# Every step is idempotent (`helm upgrade --install`, server-side apply), so running it again
# repairs or upgrades a cluster instead of failing. Every wait is bounded.
#
# Afterwards: `skaffold dev` (or `skaffold run`) from the repository root builds the images, loads
# them into kind and installs the chart with k8s-dev/values-dev.yaml. See k8s-dev/README.md.
set -euo pipefail

# ── Pinned versions: the only place to change them ────────────────────────────────────────────────
# kind release the node image in kind-config.yaml was built for (older kind may not boot it).
readonly KIND_VERSION="v0.31.0"
# Strimzi (Kafka). 1.x serves only kafka.strimzi.io/v1, which the chart uses.
readonly STRIMZI_VERSION="1.2.0"
# CloudNativePG (Postgres), installed from its release manifest.
readonly CNPG_VERSION="1.30.0"
# MongoDB Controllers for Kubernetes (the successor of the MongoDB Community Operator).
readonly MCK_VERSION="1.10.0"
# ingress-nginx Helm chart (controller v1.15.1), the default entry point.
readonly INGRESS_NGINX_CHART_VERSION="4.15.1"
# Envoy Gateway Helm chart (with --gateway): the Gateway API implementation.
readonly ENVOY_GATEWAY_VERSION="v1.8.3"
# metrics-server Helm chart (metrics-server v0.8): CPU/memory for the chat HPA and `kubectl top`.
readonly METRICS_SERVER_CHART_VERSION="3.13.0"
# KEDA Helm chart (with --keda).
readonly KEDA_CHART_VERSION="2.20.2"
# kube-prometheus-stack Helm chart (with --monitoring): Prometheus Operator, Prometheus, Grafana.
readonly KUBE_PROMETHEUS_STACK_CHART_VERSION="88.3.0"
# prometheus-adapter Helm chart (with --monitoring): serves chat_connected_sockets to the HPA.
readonly PROMETHEUS_ADAPTER_CHART_VERSION="5.3.0"

# ── Where things come from ────────────────────────────────────────────────────────────────────────
readonly STRIMZI_CHART="oci://quay.io/strimzi-helm/strimzi-kafka-operator"
readonly CNPG_MANIFEST="https://raw.githubusercontent.com/cloudnative-pg/cloudnative-pg/release-${CNPG_VERSION%.*}/releases/cnpg-${CNPG_VERSION}.yaml"
readonly MONGODB_REPO="https://mongodb.github.io/helm-charts"
readonly INGRESS_NGINX_REPO="https://kubernetes.github.io/ingress-nginx"
readonly ENVOY_GATEWAY_CHART="oci://docker.io/envoyproxy/gateway-helm"
readonly METRICS_SERVER_REPO="https://kubernetes-sigs.github.io/metrics-server/"
readonly KEDA_REPO="https://kedacore.github.io/charts"
readonly PROMETHEUS_COMMUNITY_REPO="https://prometheus-community.github.io/helm-charts"

# ── Names shared with k8s-dev/values-dev.yaml and the docs ────────────────────────────────────────
SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly KIND_CONFIG="${SCRIPT_DIR}/kind-config.yaml"
readonly GATEWAY_CLASS="eg"
readonly GATEWAY_NAME="eg"
readonly GATEWAY_NAMESPACE="envoy-gateway-system"
readonly MONITORING_NAMESPACE="monitoring"
# kube-prometheus-stack names its Prometheus Service "<release>-prometheus" for this release name.
readonly PROMETHEUS_RELEASE="kube-prometheus-stack"
readonly HELM_TIMEOUT="10m"
readonly WAIT_TIMEOUT="300s"

CLUSTER_NAME="${KIND_CLUSTER_NAME:-falablau}"
APP_NAMESPACE="${FALABLAU_NAMESPACE:-falablau}"
EDGE="ingress-nginx"
WITH_KEDA=false
WITH_MONITORING=false

usage() {
  cat <<EOF
Usage: k8s-dev/bootstrap.sh [options]

Creates the kind cluster "${CLUSTER_NAME}" if it does not exist (k8s-dev/kind-config.yaml: one
control-plane node publishing ports 80/443 on 127.0.0.1, two workers) and installs what the
FalaBLAU chart needs. Safe to run again: installed parts are upgraded in place.

Always installed:
  - Strimzi ${STRIMZI_VERSION}: the Kafka operator, watching the app namespace
  - CloudNativePG ${CNPG_VERSION}: the Postgres operator, all namespaces
  - MongoDB Controllers for Kubernetes ${MCK_VERSION}: MongoDBCommunity, watching the app namespace
  - ingress-nginx (chart ${INGRESS_NGINX_CHART_VERSION}), or Envoy Gateway ${ENVOY_GATEWAY_VERSION} with --gateway
  - metrics-server (chart ${METRICS_SERVER_CHART_VERSION}) with --kubelet-insecure-tls (kind's kubelets are self-signed)

Options:
  --gateway            Envoy Gateway instead of ingress-nginx: GatewayClass "${GATEWAY_CLASS}" and Gateway
                       "${GATEWAY_NAMESPACE}/${GATEWAY_NAME}" (HTTP on port 80), the parent of the chart's
                       HTTPRoute. Deploy with \`skaffold dev -p gateway\`.
  --keda               Also install KEDA (chart ${KEDA_CHART_VERSION}). Deploy with \`skaffold dev -p keda\`.
  --monitoring         Also install kube-prometheus-stack (chart ${KUBE_PROMETHEUS_STACK_CHART_VERSION}) and prometheus-adapter
                       (chart ${PROMETHEUS_ADAPTER_CHART_VERSION}) exposing chat_connected_sockets as a Pods metric.
                       Deploy with \`skaffold dev -p monitoring\`.
  --name NAME          kind cluster name (default: ${CLUSTER_NAME}; env KIND_CLUSTER_NAME)
  --namespace NS       namespace FalaBLAU is installed into (default: ${APP_NAMESPACE}; env FALABLAU_NAMESPACE)
  -h, --help           Show this help.

Needs: docker (or podman with KIND_EXPERIMENTAL_PROVIDER=podman), kind >= ${KIND_VERSION}, kubectl, helm >= 3.8.
Every command names the context kind-<name> explicitly, so no other cluster is touched; that context
also becomes kubectl's current context, which skaffold deploys to.
EOF
}

# ── Output ────────────────────────────────────────────────────────────────────────────────────────
if [[ -t 1 ]]; then
  readonly BOLD=$'\033[1m' GREEN=$'\033[32m' YELLOW=$'\033[33m' RED=$'\033[31m' RESET=$'\033[0m'
else
  readonly BOLD="" GREEN="" YELLOW="" RED="" RESET=""
fi
STEP=0
TOTAL_STEPS=0
step() {
  STEP=$((STEP + 1))
  printf '\n%s[%d/%d] %s%s\n' "${BOLD}" "${STEP}" "${TOTAL_STEPS}" "$*" "${RESET}"
}
info() { printf '      %s\n' "$*"; }
ok() { printf '      %s✓%s %s\n' "${GREEN}" "${RESET}" "$*"; }
warn() { printf '      %s!%s %s\n' "${YELLOW}" "${RESET}" "$*" >&2; }
die() {
  printf '%serror:%s %s\n' "${RED}" "${RESET}" "$*" >&2
  exit 1
}

# ── Arguments ─────────────────────────────────────────────────────────────────────────────────────
while [[ $# -gt 0 ]]; do
  case "$1" in
    --gateway) EDGE="envoy-gateway" ;;
    --keda) WITH_KEDA=true ;;
    --monitoring) WITH_MONITORING=true ;;
    --name)
      [[ $# -ge 2 && -n "$2" ]] || die "--name needs a value"
      CLUSTER_NAME="$2"
      shift
      ;;
    --namespace)
      [[ $# -ge 2 && -n "$2" ]] || die "--namespace needs a value"
      APP_NAMESPACE="$2"
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done
readonly CLUSTER_NAME APP_NAMESPACE EDGE WITH_KEDA WITH_MONITORING
readonly CONTEXT="kind-${CLUSTER_NAME}"

TOTAL_STEPS=8
if [[ "${WITH_KEDA}" == true ]]; then TOTAL_STEPS=$((TOTAL_STEPS + 1)); fi
if [[ "${WITH_MONITORING}" == true ]]; then TOTAL_STEPS=$((TOTAL_STEPS + 1)); fi

# Every call names the kind context, so a different current context can never receive these.
k() { kubectl --context "${CONTEXT}" "$@"; }
h() { helm --kube-context "${CONTEXT}" "$@"; }

# Temporary values files, removed however the script ends.
WORK_DIR="$(mktemp -d)"
readonly WORK_DIR
trap 'rm -rf "${WORK_DIR}"' EXIT

# "0.31.0" >= "0.30.1"? (sort -V orders versions; the smaller comes first)
version_at_least() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

helm_release_exists() { # namespace release
  h status "$2" --namespace "$1" >/dev/null 2>&1
}

wait_rollout() { # namespace kind/name
  k rollout status --namespace "$1" "$2" --timeout="${WAIT_TIMEOUT}" >/dev/null
  ok "$2 is ready"
}

# Objects an operator creates after its Helm release is ready (helm --wait does not see them).
wait_for_object() { # namespace kind/name
  local deadline=$((SECONDS + ${WAIT_TIMEOUT%s}))
  until k get --namespace "$1" "$2" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$2 did not appear in namespace $1 within ${WAIT_TIMEOUT}"
    sleep 5
  done
}

wait_apiservice() { # name
  k wait --for=condition=Available "apiservice/$1" --timeout="${WAIT_TIMEOUT}" >/dev/null
  ok "APIService $1 is available"
}

# ── 1. Tools ──────────────────────────────────────────────────────────────────────────────────────
check_tools() {
  step "Checking tools"
  local provider="${KIND_EXPERIMENTAL_PROVIDER:-docker}"
  local tool
  for tool in "${provider}" kind kubectl helm; do
    command -v "${tool}" >/dev/null 2>&1 || die "${tool} is not installed (needed: ${provider}, kind, kubectl, helm)"
  done
  "${provider}" info >/dev/null 2>&1 || die "${provider} is installed but its engine does not answer (is it running?)"

  local kind_version helm_version
  kind_version="$(kind version | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -n1 || true)"
  [[ -n "${kind_version}" ]] || die "cannot read the kind version from \`kind version\`"
  version_at_least "${kind_version#v}" "${KIND_VERSION#v}" ||
    die "kind ${kind_version} is older than ${KIND_VERSION}, the release the pinned node image was built for: https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
  [[ "${kind_version}" == "${KIND_VERSION}" ]] ||
    warn "kind ${kind_version} is newer than ${KIND_VERSION}; kind supports older node images best-effort"

  helm_version="$(helm version --template '{{.Version}}' 2>/dev/null || true)"
  [[ -n "${helm_version}" ]] || die "cannot read the helm version"
  version_at_least "${helm_version#v}" "3.8.0" || die "helm ${helm_version} cannot pull OCI charts; install helm >= 3.8"
  local kubectl_version
  kubectl_version="$(kubectl version --client -o json 2>/dev/null | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' | head -n1 || true)"
  ok "${provider}, kind ${kind_version}, helm ${helm_version}, kubectl ${kubectl_version:-?}"
}

# ── 2. Cluster ────────────────────────────────────────────────────────────────────────────────────
ensure_cluster() {
  step "kind cluster ${CLUSTER_NAME}"
  if kind get clusters 2>/dev/null | grep -x "${CLUSTER_NAME}" >/dev/null; then
    ok "exists; using context ${CONTEXT}"
  else
    info "creating it from k8s-dev/kind-config.yaml (pulls the node image the first time)"
    kind create cluster --name "${CLUSTER_NAME}" --config "${KIND_CONFIG}" --wait 180s
    ok "created"
  fi
  # (Re)writes the kubeconfig entry and makes it the current context, which skaffold then uses.
  kind export kubeconfig --name "${CLUSTER_NAME}" >/dev/null 2>&1
  k wait --for=condition=Ready nodes --all --timeout="${WAIT_TIMEOUT}" >/dev/null
  ok "$(k get nodes --no-headers | wc -l | tr -d ' ') nodes ready"

  # The app namespace exists before the operators: Strimzi and MCK create their RoleBindings in it. Pod Security "restricted" warns (and audits) about
  # every pod that would not meet the profile, without blocking operator-managed pods.
  k create namespace "${APP_NAMESPACE}" --dry-run=client -o yaml | k apply -f - >/dev/null
  k label namespace "${APP_NAMESPACE}" --overwrite \
    pod-security.kubernetes.io/warn=restricted \
    pod-security.kubernetes.io/audit=restricted >/dev/null
  ok "namespace ${APP_NAMESPACE} (Pod Security restricted: warn + audit)"
}

# ── 3. Strimzi ────────────────────────────────────────────────────────────────────────────────────
install_strimzi() {
  step "Strimzi ${STRIMZI_VERSION} (Kafka operator, watching ${APP_NAMESPACE})"
  # Namespace "strimzi", as the chart's NetworkPolicies expect (networkPolicy.operators.strimzi).
  h upgrade --install strimzi-cluster-operator "${STRIMZI_CHART}" --version "${STRIMZI_VERSION}" \
    --namespace strimzi --create-namespace \
    --set "watchNamespaces={${APP_NAMESPACE}}" \
    --wait --timeout "${HELM_TIMEOUT}" >/dev/null
  wait_rollout strimzi deployment/strimzi-cluster-operator
}

# ── 4. CloudNativePG ──────────────────────────────────────────────────────────────────────────────
install_cnpg() {
  step "CloudNativePG ${CNPG_VERSION} (Postgres operator)"
  # Server-side apply: the CRDs are too large for the last-applied annotation of client-side
  # apply; --force-conflicts lets a re-run (or an upgrade) take over fields it owned before.
  k apply --server-side --force-conflicts -f "${CNPG_MANIFEST}" >/dev/null
  wait_rollout cnpg-system deployment/cnpg-controller-manager
}

# ── 5. MongoDB Controllers for Kubernetes ─────────────────────────────────────────────────────────
install_mck() {
  step "MongoDB Controllers for Kubernetes ${MCK_VERSION} (MongoDBCommunity, watching ${APP_NAMESPACE})"
  # Only the MongoDBCommunity reconciler: FalaBLAU needs no Ops Manager or enterprise resources.
  # The database pods' ServiceAccount (mongodb-kubernetes-appdb) is left to the FalaBLAU chart
  # (mongodb.operator.createDatabaseServiceAccount), as on any cluster where the operator watches
  # several namespaces; two releases creating it would conflict. Namespace "mongodb" is where the
  # chart's NetworkPolicies expect the operator (networkPolicy.operators.mongodb).
  h upgrade --install mongodb-kubernetes mongodb-kubernetes --repo "${MONGODB_REPO}" --version "${MCK_VERSION}" \
    --namespace mongodb --create-namespace \
    --set "operator.watchNamespace=${APP_NAMESPACE}" \
    --set "operator.watchedResources={mongodbcommunity}" \
    --set operator.createResourcesServiceAccountsAndRoles=false \
    --wait --timeout "${HELM_TIMEOUT}" >/dev/null
  wait_rollout mongodb deployment/mongodb-kubernetes-operator
}

# ── 6. HTTP entry point ───────────────────────────────────────────────────────────────────────────
install_ingress_nginx() {
  step "ingress-nginx (chart ${INGRESS_NGINX_CHART_VERSION}) on ports 80/443"
  if helm_release_exists envoy-gateway-system eg; then
    die "Envoy Gateway is installed and holds ports 80/443; run with --gateway, or remove it first: helm --kube-context ${CONTEXT} uninstall eg -n envoy-gateway-system"
  fi
  # The kind recipe: the controller runs on the ingress-ready control-plane node and binds the
  # hostPorts kind publishes; its Service is a NodePort because kind has no load balancer.
  cat >"${WORK_DIR}/ingress-nginx.yaml" <<'EOF'
controller:
  hostPort:
    enabled: true
    ports: { http: 80, https: 443 }
  service:
    type: NodePort
  nodeSelector:
    ingress-ready: "true"
    kubernetes.io/os: linux
  tolerations:
    - { key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule }
  # hostPorts: the new pod of a rolling update cannot start next to the old one.
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }
  publishService:
    enabled: false
  extraArgs:
    publish-status-address: localhost
  ingressClassResource:
    name: nginx
    default: true
EOF
  h upgrade --install ingress-nginx ingress-nginx --repo "${INGRESS_NGINX_REPO}" --version "${INGRESS_NGINX_CHART_VERSION}" \
    --namespace ingress-nginx --create-namespace --values "${WORK_DIR}/ingress-nginx.yaml" \
    --wait --timeout "${HELM_TIMEOUT}" >/dev/null
  wait_rollout ingress-nginx deployment/ingress-nginx-controller
}

install_envoy_gateway() {
  step "Envoy Gateway ${ENVOY_GATEWAY_VERSION} with Gateway ${GATEWAY_NAMESPACE}/${GATEWAY_NAME} on ports 80/443"
  if helm_release_exists ingress-nginx ingress-nginx; then
    die "ingress-nginx is installed and holds ports 80/443; run without --gateway, or remove it first: helm --kube-context ${CONTEXT} uninstall ingress-nginx -n ingress-nginx"
  fi
  # The chart also installs the Gateway API CRDs (standard channel) that its release supports.
  h upgrade --install eg "${ENVOY_GATEWAY_CHART}" --version "${ENVOY_GATEWAY_VERSION}" \
    --namespace "${GATEWAY_NAMESPACE}" --create-namespace \
    --wait --timeout "${HELM_TIMEOUT}" >/dev/null
  wait_rollout "${GATEWAY_NAMESPACE}" deployment/envoy-gateway

  # Envoy listens on 10080/10443 for listeners 80/443 (it shifts privileged ports, so it needs no
  # NET_BIND_SERVICE); the patch publishes those container ports as hostPorts 80/443 on the
  # ingress-ready node, as ingress-nginx does. A ClusterIP Service: kind has no load balancer.
  cat >"${WORK_DIR}/gateway.yaml" <<EOF
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: EnvoyProxy
metadata:
  name: kind-host-ports
  namespace: ${GATEWAY_NAMESPACE}
spec:
  provider:
    type: Kubernetes
    kubernetes:
      envoyService:
        type: ClusterIP
      envoyDeployment:
        replicas: 1
        strategy:
          type: RollingUpdate
          rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }
        pod:
          nodeSelector:
            ingress-ready: "true"
          tolerations:
            - { key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule }
        patch:
          type: StrategicMerge
          value:
            spec:
              template:
                spec:
                  containers:
                    - name: envoy
                      ports:
                        - { containerPort: 10080, hostPort: 80, protocol: TCP }
                        - { containerPort: 10443, hostPort: 443, protocol: TCP }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: ${GATEWAY_CLASS}
spec:
  controllerName: gateway.envoyproxy.io/gatewayclass-controller
  parametersRef:
    group: gateway.envoyproxy.io
    kind: EnvoyProxy
    name: kind-host-ports
    namespace: ${GATEWAY_NAMESPACE}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${GATEWAY_NAME}
  namespace: ${GATEWAY_NAMESPACE}
spec:
  gatewayClassName: ${GATEWAY_CLASS}
  listeners:
    # Plain HTTP for local development; routes from any namespace may attach (the chart's
    # HTTPRoute lives in ${APP_NAMESPACE}).
    - name: http
      protocol: HTTP
      port: 80
      allowedRoutes:
        namespaces:
          from: All
EOF
  k apply --server-side --force-conflicts -f "${WORK_DIR}/gateway.yaml" >/dev/null
  k wait --for=condition=Accepted "gatewayclass/${GATEWAY_CLASS}" --timeout="${WAIT_TIMEOUT}" >/dev/null
  ok "GatewayClass ${GATEWAY_CLASS} accepted"
  k wait --for=condition=Programmed "gateway/${GATEWAY_NAME}" --namespace "${GATEWAY_NAMESPACE}" --timeout="${WAIT_TIMEOUT}" >/dev/null
  ok "Gateway ${GATEWAY_NAMESPACE}/${GATEWAY_NAME} programmed"
}

# ── 7. metrics-server ─────────────────────────────────────────────────────────────────────────────
install_metrics_server() {
  step "metrics-server (chart ${METRICS_SERVER_CHART_VERSION})"
  h upgrade --install metrics-server metrics-server --repo "${METRICS_SERVER_REPO}" --version "${METRICS_SERVER_CHART_VERSION}" \
    --namespace kube-system \
    --set "args={--kubelet-insecure-tls}" \
    --wait --timeout "${HELM_TIMEOUT}" >/dev/null
  wait_rollout kube-system deployment/metrics-server
  wait_apiservice v1beta1.metrics.k8s.io
}

# ── optional: KEDA ────────────────────────────────────────────────────────────────────────────────
install_keda() {
  step "KEDA (chart ${KEDA_CHART_VERSION})"
  h upgrade --install keda keda --repo "${KEDA_REPO}" --version "${KEDA_CHART_VERSION}" \
    --namespace keda --create-namespace \
    --wait --timeout "${HELM_TIMEOUT}" >/dev/null
  wait_rollout keda deployment/keda-operator
  wait_apiservice v1beta1.external.metrics.k8s.io
}

# ── optional: Prometheus + prometheus-adapter ─────────────────────────────────────────────────────
install_monitoring() {
  step "kube-prometheus-stack (chart ${KUBE_PROMETHEUS_STACK_CHART_VERSION}) and prometheus-adapter (chart ${PROMETHEUS_ADAPTER_CHART_VERSION})"
  # Prometheus picks up every ServiceMonitor, PodMonitor and PrometheusRule in the cluster (not
  # only those labelled for this release), and Grafana every dashboard ConfigMap, so the chart's
  # metrics.serviceMonitor / prometheusRule / dashboard objects work without extra labels. kind's
  # control-plane components listen on localhost only, so scraping them would only raise alerts.
  cat >"${WORK_DIR}/kube-prometheus-stack.yaml" <<'EOF'
prometheus:
  prometheusSpec:
    serviceMonitorSelectorNilUsesHelmValues: false
    podMonitorSelectorNilUsesHelmValues: false
    ruleSelectorNilUsesHelmValues: false
    retention: 2d
    resources:
      requests: { cpu: 100m, memory: 512Mi }
grafana:
  sidecar:
    dashboards:
      enabled: true
      searchNamespace: ALL
kubeEtcd: { enabled: false }
kubeControllerManager: { enabled: false }
kubeScheduler: { enabled: false }
kubeProxy: { enabled: false }
EOF
  h upgrade --install "${PROMETHEUS_RELEASE}" kube-prometheus-stack --repo "${PROMETHEUS_COMMUNITY_REPO}" \
    --version "${KUBE_PROMETHEUS_STACK_CHART_VERSION}" \
    --namespace "${MONITORING_NAMESPACE}" --create-namespace --values "${WORK_DIR}/kube-prometheus-stack.yaml" \
    --wait --timeout "${HELM_TIMEOUT}" >/dev/null
  # The Prometheus StatefulSet is created by the operator once the release is in.
  wait_for_object "${MONITORING_NAMESPACE}" "statefulset/prometheus-${PROMETHEUS_RELEASE}-prometheus"
  wait_rollout "${MONITORING_NAMESPACE}" "statefulset/prometheus-${PROMETHEUS_RELEASE}-prometheus"

  # chat_connected_sockets per chat pod, as the Pods metric the chat HPA targets (average per
  # pod). Only custom.metrics.k8s.io is served: metrics-server keeps metrics.k8s.io, and KEDA (if
  # installed) keeps external.metrics.k8s.io.
  cat >"${WORK_DIR}/prometheus-adapter.yaml" <<EOF
prometheus:
  url: http://${PROMETHEUS_RELEASE}-prometheus.${MONITORING_NAMESPACE}.svc
  port: 9090
rules:
  default: false
  custom:
    - seriesQuery: 'chat_connected_sockets{namespace!="",pod!=""}'
      resources:
        overrides:
          namespace: { resource: namespace }
          pod: { resource: pod }
      name:
        matches: "^chat_connected_sockets\$"
        as: chat_connected_sockets
      metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
EOF
  h upgrade --install prometheus-adapter prometheus-adapter --repo "${PROMETHEUS_COMMUNITY_REPO}" \
    --version "${PROMETHEUS_ADAPTER_CHART_VERSION}" \
    --namespace "${MONITORING_NAMESPACE}" --values "${WORK_DIR}/prometheus-adapter.yaml" \
    --wait --timeout "${HELM_TIMEOUT}" >/dev/null
  wait_rollout "${MONITORING_NAMESPACE}" deployment/prometheus-adapter
  wait_apiservice v1beta1.custom.metrics.k8s.io
}

# ── Summary ───────────────────────────────────────────────────────────────────────────────────────
summary() {
  step "Done"
  local profiles=()
  if [[ "${EDGE}" == envoy-gateway ]]; then profiles+=(gateway); fi
  if [[ "${WITH_KEDA}" == true ]]; then profiles+=(keda); fi
  if [[ "${WITH_MONITORING}" == true ]]; then profiles+=(monitoring); fi
  local profile_flag=""
  if [[ ${#profiles[@]} -gt 0 ]]; then
    local IFS=,
    profile_flag=" -p ${profiles[*]}"
  fi
  info "Cluster ${CLUSTER_NAME} is ready for FalaBLAU in namespace ${APP_NAMESPACE};"
  info "kubectl's current context is now ${CONTEXT}."
  info "Next, from the repository root:"
  info "  skaffold dev${profile_flag}      # build, load into kind, install the chart, watch"
  info "  open http://falablau.localtest.me  (localtest.me resolves to 127.0.0.1)"
  if [[ "${APP_NAMESPACE}" != falablau ]]; then
    warn "skaffold.yaml installs into namespace falablau; run skaffold with --namespace ${APP_NAMESPACE}"
  fi
  if [[ "${WITH_MONITORING}" == true ]]; then
    info "Grafana: kubectl -n ${MONITORING_NAMESPACE} port-forward svc/${PROMETHEUS_RELEASE}-grafana 3001:80"
    info "  user admin, password: kubectl -n ${MONITORING_NAMESPACE} get secret ${PROMETHEUS_RELEASE}-grafana -o jsonpath='{.data.admin-password}' | base64 -d"
  fi
}

main() {
  check_tools
  ensure_cluster
  install_strimzi
  install_cnpg
  install_mck
  if [[ "${EDGE}" == envoy-gateway ]]; then install_envoy_gateway; else install_ingress_nginx; fi
  install_metrics_server
  if [[ "${WITH_KEDA}" == true ]]; then install_keda; fi
  if [[ "${WITH_MONITORING}" == true ]]; then install_monitoring; fi
  summary
}

main
