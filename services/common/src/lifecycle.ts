// Process lifecycle: start, then close gracefully on SIGTERM/SIGINT. Uncaught exceptions and
// unhandled rejections take the same path (log, close what can be closed, exit non-zero).
import closeWithGrace from 'close-with-grace';
import type { Logger } from './logger.js';

export interface ServiceRunner {
  logger: Logger;
  /** Connects clients and starts listening; a rejection aborts start-up with exit code 1. */
  start: () => Promise<void>;
  /** Stops accepting work, drains, and closes clients. */
  stop: () => Promise<void>;
  /** How long `stop` may take before the process is ended anyway. */
  graceMs?: number;
}

export function runService({ logger, start, stop, graceMs = 10_000 }: ServiceRunner): void {
  closeWithGrace(
    {
      delay: graceMs,
      logger: {
        error: (msg: unknown) => {
          logger.error({ msg }, 'graceful shutdown');
        },
      },
    },
    async ({ signal, err }) => {
      if (err) logger.fatal({ err }, 'fatal error: shutting down');
      else logger.info({ signal }, 'shutting down');
      await stop();
      logger.info('stopped');
    },
  );
  start().catch((err: unknown) => {
    logger.fatal({ err }, 'failed to start');
    process.exitCode = 1;
    // Give pino a tick to flush, then leave: half-started services must not linger.
    setImmediate(() => process.exit(1));
  });
}
