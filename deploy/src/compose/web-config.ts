// The web app's configuration, read from its sources: the build-time VITE_* variables that
// src/app-config.ts parses (with the app's own parseAppConfig, loaded at run time because the
// web workspace is a Vite app without a dist to import) and the FALABLAU_* variables of the
// dev server's proxy in vite.config.js.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../paths.js';
import type { ParseResult } from './env-example.js';

const appConfigPath = join(repoRoot, 'web', 'src', 'app-config.ts');
const viteConfigPath = join(repoRoot, 'web', 'vite.config.js');

/** The variables the web app reads: VITE_* keys of its schema, FALABLAU_* of the proxy. */
export function webVariables(): string[] {
  const vite = [...readFileSync(appConfigPath, 'utf8').matchAll(/^\s*(VITE_[A-Z0-9_]+):/gm)];
  const proxy = [...readFileSync(viteConfigPath, 'utf8').matchAll(/\benv\.(FALABLAU_[A-Z0-9_]+)/g)];
  return [...new Set([...vite, ...proxy].map((m) => m[1] ?? ''))];
}

type ParseAppConfig = (env: Record<string, unknown>) => unknown;

function isParser(module: unknown): module is { parseAppConfig: ParseAppConfig } {
  return (
    module !== null &&
    typeof module === 'object' &&
    'parseAppConfig' in module &&
    typeof module.parseAppConfig === 'function'
  );
}

/** The app's own parseAppConfig (src/app-config.ts), as a ParseResult of the VITE_* part. */
export async function loadWebConfigParser(): Promise<(env: Record<string, string>) => ParseResult> {
  const module: unknown = await import(pathToFileURL(appConfigPath).href);
  if (!isParser(module)) throw new Error(`${appConfigPath} exports no parseAppConfig`);
  return (env) => {
    const vite = Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('VITE_')));
    try {
      return { ok: true, config: module.parseAppConfig(vite) };
    } catch (error) {
      return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
    }
  };
}
