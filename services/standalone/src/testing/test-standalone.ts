// Tests only: the standalone platform in this process on port 0, with its DATA_DIR and a small
// web build in a temporary folder, and a fetch helper that speaks the platform's JSON.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '@falablau/common';
import { parseStandaloneConfig } from '../config.js';
import { startPlatform, type Platform } from '../platform.js';

export const WEB_INDEX = '<!doctype html><title>FalaBLAU test build</title><div id="root"></div>';
export const WEB_ASSET = 'assets/index-3f2a1b.js';

export interface TestStandalone {
  dir: string;
  dataDir: string;
  webDist: string;
  /** Starts a platform on this DATA_DIR (again, after a close: a restart). */
  start(env?: Env): Promise<Platform>;
  dispose(): Promise<void>;
}

export async function createTestStandalone(
  options: { withWebBuild?: boolean } = {},
): Promise<TestStandalone> {
  const dir = await mkdtemp(join(tmpdir(), 'falablau-standalone-'));
  const dataDir = join(dir, 'data');
  const webDist = join(dir, 'web-dist');
  if (options.withWebBuild !== false) {
    await mkdir(join(webDist, 'assets'), { recursive: true });
    await writeFile(join(webDist, 'index.html'), WEB_INDEX);
    await writeFile(join(webDist, WEB_ASSET), 'console.log("FalaBLAU");\n');
  }
  return {
    dir,
    dataDir,
    webDist,
    start: (env = {}) =>
      startPlatform({
        config: parseStandaloneConfig(
          {
            PORT: '0',
            HOST: '127.0.0.1',
            LOG_LEVEL: 'silent',
            DATA_DIR: dataDir,
            // Tests send faster than people; the limits themselves are chat-service's tests.
            SOCKET_RATE_LIMIT_MESSAGES: '1000/10s',
            SOCKET_RATE_LIMIT_JOINS: '1000/10s',
            IP_RATE_LIMIT_MAX: '10000',
            ...env,
          },
          dir,
        ),
        webDist,
      }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON request to the platform; the body is parsed when the answer is JSON. */
export async function api<T = Record<string, unknown>>(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json');
  return {
    status: response.status,
    headers: response.headers,
    body: (json && text ? JSON.parse(text) : text) as T,
  };
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  user: { id: string; username: string; role: string };
}

export async function registerUser(base: string, username: string, password: string) {
  const response = await api<Tokens>(base, '/api/auth/register', { body: { username, password } });
  if (response.status !== 201) {
    throw new Error(`register ${username}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
}
