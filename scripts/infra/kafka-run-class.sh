#!/usr/bin/env bash
# Runs a Kafka command-line class on the cached Kafka classpath (resolving the jars if needed).
# Usage: scripts/infra/kafka-run-class.sh MAIN_CLASS [ARGS...]   e.g.
#   scripts/infra/kafka-run-class.sh org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#   scripts/infra/kafka-run-class.sh org.apache.kafka.tools.ConsoleProducer --bootstrap-server 127.0.0.1:9092 --topic t
#   scripts/infra/kafka-run-class.sh org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server 127.0.0.1:9092 --topic t --from-beginning --max-messages 1
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$INFRA_SCRIPTS_DIR/kafka.sh"
if [[ $# -lt 1 ]]; then
  sed -n '3,6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
fi
infra_init
kafka_install >&2
trap - ERR
kafka_tool "$@"
