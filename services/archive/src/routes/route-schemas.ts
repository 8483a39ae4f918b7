// Request and response schemas of the archive routes. Query strings are strict objects of
// strings: a repeated parameter (an array), a bracketed one (`start[$ne]=1` arrives as the key
// `start[$ne]`) or any unknown name is a 400, and every value is parsed into a number, a date,
// a UUID or a decoded cursor before a handler sees it. Nothing reaches the store as text it could
// read as an operator or a pattern.
import { chatMessageSchema, roomIdSchema, WITHOUT_NUL } from '@falablau/common/contracts';
import { z } from 'zod';
import { decodeRoomCursor, decodeUserCursor, MAX_CURSOR_LENGTH } from '../store/history-cursor.js';

export const ARCHIVE_SCOPES = { read: 'archive:read', write: 'archive:write' } as const;

export const MAX_LIMIT = 200;
export const DEFAULT_LIMIT = 50;
/** Deepest page of the `page` mode: offsets make the database skip, so they are bounded. */
export const MAX_PAGE = 1000;
/** Most messages in one POST /archive/messages. */
export const MAX_BATCH = 1000;
/** Same cap as chat-service puts on message text. */
export const MAX_TEXT_LENGTH = 4000;

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const bearerSecurity = [{ bearerAuth: [] }];

export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
} as const;

const isoDateTime = (name: string) =>
  z
    .string()
    .max(64, `${name} is too long`)
    .pipe(
      z.iso.datetime({
        offset: true,
        error: `${name} must be an ISO-8601 date-time with a zone, e.g. 2025-01-31T12:00:00Z`,
      }),
    )
    .transform((value, ctx) => {
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: 'custom', message: `${name} is not a real date` });
        return z.NEVER;
      }
      return date;
    });

const boundedInt = (name: string, digits: number, min: number, max: number) =>
  z
    .string()
    .regex(
      new RegExp(`^\\d{1,${String(digits)}}$`),
      `${name} must be an integer from ${String(min)} to ${String(max)}`,
    )
    .transform(Number)
    .pipe(z.int().min(min).max(max));

const cursorField = <T>(decode: (cursor: string) => T | undefined) =>
  z
    .string()
    .max(MAX_CURSOR_LENGTH, 'cursor must be a nextCursor from an earlier page')
    .transform((cursor, ctx) => {
      const position = decode(cursor);
      if (position === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'cursor must be a nextCursor from an earlier page',
        });
        return z.NEVER;
      }
      return position;
    });

const periodAndPaging = {
  start: isoDateTime('start').optional().describe('Oldest createdAt included (ISO-8601)'),
  end: isoDateTime('end').optional().describe('createdAt up to, not including, this (ISO-8601)'),
  limit: boundedInt('limit', 3, 1, MAX_LIMIT)
    .optional()
    .describe(`Messages per page, 1–${String(MAX_LIMIT)} (default ${String(DEFAULT_LIMIT)})`),
  page: boundedInt('page', 4, 1, MAX_PAGE)
    .optional()
    .describe(`1-based page number (the original API); prefer cursor. At most ${String(MAX_PAGE)}`),
};

interface PagingFields {
  start?: Date;
  end?: Date;
  page?: number;
  cursor?: unknown;
}

/**
 * Rules across fields: a non-empty period, and one way of paging at a time. Zod runs this even
 * when a field already failed, with that field's raw text in place of its parsed value (start
 * and end both malformed were a 500 — found by schemathesis): compare only parsed dates.
 */
function checkPaging(query: PagingFields, ctx: z.RefinementCtx, seqCursor = false): void {
  const { start, end } = query as { start?: unknown; end?: unknown };
  if (start instanceof Date && end instanceof Date && start.getTime() >= end.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
  }
  if (query.page !== undefined && (query.cursor !== undefined || seqCursor)) {
    ctx.addIssue({
      code: 'custom',
      path: ['page'],
      message: 'page cannot be combined with cursor, beforeSeq or afterSeq',
    });
  }
}

export const roomHistoryQuerySchema = z
  .strictObject({
    ...periodAndPaging,
    cursor: cursorField(decodeRoomCursor).optional().describe('nextCursor of the previous page'),
    beforeSeq: boundedInt('beforeSeq', 16, 1, Number.MAX_SAFE_INTEGER)
      .optional()
      .describe('Only messages with a smaller seq (for services paging on from the hot store)'),
    afterSeq: boundedInt('afterSeq', 16, 0, Number.MAX_SAFE_INTEGER)
      .optional()
      .describe('Only messages with a larger seq (what a client that has seen afterSeq missed)'),
  })
  .superRefine((query, ctx) => {
    checkPaging(query, ctx, query.beforeSeq !== undefined || query.afterSeq !== undefined);
    if (query.cursor !== undefined && query.beforeSeq !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['beforeSeq'],
        message: 'use cursor or beforeSeq, not both',
      });
    }
  });

export const userHistoryQuerySchema = z
  .strictObject({
    ...periodAndPaging,
    cursor: cursorField(decodeUserCursor).optional().describe('nextCursor of the previous page'),
  })
  .superRefine((query, ctx) => {
    checkPaging(query, ctx);
  });

export const roomParamsSchema = z.strictObject({ id: roomIdSchema });

export const userParamsSchema = z.strictObject({
  userId: z.string().regex(/^[\w-]{1,128}$/, 'userId must be 1-128 of [A-Za-z0-9_-]'),
});

export const historyPageSchema = z.object({
  /** Newest first. */
  messages: z.array(chatMessageSchema),
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});

/** A message as the mover hands it over: the wire contract, strict, with bounded strings. */
export const archiveMessageSchema = z.strictObject({
  ...chatMessageSchema.shape,
  seq: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
  // No NUL: chat-service never sends one (its contract refuses them), and the standalone
  // mode's Postgres store (JSONB) cannot hold one.
  userId: z.string().min(1).max(128).regex(WITHOUT_NUL),
  username: z.string().min(1).max(128).regex(WITHOUT_NUL),
  text: z.string().max(MAX_TEXT_LENGTH).regex(WITHOUT_NUL),
});

export const archiveBatchBodySchema = z.strictObject({
  messages: z.array(archiveMessageSchema).min(1).max(MAX_BATCH),
});

export const archiveBatchResultSchema = z.object({
  /** Stored by this request. */
  inserted: z.int(),
  /** Already archived (a retry): nothing changed. */
  duplicates: z.int(),
  /** Refused: their (roomId, seq) is archived under another id. Everything else is stored. */
  conflicts: z.array(z.object({ id: z.string(), roomId: z.string(), seq: z.int() })),
});

export const cleanupQuerySchema = z.strictObject({
  before: isoDateTime('before')
    // A date in the future would wipe the whole archive: almost certainly a typo.
    .refine((date) => date.getTime() <= Date.now(), 'before must not be in the future')
    .optional()
    .describe('Remove messages created before this instant (default: now minus ARCHIVE_TTL_DAYS)'),
});

export const cleanupResultSchema = z.object({
  deleted: z.int(),
  /** The cutoff applied (ISO-8601). */
  before: z.string(),
});
