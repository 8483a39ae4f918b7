// The two archive-service endpoints chat-service calls, with its service token:
//   POST /archive/messages        the mover's batches (archive:write)
//   GET  /archive/rooms/:id       older history and replays, by seq (archive:read)
// Whatever goes wrong (unreachable, timeout, a 5xx, a refused token, an answer that does not
// parse) is one error, 503 UNAVAILABLE: callers either stop (the mover, touching nothing) or
// tell the client to try again (history), never carry on with a partial answer.
import { AppError, type Logger } from '@falablau/common';
import { chatMessageSchema, type ChatMessage } from '@falablau/common/contracts';
import { z } from 'zod';
import type { ServiceTokenProvider } from './service-token-provider.js';

/** Scopes chat-service asks auth-service for. */
export const ARCHIVE_SCOPES = ['archive:read', 'archive:write'] as const;
/** Largest page GET /archive/rooms/:id serves. */
export const ARCHIVE_PAGE_MAX = 200;

export interface ArchiveRoomQuery {
  /** Only seq < beforeSeq. */
  beforeSeq?: number;
  /** Only seq > afterSeq. */
  afterSeq?: number;
  /** 1–ARCHIVE_PAGE_MAX. */
  limit: number;
}

export interface ArchiveRoomPage {
  /** Newest first (by seq). */
  messages: ChatMessage[];
  /** More messages match below the last one. */
  hasMore: boolean;
}

const batchResultSchema = z.object({
  inserted: z.int().min(0),
  duplicates: z.int().min(0),
  /** Refused: their (roomId, seq) is archived under another id. */
  conflicts: z.array(z.object({ id: z.string(), roomId: z.string(), seq: z.int() })),
});
export type ArchiveBatchResult = z.infer<typeof batchResultSchema>;

const roomPageSchema = z.object({
  messages: z.array(chatMessageSchema),
  nextCursor: z.string().nullable(),
});

export interface ArchiveClient {
  /** Archives a batch (idempotent by message id); resolves once the archive has stored it. */
  store(messages: readonly ChatMessage[]): Promise<ArchiveBatchResult>;
  roomPage(roomId: string, query: ArchiveRoomQuery): Promise<ArchiveRoomPage>;
}

export interface ArchiveClientOptions {
  /** archive-service base URL, no trailing slash. */
  baseUrl: string;
  tokens: ServiceTokenProvider;
  timeoutMs: number;
  logger: Logger;
  fetch?: typeof fetch;
}

/** The one error of this client: its message is what end users see; the cause is for logs. */
export class ArchiveUnavailableError extends AppError {
  constructor(detail: string, cause?: unknown) {
    super(503, 'UNAVAILABLE', 'The message archive is unavailable; try again shortly', {
      cause: cause ?? new Error(detail),
    });
    this.name = 'ArchiveUnavailableError';
  }
}

export function createArchiveClient(options: ArchiveClientOptions): ArchiveClient {
  const fetchImpl = options.fetch ?? fetch;

  async function attempt(path: string, init: RequestInit, token: string): Promise<Response> {
    try {
      return await fetchImpl(`${options.baseUrl}${path}`, {
        ...init,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new ArchiveUnavailableError(`${init.method ?? 'GET'} ${path}: no answer`, error);
    }
  }

  async function call<S extends z.ZodType>(
    path: string,
    init: RequestInit,
    schema: S,
  ): Promise<z.output<S>> {
    let token = await options.tokens.token();
    let response = await attempt(path, init, token);
    if (response.status === 401) {
      // Our token no longer verifies there (e.g. auth-service rotated its keys): once more with
      // a fresh one. A second 401 is a configuration problem, not something retries fix.
      await response.body?.cancel();
      options.tokens.reject(token);
      token = await options.tokens.token();
      response = await attempt(path, init, token);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      options.logger.warn(
        { status: response.status, path, body: text.slice(0, 500) },
        'archive-service refused a request',
      );
      throw new ArchiveUnavailableError(`${init.method ?? 'GET'} ${path}: ${response.status}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ArchiveUnavailableError(`${path}: the answer is not JSON`, error);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ArchiveUnavailableError(`${path}: unexpected answer`, parsed.error);
    }
    return parsed.data;
  }

  return {
    store: (messages) =>
      call(
        '/archive/messages',
        { method: 'POST', body: JSON.stringify({ messages }) },
        batchResultSchema,
      ),

    async roomPage(roomId, { beforeSeq, afterSeq, limit }) {
      const query = new URLSearchParams({ limit: String(limit) });
      if (beforeSeq !== undefined) query.set('beforeSeq', String(beforeSeq));
      if (afterSeq !== undefined) query.set('afterSeq', String(afterSeq));
      const page = await call(
        `/archive/rooms/${encodeURIComponent(roomId)}?${query.toString()}`,
        { method: 'GET' },
        roomPageSchema,
      );
      return { messages: page.messages, hasMore: page.nextCursor !== null };
    },
  };
}
