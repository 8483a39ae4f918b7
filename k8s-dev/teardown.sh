#!/usr/bin/env bash
# Removes what k8s-dev/bootstrap.sh and `skaffold dev` created. By default the whole kind cluster
# goes (operators, data, everything); --app-only removes just the FalaBLAU release and its data and
# keeps the cluster and its operators for the next `skaffold dev`.
set -euo pipefail

CLUSTER_NAME="${KIND_CLUSTER_NAME:-falablau}"
APP_NAMESPACE="${FALABLAU_NAMESPACE:-falablau}"
RELEASE="falablau"
APP_ONLY=false
readonly WAIT_TIMEOUT="300s"

usage() {
  cat <<EOF
Usage: k8s-dev/teardown.sh [options]

Deletes the kind cluster "${CLUSTER_NAME}" (and everything in it). Does nothing if it does not exist.

Options:
  --app-only       Keep the cluster and the operators; uninstall the Helm release "${RELEASE}" and
                   delete the namespace "${APP_NAMESPACE}" with its Kafka, Postgres and MongoDB data.
  --name NAME      kind cluster name (default: ${CLUSTER_NAME}; env KIND_CLUSTER_NAME)
  --namespace NS   FalaBLAU namespace for --app-only (default: ${APP_NAMESPACE}; env FALABLAU_NAMESPACE)
  -h, --help       Show this help.
EOF
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --app-only) APP_ONLY=true ;;
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
readonly CLUSTER_NAME APP_NAMESPACE APP_ONLY
readonly CONTEXT="kind-${CLUSTER_NAME}"

command -v kind >/dev/null 2>&1 || die "kind is not installed"
if ! kind get clusters 2>/dev/null | grep -x "${CLUSTER_NAME}" >/dev/null; then
  echo "kind cluster ${CLUSTER_NAME} does not exist: nothing to do"
  exit 0
fi

if [[ "${APP_ONLY}" == true ]]; then
  # Only ever the kind context: this must not reach a real cluster by accident.
  echo "Uninstalling ${RELEASE} from ${CONTEXT}/${APP_NAMESPACE}"
  if helm --kube-context "${CONTEXT}" status "${RELEASE}" --namespace "${APP_NAMESPACE}" >/dev/null 2>&1; then
    helm --kube-context "${CONTEXT}" uninstall "${RELEASE}" --namespace "${APP_NAMESPACE}" --wait --timeout 5m
  fi
  # The operators' resources (Kafka, Cluster, MongoDBCommunity) go with the namespace; their
  # finalizers need the operators running, which they still are. The namespace itself is
  # recreated by the next bootstrap.sh run (the operators' RoleBindings live in it).
  kubectl --context "${CONTEXT}" delete namespace "${APP_NAMESPACE}" --ignore-not-found --timeout="${WAIT_TIMEOUT}"
  echo "Done. Run k8s-dev/bootstrap.sh again before the next skaffold dev: it recreates ${APP_NAMESPACE}"
  echo "with the RoleBindings the Strimzi and MongoDB operators need there."
else
  echo "Deleting kind cluster ${CLUSTER_NAME}"
  kind delete cluster --name "${CLUSTER_NAME}"
fi
