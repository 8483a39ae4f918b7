{{/*
Helpers of the falablau chart. Arguments that need the root context and a component are passed
as (dict "ctx" $ "component" "chat"); the components are auth, chat, archive, web, redis and test.
*/}}

{{/* The chart name (nameOverride wins): the app.kubernetes.io/name label. */}}
{{- define "falablau.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The prefix of every resource name: "<release>-falablau", or the release name when it already contains it. */}}
{{- define "falablau.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "name-version" for the helm.sh/chart label ("+" is not allowed in label values). */}}
{{- define "falablau.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of one component's resources (Deployment, Service, ServiceAccount...): "<fullname>-<component>". */}}
{{- define "falablau.componentName" -}}
{{- printf "%s-%s" (include "falablau.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Recommended labels of every resource; component is optional (release-wide objects have none). */}}
{{- define "falablau.labels" -}}
helm.sh/chart: {{ include "falablau.chart" .ctx }}
{{ include "falablau.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: falablau
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The immutable subset used in selectors (Deployment, Service, PDB, NetworkPolicy peers). */}}
{{- define "falablau.selectorLabels" -}}
app.kubernetes.io/name: {{ include "falablau.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/*
The label every pod of the release carries, including the operator-managed ones (Kafka, Postgres,
MongoDB), which get it through their pod templates: the release-wide NetworkPolicies (default deny,
DNS) select it. A chart-owned key, because the operators set app.kubernetes.io/* labels themselves.
*/}}
{{- define "falablau.releaseLabel" -}}
falablau.io/release: {{ .Release.Name }}
{{- end -}}

{{/* Labels of a component's pods: the recommended labels, the release label and the component's podLabels. */}}
{{- define "falablau.podLabels" -}}
{{ include "falablau.labels" . }}
{{ include "falablau.releaseLabel" .ctx }}
{{- with .podLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* "repository:tag", the tag defaulting to the chart's appVersion (a "tag@sha256:..." value pins a digest). */}}
{{- define "falablau.image" -}}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{/* The port each image listens on (fixed by the images; the Services may expose another port). */}}
{{- define "falablau.containerPort" -}}
{{- get (dict "auth" 5000 "chat" 5001 "archive" 5002 "web" 8080 "redis" 6379) . -}}
{{- end -}}

{{/* Base URL of a component's Service inside the cluster, e.g. http://<fullname>-auth:5000. */}}
{{- define "falablau.serviceUrl" -}}
{{- $values := get .ctx.Values .component -}}
{{- printf "http://%s:%v" (include "falablau.componentName" .) $values.service.port -}}
{{- end -}}

{{/* Pod-level imagePullSecrets. */}}
{{- define "falablau.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
topologySpreadConstraints over zones and nodes. ScheduleAnyway: spreading is a preference, never a
reason to leave a pod pending. matchLabelKeys pod-template-hash counts only the pods of the same
ReplicaSet, so a rolling update spreads the new pods too.
*/}}
{{- define "falablau.topologySpread" -}}
{{- $values := get .ctx.Values .component -}}
{{- if $values.topologySpread.enabled }}
topologySpreadConstraints:
{{- range list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
  - topologyKey: {{ . }}
    maxSkew: {{ $values.topologySpread.maxSkew }}
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "falablau.selectorLabels" $ | nindent 8 }}
    matchLabelKeys:
      - pod-template-hash
{{- end }}
{{- end }}
{{- end -}}

{{/* Scheduling fields shared by the Deployments: nodeSelector, tolerations, affinity, priorityClassName. */}}
{{- define "falablau.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end -}}

{{/* startup, liveness (GET /health) and readiness (GET /ready) probes of a Node.js service. */}}
{{- define "falablau.nodeProbes" -}}
startupProbe:
  httpGet:
    path: /health
    port: http
  periodSeconds: {{ .startup.periodSeconds }}
  failureThreshold: {{ .startup.failureThreshold }}
  timeoutSeconds: {{ .startup.timeoutSeconds }}
livenessProbe:
  httpGet:
    path: /health
    port: http
  periodSeconds: {{ .liveness.periodSeconds }}
  failureThreshold: {{ .liveness.failureThreshold }}
  timeoutSeconds: {{ .liveness.timeoutSeconds }}
readinessProbe:
  httpGet:
    path: /ready
    port: http
  periodSeconds: {{ .readiness.periodSeconds }}
  failureThreshold: {{ .readiness.failureThreshold }}
  timeoutSeconds: {{ .readiness.timeoutSeconds }}
{{- end -}}

{{/*
The lowest number of pods a component runs: the autoscaler's minimum for chat while the HPA or KEDA
owns the count, replicaCount otherwise. A PodDisruptionBudget is only satisfiable above one.
*/}}
{{- define "falablau.minReplicas" -}}
{{- $values := get .ctx.Values .component -}}
{{- if and (eq .component "chat") (or $values.autoscaling.enabled $values.autoscaling.keda.enabled) -}}
{{- $values.autoscaling.minReplicas -}}
{{- else -}}
{{- $values.replicaCount -}}
{{- end -}}
{{- end -}}

{{/* Public host names: the Ingress host and the HTTPRoute hostnames of whichever entry point is on. */}}
{{- define "falablau.publicHosts" -}}
{{- $hosts := list -}}
{{- if and .Values.ingress.enabled .Values.ingress.host -}}
{{- $hosts = append $hosts .Values.ingress.host -}}
{{- end -}}
{{- if .Values.gateway.enabled -}}
{{- $hosts = concat $hosts .Values.gateway.hostnames -}}
{{- end -}}
{{- toJson (uniq $hosts) -}}
{{- end -}}

{{/* CORS_ORIGINS: https://<host> of every public host plus chat.corsOrigins, comma-separated. */}}
{{- define "falablau.corsOrigins" -}}
{{- $origins := list -}}
{{- range (include "falablau.publicHosts" . | fromJsonArray) -}}
{{- $origins = append $origins (printf "https://%s" .) -}}
{{- end -}}
{{- join "," (uniq (concat $origins .Values.chat.corsOrigins)) -}}
{{- end -}}

{{/* ── Data services ───────────────────────────────────────────────────────────────────────── */}}

{{/*
Name of the Strimzi Kafka cluster, at most 40 characters: Strimzi derives longer names from it
("<cluster>-kafka-bootstrap", "<cluster>-<pool>-<id>" pods) that must stay valid DNS labels.
*/}}
{{- define "falablau.kafka.clusterName" -}}
{{- default (printf "%s-kafka" (include "falablau.fullname" . | trunc 34 | trimSuffix "-")) .Values.kafka.strimzi.clusterName | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of the KafkaNodePool, short enough for "<cluster>-<pool>-<id>" pod names (63 characters). */}}
{{- define "falablau.kafka.nodePoolName" -}}
{{- printf "%s-kraft" (include "falablau.fullname" . | trunc 12 | trimSuffix "-") -}}
{{- end -}}

{{/* Name of the KafkaUser (the SCRAM user name, and the Secret the User Operator writes) of a component. */}}
{{- define "falablau.kafka.userName" -}}
{{- printf "%s-%s-kafka" (include "falablau.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of the CloudNativePG cluster. */}}
{{- define "falablau.postgresql.clusterName" -}}
{{- default (printf "%s-postgresql" (include "falablau.fullname" .)) .Values.postgresql.cnpg.clusterName | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of the MongoDBCommunity resource. */}}
{{- define "falablau.mongodb.name" -}}
{{- default (printf "%s-mongodb" (include "falablau.fullname" .)) .Values.mongodb.operator.name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{/* The MongoDB user of the archive, stored in the admin database (the operator's default). */}}
{{- define "falablau.mongodb.userName" -}}archive{{- end -}}

{{/*
The Secret the MongoDB operator writes with the archive user's connection strings. The operator
names it "<resource>-<user's db>-<user>" unless connectionStringSecretName is set; the chart sets
it to that same name so the contract is explicit.
*/}}
{{- define "falablau.mongodb.connectionSecretName" -}}
{{- printf "%s-admin-%s" (include "falablau.mongodb.name" .) (include "falablau.mongodb.userName" .) -}}
{{- end -}}

{{/* Selector of the MongoDB members: the operator labels the pods "app: <resource>-svc". */}}
{{- define "falablau.mongodb.podLabels" -}}
app: {{ include "falablau.mongodb.name" . }}-svc
{{- end -}}

{{/* ── Generated secrets ──────────────────────────────────────────────────────────────────── */}}

{{/*
Secrets the chart generates once and keeps: the JWT signing key, the chat<->auth client secret
and the Redis and MongoDB passwords. Each comes from the live Secret when it exists (lookup, so an
upgrade keeps it) and is generated otherwise. The result is computed once per render and memoised
in .Values, so the Secret templates and the checksum annotations of the Deployments see the same
values even on a first install, where nothing exists yet. `helm template` cannot look up, so it
shows fresh values on every run.
*/}}
{{- define "falablau.generatedSecrets" -}}
{{- if not (hasKey .Values "falablauGeneratedSecrets") -}}
{{- $fullname := include "falablau.fullname" . -}}
{{- $generated := dict -}}
{{- if not .Values.jwt.existingSecret -}}
{{- $key := include "falablau.keptSecretValue" (dict "ctx" . "name" (printf "%s-jwt" $fullname) "key" "private-key.pem") -}}
{{- $_ := set $generated "jwtPrivateKey" (default (genPrivateKey "ecdsa") $key) -}}
{{- end -}}
{{- $clientSecret := include "falablau.keptSecretValue" (dict "ctx" . "name" (printf "%s-service-client" $fullname) "key" "client-secret") -}}
{{- $_ := set $generated "serviceClientSecret" (default (randAlphaNum 48) $clientSecret) -}}
{{- if eq .Values.redis.mode "internal" -}}
{{- $password := include "falablau.keptSecretValue" (dict "ctx" . "name" (printf "%s-redis" $fullname) "key" "password") -}}
{{- $_ := set $generated "redisPassword" (default (randAlphaNum 32) $password) -}}
{{- end -}}
{{- if eq .Values.mongodb.mode "operator" -}}
{{- $password := include "falablau.keptSecretValue" (dict "ctx" . "name" (printf "%s-mongodb-archive" $fullname) "key" "password") -}}
{{- $_ := set $generated "mongodbPassword" (default (randAlphaNum 32) $password) -}}
{{- end -}}
{{- $_ := set .Values "falablauGeneratedSecrets" $generated -}}
{{- end -}}
{{- toJson .Values.falablauGeneratedSecrets -}}
{{- end -}}

{{/* One key of a live Secret, decoded; empty when the Secret or the key does not exist (or under `helm template`). */}}
{{- define "falablau.keptSecretValue" -}}
{{- $secret := lookup "v1" "Secret" .ctx.Release.Namespace .name | default dict -}}
{{- get ($secret.data | default dict) .key | default "" | b64dec -}}
{{- end -}}

{{/* The OAUTH_CLIENTS_FILE document auth reads: chat-service's secret as SHA-256 only, and its scopes. */}}
{{- define "falablau.oauthClientsJson" -}}
{{- $secrets := include "falablau.generatedSecrets" . | fromJson -}}
{{- dict "chat-service" (dict "secretSha256" (sha256sum $secrets.serviceClientSecret) "scopes" (list "archive:read" "archive:write")) | toJson -}}
{{- end -}}

{{/* Name of the Secret holding the JWT signing key. */}}
{{- define "falablau.jwt.secretName" -}}
{{- default (printf "%s-jwt" (include "falablau.fullname" .)) .Values.jwt.existingSecret -}}
{{- end -}}

{{/* Key of the PEM in that Secret. */}}
{{- define "falablau.jwt.secretKey" -}}
{{- if .Values.jwt.existingSecret -}}{{ .Values.jwt.existingSecretKey }}{{- else -}}private-key.pem{{- end -}}
{{- end -}}

{{/*
checksum/secrets annotation value of a component: a hash of the generated secret values it
consumes, so its pods roll when one of them changes (an existingSecret's content is not known to
the chart; its name is hashed instead).
*/}}
{{- define "falablau.secretsChecksum" -}}
{{- $secrets := include "falablau.generatedSecrets" .ctx | fromJson -}}
{{- $values := .ctx.Values -}}
{{- $inputs := dict -}}
{{- if eq .component "auth" -}}
{{- $_ := set $inputs "jwt" (default $values.jwt.existingSecret $secrets.jwtPrivateKey) -}}
{{- $_ := set $inputs "oauthClients" (include "falablau.oauthClientsJson" .ctx) -}}
{{- else if eq .component "chat" -}}
{{- $_ := set $inputs "serviceClient" $secrets.serviceClientSecret -}}
{{- $_ := set $inputs "redis" (default $values.redis.external.existingSecret $secrets.redisPassword) -}}
{{- else if eq .component "archive" -}}
{{- $_ := set $inputs "mongodb" (default $values.mongodb.external.existingSecret $secrets.mongodbPassword) -}}
{{- else if eq .component "redis" -}}
{{- $_ := set $inputs "redis" $secrets.redisPassword -}}
{{- end -}}
{{- toJson $inputs | sha256sum -}}
{{- end -}}

{{/* ── Environment of the Node.js services ─────────────────────────────────────────────────── */}}

{{/* DATABASE_URL: the CloudNativePG "<cluster>-app" Secret (key uri) or the external Secret. */}}
{{- define "falablau.env.database" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
{{- if eq .Values.postgresql.mode "cnpg" }}
      name: {{ include "falablau.postgresql.clusterName" . }}-app
      key: uri
{{- else }}
      name: {{ .Values.postgresql.external.existingSecret }}
      key: {{ .Values.postgresql.external.existingSecretKey }}
{{- end }}
{{- end -}}

{{/*
Kafka connection of a component. Strimzi: the TLS listener on 9093 with SCRAM-SHA-512, the user's
password from the Secret the User Operator writes, and the cluster CA mounted from
"<cluster>-cluster-ca-cert". External: the configured servers, SASL and TLS.
*/}}
{{- define "falablau.env.kafka" -}}
{{- $kafka := .ctx.Values.kafka -}}
{{- if eq $kafka.mode "strimzi" }}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ printf "%s-kafka-bootstrap:9093" (include "falablau.kafka.clusterName" .ctx) | quote }}
- name: KAFKA_SASL_MECHANISM
  value: scram-sha-512
- name: KAFKA_SASL_USERNAME
  value: {{ include "falablau.kafka.userName" . | quote }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "falablau.kafka.userName" . }}
      key: password
- name: KAFKA_TLS
  value: "true"
- name: KAFKA_TLS_CA_FILE
  value: /etc/falablau/kafka-ca/ca.crt
# Topics are KafkaTopic resources owned by the Topic Operator; the users hold no Create ACL.
- name: KAFKA_CREATE_TOPICS
  value: "false"
{{- else }}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ $kafka.external.bootstrapServers | quote }}
{{- with $kafka.external.sasl }}
{{- if .mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .passwordKey }}
{{- end }}
{{- end }}
- name: KAFKA_CREATE_TOPICS
  value: {{ $kafka.external.createTopics | quote }}
{{- if $kafka.external.tls.enabled }}
- name: KAFKA_TLS
  value: "true"
{{- if $kafka.external.tls.caSecret }}
- name: KAFKA_TLS_CA_FILE
  value: /etc/falablau/kafka-ca/{{ $kafka.external.tls.caKey }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* True (non-empty) when a Kafka CA bundle is mounted. */}}
{{- define "falablau.kafka.mountsCa" -}}
{{- if or (eq .Values.kafka.mode "strimzi") (and .Values.kafka.external.tls.enabled .Values.kafka.external.tls.caSecret) -}}true{{- end -}}
{{- end -}}

{{/* The Kafka CA volume (see falablau.kafka.mountsCa). */}}
{{- define "falablau.kafka.caVolume" -}}
- name: kafka-ca
  secret:
{{- if eq .Values.kafka.mode "strimzi" }}
    secretName: {{ include "falablau.kafka.clusterName" . }}-cluster-ca-cert
    items:
      - key: ca.crt
        path: ca.crt
{{- else }}
    secretName: {{ .Values.kafka.external.tls.caSecret }}
    items:
      - key: {{ .Values.kafka.external.tls.caKey }}
        path: {{ .Values.kafka.external.tls.caKey }}
{{- end }}
{{- end -}}

{{/* Environment every Node.js service gets, plus the component's extraEnv is appended by the caller. */}}
{{- define "falablau.env.common" -}}
- name: NODE_ENV
  value: production
- name: HOST
  value: "0.0.0.0"
- name: PORT
  value: {{ include "falablau.containerPort" .component | quote }}
- name: LOG_LEVEL
  value: {{ (get .ctx.Values .component).logLevel | quote }}
- name: TRUST_PROXY
  value: "true"
{{- end -}}

{{/* INSTANCE_ID: the pod name (downward API), unique per replica. */}}
{{- define "falablau.env.instanceId" -}}
- name: INSTANCE_ID
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end -}}

{{/* ── NetworkPolicy building blocks ───────────────────────────────────────────────────────── */}}

{{/* A NetworkPolicy peer: this release's pods of one component. */}}
{{- define "falablau.np.componentPeer" -}}
- podSelector:
    matchLabels:
      {{- include "falablau.selectorLabels" . | nindent 6 }}
{{- end -}}

{{/* A NetworkPolicy peer: the ingress controller's (or the Gateway's) pods. */}}
{{- define "falablau.np.ingressControllerPeer" -}}
{{- with .Values.networkPolicy.ingressController }}
- namespaceSelector:
    {{- toYaml .namespaceSelector | nindent 4 }}
  {{- with .podSelector }}
  podSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* A NetworkPolicy peer: Prometheus's pods. */}}
{{- define "falablau.np.prometheusPeer" -}}
{{- with .Values.networkPolicy.prometheus }}
- namespaceSelector:
    {{- toYaml .namespaceSelector | nindent 4 }}
  {{- with .podSelector }}
  podSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* An egress rule to an external service: its CIDRs (any address when none) on its TCP ports. */}}
{{- define "falablau.np.externalEgress" -}}
- ports:
{{- range .ports }}
    - protocol: TCP
      port: {{ . }}
{{- end }}
{{- with .cidrs }}
  to:
{{- range . }}
    - ipBlock:
        cidr: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Egress to Kafka: the Strimzi brokers' TLS listener, or the external brokers. */}}
{{- define "falablau.np.kafkaEgress" -}}
{{- if eq .Values.kafka.mode "strimzi" }}
- to:
    - podSelector:
        matchLabels:
          strimzi.io/cluster: {{ include "falablau.kafka.clusterName" . }}
          strimzi.io/broker-role: "true"
  ports:
    - protocol: TCP
      port: 9093
{{- else }}
{{- include "falablau.np.externalEgress" .Values.kafka.external.networkPolicy }}
{{- end }}
{{- end -}}

{{/* Egress to Postgres: the CloudNativePG instances, or the external server. */}}
{{- define "falablau.np.postgresEgress" -}}
{{- if eq .Values.postgresql.mode "cnpg" }}
- to:
    - podSelector:
        matchLabels:
          cnpg.io/cluster: {{ include "falablau.postgresql.clusterName" . }}
          cnpg.io/podRole: instance
  ports:
    - protocol: TCP
      port: 5432
{{- else }}
{{- include "falablau.np.externalEgress" .Values.postgresql.external.networkPolicy }}
{{- end }}
{{- end -}}

{{/* Egress to MongoDB: the replica set members, or the external servers. */}}
{{- define "falablau.np.mongodbEgress" -}}
{{- if eq .Values.mongodb.mode "operator" }}
- to:
    - podSelector:
        matchLabels:
          {{- include "falablau.mongodb.podLabels" . | nindent 10 }}
  ports:
    - protocol: TCP
      port: 27017
{{- else }}
{{- include "falablau.np.externalEgress" .Values.mongodb.external.networkPolicy }}
{{- end }}
{{- end -}}

{{/* Egress to Redis: the in-chart Redis, or the external server. */}}
{{- define "falablau.np.redisEgress" -}}
{{- if eq .Values.redis.mode "internal" }}
- to:
    {{- include "falablau.np.componentPeer" (dict "ctx" . "component" "redis") | nindent 4 }}
  ports:
    - protocol: TCP
      port: 6379
{{- else }}
{{- include "falablau.np.externalEgress" .Values.redis.external.networkPolicy }}
{{- end }}
{{- end -}}

{{/* Egress to a component's Service port inside the release (e.g. chat -> auth on 5000). */}}
{{- define "falablau.np.componentEgress" -}}
- to:
    {{- include "falablau.np.componentPeer" . | nindent 4 }}
  ports:
    - protocol: TCP
      port: {{ include "falablau.containerPort" .component }}
{{- end -}}

{{/* Egress to the Kubernetes API server (operator-managed pods). */}}
{{- define "falablau.np.kubeApiEgress" -}}
{{- include "falablau.np.externalEgress" .Values.networkPolicy.kubeApiServer }}
{{- end -}}

{{/* autoscaling/v2 behavior from chat.autoscaling.behavior: fast, additive scale-up; slow, one-pod-at-a-time scale-down. */}}
{{- define "falablau.hpaBehavior" -}}
scaleUp:
  stabilizationWindowSeconds: {{ .scaleUp.stabilizationWindowSeconds }}
  selectPolicy: Max
  policies:
    - type: Percent
      value: {{ .scaleUp.percent }}
      periodSeconds: {{ .scaleUp.periodSeconds }}
    - type: Pods
      value: {{ .scaleUp.pods }}
      periodSeconds: {{ .scaleUp.periodSeconds }}
scaleDown:
  stabilizationWindowSeconds: {{ .scaleDown.stabilizationWindowSeconds }}
  selectPolicy: Min
  policies:
    - type: Pods
      value: {{ .scaleDown.pods }}
      periodSeconds: {{ .scaleDown.periodSeconds }}
    - type: Percent
      value: {{ .scaleDown.percent }}
      periodSeconds: {{ .scaleDown.periodSeconds }}
{{- end -}}

{{/*
A KafkaTopic of the Strimzi cluster. Arguments: ctx, topic (the Kafka name), partitions,
retentionMs, and optional segmentMs (roll segments sooner, so a short retention takes effect:
Kafka deletes whole closed segments only). The resource name is prefixed with the release so two
releases in one namespace do not collide; spec.topicName is the real name.
*/}}
{{- define "falablau.kafka.topic" -}}
{{- $ctx := .ctx -}}
{{- $rf := min 3 (int $ctx.Values.kafka.strimzi.replicas) -}}
apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata:
  name: {{ printf "%s-%s" (include "falablau.fullname" $ctx) (.topic | replace "." "-") | trunc 63 | trimSuffix "-" }}
  labels:
    {{- include "falablau.labels" (dict "ctx" $ctx "component" "kafka") | nindent 4 }}
    strimzi.io/cluster: {{ include "falablau.kafka.clusterName" $ctx }}
spec:
  topicName: {{ .topic }}
  partitions: {{ .partitions }}
  replicas: {{ $rf }}
  config:
    cleanup.policy: delete
    retention.ms: {{ .retentionMs | int64 }}
    {{- with .segmentMs }}
    segment.ms: {{ . | int64 }}
    {{- end }}
    min.insync.replicas: {{ max 1 (sub $rf 1) }}
{{- end -}}

{{/*
A KafkaUser of one component: SCRAM-SHA-512 (the User Operator writes the password into a Secret
of the same name, key "password") and simple ACLs. Arguments: ctx, component, acls (a list of
Strimzi AclRule objects). No user may create topics: the KafkaTopic resources define them, and
the services run with KAFKA_CREATE_TOPICS=false.
*/}}
{{- define "falablau.kafka.user" -}}
apiVersion: kafka.strimzi.io/v1
kind: KafkaUser
metadata:
  name: {{ include "falablau.kafka.userName" . }}
  labels:
    {{- include "falablau.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
    strimzi.io/cluster: {{ include "falablau.kafka.clusterName" .ctx }}
spec:
  authentication:
    type: scram-sha-512
  authorization:
    type: simple
    acls:
      {{- toYaml .acls | nindent 6 }}
{{- end -}}

{{/* An ACL on a literal topic name. */}}
{{- define "falablau.kafka.topicAcl" -}}
{{- toJson (dict "resource" (dict "type" "topic" "name" .name "patternType" "literal") "operations" .operations) -}}
{{- end -}}
