// Oversized input for the limit suites, and the process-memory probe that shows a burst of it
// leaves no spike behind. Sizes are chosen against the documented limits: JSON bodies 16 KiB
// (the HTTP shell's default), Socket.IO messages 64 KiB (maxHttpBufferSize), passwords 1024
// characters, usernames 32, room names 64, topics 256, message texts 4000.
import { readFileSync } from 'node:fs';

export const documentedLimits = {
  httpBodyBytes: 16 * 1024,
  socketMessageBytes: 64 * 1024,
  password: 1024,
  username: 32,
  roomName: 64,
  topic: 256,
  messageText: 4000,
} as const;

/** Bigger than each limit by a wide margin (and one just over, where the edge matters). */
export const oversizedInputs = {
  /** 1 MiB: 64 times the JSON body limit. */
  httpBodyBytes: 1024 * 1024,
  /** 1 MiB: 16 times maxHttpBufferSize. */
  socketMessageBytes: 1024 * 1024,
  password: [documentedLimits.password + 1, 100_000],
  username: [documentedLimits.username + 1, 10_000],
  roomName: [documentedLimits.roomName + 1, 10_000],
  topic: [documentedLimits.topic + 1, 10_000],
  messageText: [documentedLimits.messageText + 1, 60_000],
} as const;

/** `length` characters; a multi-byte unit shows whether limits count characters or bytes. */
export function oversizedString(length: number, unit = 'x'): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length * unit.length);
}

/** JSON text nested `depth` levels deep (`{"a":{"a":…}}`), a classic parser stressor. */
export function deeplyNestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** The resident set size of a process (Linux /proc), in bytes. */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS for process ${String(pid)}`);
  return Number(match[1]) * 1024;
}

export const MiB = 1024 * 1024;
