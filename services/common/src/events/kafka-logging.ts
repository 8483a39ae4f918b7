// kafkajs logs through its own logger; route it into pino so one process has one log stream.
// kafkajs is chatty (every reconnect logs several errors), so the bus lets only warn+ through by
// default.
import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';

export const kafkaLogLevels: Record<KafkaLogLevel, logLevel> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

// The bus bounds producer retries on purpose and replaces the producer after a failure, so the
// idempotence guarantee this warns about is not relied upon (see ProducerPool); demote it.
const expectedWarnings = new Set([
  'Limiting retries for the idempotent producer may invalidate EoS guarantees',
]);

function pinoLevel(level: logLevel): 'error' | 'warn' | 'info' | 'debug' {
  switch (level) {
    case logLevel.ERROR:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    default:
      return 'debug';
  }
}

export function pinoLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      // pino stamps its own time; kafkajs's timestamp would only duplicate it.
      const extra: Record<string, unknown> = { ...log };
      delete extra.timestamp;
      delete extra.message;
      const { message } = log;
      const target = expectedWarnings.has(message) ? 'debug' : pinoLevel(level);
      kafkaLogger[target]({ namespace, ...extra }, message);
    };
}
