// Prometheus metrics of the realtime layer (prefix chat_). Messages received (stored, duplicate)
// are counted by the message store (chat_messages_received_total, chat_messages_duplicate_total),
// rejected sends by chat_socket_ack_duration_seconds_count{event="send_message",result!="ok"}.
// Kafka consumer lag of the presence and revocation feeds comes from the event bus
// (falablau_events_consumer_lag).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface RealtimeMetrics {
  connectedSockets: Gauge;
  handshakesRefused: Counter<'reason'>;
  disconnects: Counter<'reason'>;
  /** Messages broadcast to their room, once per message by the process that stored it. */
  messagesDelivered: Counter;
  /** From receiving an event to acknowledging it; send_message's is the send→ack latency. */
  ackDuration: Histogram<'event' | 'result'>;
  /** From a message's commit to its write to a recipient socket on this process, per delivery. */
  fanout: Histogram;
  presenceOnlineUsers: Gauge;
  presenceInstances: Gauge;
  sessionsRevoked: Counter;
}

/** Read at scrape time, so the gauges cannot drift from the truth. */
export interface RealtimeGaugeSources {
  connectedSockets: () => number;
  presence: () => { onlineUsers: number; instances: number };
}

export function createRealtimeMetrics(
  registry: Registry,
  sources: RealtimeGaugeSources,
): RealtimeMetrics {
  const registers = [registry];
  return {
    connectedSockets: new Gauge({
      name: 'chat_connected_sockets',
      help: 'Socket.IO connections open on this process',
      registers,
      collect() {
        this.set(sources.connectedSockets());
      },
    }),
    handshakesRefused: new Counter({
      name: 'chat_handshakes_refused_total',
      help: 'Socket.IO connections refused, by reason (origin, no-token, invalid-token, expired, revoked, closing)',
      labelNames: ['reason'] as const,
      registers,
    }),
    disconnects: new Counter({
      name: 'chat_socket_disconnects_total',
      help: 'Closed sockets, by Socket.IO disconnect reason (plus token expired and session revoked)',
      labelNames: ['reason'] as const,
      registers,
    }),
    messagesDelivered: new Counter({
      name: 'chat_messages_delivered_total',
      help: 'Stored messages broadcast to their room across the cluster (counted once, by the storing process)',
      registers,
    }),
    ackDuration: new Histogram({
      name: 'chat_socket_ack_duration_seconds',
      help: 'Time from a client event to its acknowledgement, by event and result (ok or error code)',
      labelNames: ['event', 'result'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    fanout: new Histogram({
      name: 'chat_message_fanout_seconds',
      help: 'Time from a message being stored (its createdAt, on the storing process) to being written to a recipient socket on this process, once per delivery; across processes it includes their clock difference',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    presenceOnlineUsers: new Gauge({
      name: 'chat_presence_online_users',
      help: 'Users online anywhere in the cluster, as this process sees it',
      registers,
      collect() {
        this.set(sources.presence().onlineUsers);
      },
    }),
    presenceInstances: new Gauge({
      name: 'chat_presence_instances',
      help: 'Chat processes holding a presence lease, this one included',
      registers,
      collect() {
        this.set(sources.presence().instances);
      },
    }),
    sessionsRevoked: new Counter({
      name: 'chat_sessions_revoked_total',
      help: 'session.revoked events handled (every process counts each one)',
      registers,
    }),
  };
}
