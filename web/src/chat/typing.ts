// Typing indicators, both ways. Out: while the user types, `typing true` is sent at once and then
// repeated every few seconds (so others' indicators do not expire), and `typing false` after a
// pause, on send, or when the field is emptied. In: each typist expires by itself if their
// "stopped" never arrives (a closed tab).
import { browserTimers, type Timers } from '../shared/timers';

export interface TypingEmitterOptions {
  emit: (isTyping: boolean) => void;
  timers?: Timers;
  /** Quiet time after the last keystroke that counts as stopped. */
  idleMs?: number;
  /** Repeat `typing true` this often while typing goes on. */
  repeatMs?: number;
}

export interface TypingEmitter {
  /** The composer changed; `hasText` tells whether anything is left in it. */
  input(hasText: boolean): void;
  /** Sent or left: stop now. */
  stop(): void;
}

export function createTypingEmitter({
  emit,
  timers = browserTimers,
  idleMs = 3_000,
  repeatMs = 2_500,
}: TypingEmitterOptions): TypingEmitter {
  let typing = false;
  let lastSentAt = 0;
  let idle: unknown;

  function stop() {
    timers.clearTimeout(idle);
    if (!typing) return;
    typing = false;
    emit(false);
  }

  return {
    input(hasText) {
      if (!hasText) {
        stop();
        return;
      }
      const now = timers.now();
      if (!typing || now - lastSentAt >= repeatMs) {
        typing = true;
        lastSentAt = now;
        emit(true);
      }
      timers.clearTimeout(idle);
      idle = timers.setTimeout(stop, idleMs);
    },
    stop,
  };
}

export interface Typist {
  userId: string;
  username: string;
}

/** Who else is typing in one room; each entry lapses after `ttlMs` without news. */
export interface TypingRoster {
  update(typist: Typist, isTyping: boolean): void;
  remove(userId: string): void;
  clear(): void;
}

export function createTypingRoster(
  onChange: (typists: readonly Typist[]) => void,
  { timers = browserTimers, ttlMs = 6_000 }: { timers?: Timers; ttlMs?: number } = {},
): TypingRoster {
  const entries = new Map<string, { typist: Typist; timer: unknown }>();
  const publish = () => {
    onChange([...entries.values()].map((entry) => entry.typist));
  };
  function remove(userId: string) {
    const entry = entries.get(userId);
    if (!entry) return;
    timers.clearTimeout(entry.timer);
    entries.delete(userId);
    publish();
  }
  return {
    update(typist, isTyping) {
      if (!isTyping) {
        remove(typist.userId);
        return;
      }
      const known = entries.get(typist.userId);
      timers.clearTimeout(known?.timer);
      const timer = timers.setTimeout(() => {
        remove(typist.userId);
      }, ttlMs);
      entries.set(typist.userId, {
        typist: { userId: typist.userId, username: typist.username },
        timer,
      });
      if (!known) publish();
    },
    remove,
    clear() {
      for (const entry of entries.values()) timers.clearTimeout(entry.timer);
      const had = entries.size > 0;
      entries.clear();
      if (had) publish();
    },
  };
}

/** "Ana is typing…", "Ana and Bo are typing…", "Ana, Bo and 2 others are typing…". */
export function typingLabel(typists: readonly Typist[]): string {
  const names = typists.map((typist) => typist.username);
  const [first, second] = names;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing…`;
  if (names.length === 2) return `${first} and ${second} are typing…`;
  if (names.length === 3) return `${first}, ${second} and ${names[2] ?? ''} are typing…`;
  return `${first}, ${second} and ${names.length - 2} others are typing…`;
}
