// P6: history pages of 50, one request at a time through nginx (what a client scrolling back
// does). Hot: chat-service's GET /rooms/:id/messages on rooms P2 filled (served by Postgres),
// newest page then older ones by nextCursor. Archive: archive-service's GET /archive/rooms/:id
// (the page chat-service fetches once Postgres runs out) on the rooms P4 ingested.
import type { Log } from '../orchestrator/context.js';
import { Histogram, type LatencySummary } from '../stats/histogram.js';

export interface HistoryConfig {
  maxRequests: number;
  budgetMs: number;
  pagesPerScroll: number;
}

export interface HistoryFigures {
  requests: number;
  fullPages: number;
  errors: Record<string, number>;
  latency: LatencySummary;
  budgetExhausted: boolean;
}

async function timedGet(
  url: string,
  token: string,
): Promise<{ ms: number; status: number; body: unknown }> {
  const t0 = performance.now();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  const ms = performance.now() - t0;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { ms, status: response.status, body };
}

/** Pages through `rooms` in turn: `pathOf(room, cursor)` builds each request. */
export async function measurePages(
  label: string,
  cfg: HistoryConfig,
  opts: {
    baseUrl: string;
    token: string;
    rooms: string[];
    pathOf: (room: string, cursor: string | null) => string;
    log: Log;
  },
): Promise<HistoryFigures> {
  const latency = new Histogram();
  const errors: Record<string, number> = {};
  let requests = 0;
  let fullPages = 0;
  const t0 = performance.now();
  let room = 0;
  let lastLog = performance.now();
  outer: while (requests < cfg.maxRequests && performance.now() - t0 < cfg.budgetMs) {
    const roomId = opts.rooms[room % opts.rooms.length];
    room += 1;
    if (!roomId) break;
    let cursor: string | null = null;
    for (let page = 0; page < cfg.pagesPerScroll; page++) {
      const { ms, status, body } = await timedGet(
        new URL(opts.pathOf(roomId, cursor), opts.baseUrl).toString(),
        opts.token,
      );
      requests += 1;
      if (status !== 200) {
        errors[String(status)] = (errors[String(status)] ?? 0) + 1;
        break;
      }
      latency.record(ms);
      const result = body as { messages?: unknown[]; nextCursor?: string | null } | undefined;
      if (result?.messages?.length === 50) fullPages += 1;
      cursor = result?.nextCursor ?? null;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        opts.log(`${label}: ${requests} pages so far, last ${ms.toFixed(1)} ms`);
      }
      if (requests >= cfg.maxRequests || performance.now() - t0 >= cfg.budgetMs) break outer;
      if (!cursor) break;
    }
  }
  const figures: HistoryFigures = {
    requests,
    fullPages,
    errors,
    latency: latency.summary(),
    budgetExhausted: performance.now() - t0 >= cfg.budgetMs,
  };
  opts.log(
    `${label}: ${requests} pages (${fullPages} full pages of 50): p50 ${figures.latency.p50 ?? 'n/a'} ms, p99 ${figures.latency.p99 ?? 'n/a'} ms, max ${figures.latency.max ?? 'n/a'} ms` +
      (Object.keys(errors).length ? `; errors ${JSON.stringify(errors)}` : ''),
  );
  return figures;
}
