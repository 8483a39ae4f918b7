// Standalone entry point (`npm start` at the root runs it): the only file that reads the
// environment. It parses the configuration, starts the platform and serves until SIGTERM/SIGINT.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLogger, runService } from '@falablau/common';
import { startBanner } from './banner.js';
import { parseStandaloneConfig } from './config.js';
import { startPlatform, type Platform } from './platform.js';

// argon2 hashes run on libuv's thread pool, which starts lazily at first use (none of the imports
// above uses it), so sizing it here still takes effect; an explicit UV_THREADPOOL_SIZE wins.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));

// npm runs scripts in the package's folder; INIT_CWD is where it was typed, which relative
// paths (DATA_DIR=./data) are meant against.
const config = parseStandaloneConfig(process.env, process.env.INIT_CWD ?? process.cwd());
const logger = createLogger({ name: 'standalone', level: config.logLevel });
// dist/main.js → the repository's web/dist.
const webDist = config.webDist ?? fileURLToPath(new URL('../../../web/dist', import.meta.url));

let platform: Platform | undefined;

runService({
  logger,
  graceMs: config.shutdownGraceMs,
  start: async () => {
    platform = await startPlatform({ config, webDist });
    process.stdout.write(startBanner({ ...platform, dataDir: config.dataDir }));
  },
  stop: async () => {
    await platform?.close();
  },
});
