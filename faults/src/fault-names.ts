// The faults, in the order they run. The SIGKILL of a chat process goes last: afterwards every
// client sits on the surviving process (clients do not move back), so the faults before it keep
// both processes serving sockets and the Redis fan-out between them on the measured path.
export const faultNames = [
  'kafka-restart',
  'redis-restart',
  'postgres-restart',
  'chat-pause',
  'archive-kill',
  'chat-kill',
] as const;

export type FaultName = (typeof faultNames)[number];
