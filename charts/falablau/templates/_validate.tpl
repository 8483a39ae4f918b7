{{/*
Cross-field rules of the chart. values.schema.json enforces them too, but Helm can be told to skip
the schema (--skip-schema-validation), and some rules compare numbers across sections, so the
templates refuse the same combinations with a message saying what to change. Called from
chat-deployment.yaml, a template that always renders.
*/}}
{{- define "falablau.validate" -}}
{{- $v := .Values -}}
{{- if and $v.ingress.enabled $v.gateway.enabled -}}
{{- fail "ingress.enabled and gateway.enabled are mutually exclusive: pick one entry point (set ingress.enabled=false to use the Gateway API HTTPRoute)" -}}
{{- end -}}
{{- if and $v.gateway.enabled (not $v.gateway.parentRefs) -}}
{{- fail "gateway.enabled needs gateway.parentRefs: the Gateway(s) the HTTPRoute attaches to" -}}
{{- end -}}
{{- if and $v.chat.autoscaling.enabled $v.chat.autoscaling.keda.enabled -}}
{{- fail "chat.autoscaling.enabled (HPA) and chat.autoscaling.keda.enabled (KEDA ScaledObject) are mutually exclusive: KEDA creates its own HPA and the two would fight over the replica count" -}}
{{- end -}}
{{- if gt (int $v.chat.autoscaling.minReplicas) (int $v.chat.autoscaling.maxReplicas) -}}
{{- fail "chat.autoscaling.minReplicas must not exceed chat.autoscaling.maxReplicas" -}}
{{- end -}}
{{- $shutdown := add $v.chat.shutdown.preStopSleepSeconds $v.chat.shutdown.serviceGraceSeconds -}}
{{- if le (int $v.chat.terminationGracePeriodSeconds) (int $shutdown) -}}
{{- fail (printf "chat.terminationGracePeriodSeconds (%v) must be larger than chat.shutdown.preStopSleepSeconds + chat.shutdown.serviceGraceSeconds (%v), or the kubelet kills pods before they closed their sockets" $v.chat.terminationGracePeriodSeconds $shutdown) -}}
{{- end -}}
{{- if and (eq $v.kafka.mode "external") (not $v.kafka.external.bootstrapServers) -}}
{{- fail "kafka.mode=external needs kafka.external.bootstrapServers" -}}
{{- end -}}
{{- if and (eq $v.kafka.mode "external") $v.kafka.external.sasl.mechanism (not $v.kafka.external.sasl.existingSecret) -}}
{{- fail "kafka.external.sasl.mechanism needs kafka.external.sasl.existingSecret (user name and password)" -}}
{{- end -}}
{{- if and (eq $v.postgresql.mode "external") (not $v.postgresql.external.existingSecret) -}}
{{- fail "postgresql.mode=external needs postgresql.external.existingSecret (a Secret with the postgres:// URL)" -}}
{{- end -}}
{{- if and (eq $v.mongodb.mode "external") (not $v.mongodb.external.existingSecret) -}}
{{- fail "mongodb.mode=external needs mongodb.external.existingSecret (a Secret with the mongodb:// URI)" -}}
{{- end -}}
{{- if and (eq $v.redis.mode "external") (not $v.redis.external.existingSecret) -}}
{{- fail "redis.mode=external needs redis.external.existingSecret (a Secret with the redis:// URL)" -}}
{{- end -}}
{{- end -}}
