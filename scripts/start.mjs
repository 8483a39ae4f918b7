#!/usr/bin/env node
// `npm start`: the whole platform in this one Node process (services/standalone), after building
// whatever is missing or older than its sources. With everything built it only compares a few
// file times, so a warm start costs milliseconds here. The web app is built only when web/dist is
// absent, and a failed web build never stops the start: the server then says the UI is not built.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Built stage by stage: each workspace imports the dist of those in earlier stages, and the ones
 * within a stage build in parallel (tsc is single-threaded).
 */
const stages = [
  [{ name: '@falablau/common', dir: 'services/common', output: 'dist/index.js' }],
  [
    { name: '@falablau/auth', dir: 'services/auth', output: 'dist/main.js' },
    { name: '@falablau/chat', dir: 'services/chat', output: 'dist/main.js' },
    { name: '@falablau/archive', dir: 'services/archive', output: 'dist/main.js' },
  ],
  [{ name: '@falablau/standalone', dir: 'services/standalone', output: 'dist/main.js' }],
];
const buildInputs = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

const say = (message) => process.stderr.write(`[start] ${message}\n`);

/** Newest modification time of the sources a build reads (tests excluded). */
function newestInput(dir) {
  let newest = 0;
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  walk(join(dir, 'src'));
  for (const file of buildInputs) {
    const path = join(dir, file);
    if (existsSync(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** tsc rewrites every output on each build, so the entry file's time is the build's time. */
function isStale(dir, output) {
  const entry = join(dir, output);
  return !existsSync(entry) || newestInput(dir) > statSync(entry).mtimeMs;
}

/** `npm run build -w <name>`; resolves to whether it succeeded. */
function build(name) {
  say(`building ${name}`);
  const npm = process.env.npm_execpath;
  const [command, args] = npm
    ? [process.execPath, [npm, 'run', 'build', '-w', name]]
    : ['npm', ['run', 'build', '-w', name]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** The web app is optional: built only when web/dist is absent, and a failure is not fatal. */
async function buildWebIfAbsent() {
  const web = join(root, 'web');
  if (existsSync(join(web, 'dist', 'index.html'))) return 0;
  if (!existsSync(join(web, 'package.json')) || !existsSync(join(root, 'node_modules', 'vite'))) {
    say('the web app cannot be built here: starting without it');
    return 0;
  }
  if (await build('@falablau/web')) return 1;
  say('the web app did not build: starting without it (the APIs work; / says why)');
  return 0;
}

if (!existsSync(join(root, 'node_modules'))) {
  say('dependencies are missing: run `npm install` first');
  process.exit(1);
}

const started = performance.now();
let built = 0;
let web = Promise.resolve(0);
for (const [index, stage] of stages.entries()) {
  const stale = stage.filter(({ dir, output }) => isStale(join(root, dir), output));
  const results = await Promise.all(stale.map(({ name }) => build(name)));
  const failed = stale.filter((_, i) => !results[i]).map(({ name }) => name);
  if (failed.length > 0) {
    say(`building ${failed.join(', ')} failed; fix the errors above and run npm start again`);
    process.exit(1);
  }
  built += stale.length;
  // The web app needs only common's contracts: it builds alongside the services.
  if (index === 0) web = buildWebIfAbsent();
}
built += await web;
if (built > 0) say(`built ${built} workspace(s) in ${Math.round(performance.now() - started)} ms`);

// The platform runs in this process: no second Node process, and signals reach it directly.
await import(pathToFileURL(join(root, 'services/standalone/dist/main.js')).href);
