// The Kafka consumer groups a chat process reads alone: presence (chat.sessions.v1) and
// revocation (auth.sessions.v1). Both read from the latest offset and need nothing committed by
// an earlier run, so each START of a process gets new groups.
//
// Why not `chat-presence-<INSTANCE_ID>`: a process restarted under the same INSTANCE_ID (a pod
// whose container was killed and restarted keeps its name) would join a group that still holds
// its dead predecessor. The broker then waits for that member's session to expire (30 s) before
// the join completes, and the process is not ready meanwhile; close to the 30 s subscribe deadline,
// its start-up fails outright. Found by `make test-faults` (chat-kill: 29 s to ready again).
// The prefixes stay `chat-presence-` / `chat-revocation-` (the chart's KafkaUser ACLs match them).
import { randomBytes } from 'node:crypto';

/** This process's run: a fresh random tag at every start. */
const incarnation = randomBytes(4).toString('hex');

export function ownGroupId(purpose: 'chat-presence' | 'chat-revocation', instanceId: string) {
  return `${purpose}-${instanceId}-${incarnation}`;
}
