// Build-time settings (Vite's VITE_* variables), parsed once in main.tsx; nothing else reads env.
import { z } from 'zod';

const transportSchema = z.enum(['websocket', 'polling', 'webtransport']);

const envSchema = z.object({
  /** Prefix of the REST calls; empty: the page's own origin (ingress, standalone server). */
  VITE_API_BASE_URL: z.string().default(''),
  /** Origin of the Socket.IO server; empty: the page's own origin. */
  VITE_SOCKET_URL: z.string().default(''),
  VITE_SOCKET_PATH: z.string().startsWith('/').default('/socket.io'),
  /** Comma-separated; "websocket,polling" adds the long-polling fallback (needs sticky sessions). */
  VITE_SOCKET_TRANSPORTS: z.string().default('websocket'),
});

export interface AppConfig {
  apiBaseUrl: string;
  socketUrl: string | undefined;
  socketPath: string;
  socketTransports: z.infer<typeof transportSchema>[];
}

export function parseAppConfig(env: Record<string, unknown>): AppConfig {
  const parsed = envSchema.parse(
    Object.fromEntries(
      Object.entries(env).filter(([, value]) => value !== '' && value !== undefined),
    ),
  );
  const transports = parsed.VITE_SOCKET_TRANSPORTS.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return {
    apiBaseUrl: parsed.VITE_API_BASE_URL.replace(/\/+$/, ''),
    socketUrl: parsed.VITE_SOCKET_URL === '' ? undefined : parsed.VITE_SOCKET_URL,
    socketPath: parsed.VITE_SOCKET_PATH,
    socketTransports: z.array(transportSchema).min(1).parse(transports),
  };
}
