// One way into the archive for both sources (the Kafka consumer and POST /archive/messages):
// the store's insert-if-absent, timed and counted, conflicts logged.
import type { Logger } from '@falablau/common';
import type { ChatMessage } from '@falablau/common/contracts';
import type { ArchiveMetrics, WriteSource } from '../archive.metrics.js';
import type { ArchiveStore, UpsertResult } from '../store/archive-store.js';

export interface BatchWriter {
  write(messages: readonly ChatMessage[], source: WriteSource): Promise<UpsertResult>;
}

export function createBatchWriter(deps: {
  store: ArchiveStore;
  metrics: ArchiveMetrics;
  logger: Logger;
}): BatchWriter {
  const { store, metrics, logger } = deps;
  return {
    write: async (messages, source) => {
      if (messages.length === 0) return { inserted: 0, duplicates: 0, conflicts: [] };
      const stopTimer = metrics.batchDuration.startTimer({ source });
      const result = await store.upsertMany(messages);
      stopTimer();
      metrics.batchSize.observe({ source }, messages.length);
      metrics.ingested.inc({ source, result: 'inserted' }, result.inserted);
      metrics.ingested.inc({ source, result: 'duplicate' }, result.duplicates);
      metrics.ingested.inc({ source, result: 'conflict' }, result.conflicts.length);
      for (const message of result.conflicts) {
        logger.warn(
          { source, messageId: message.id, roomId: message.roomId, seq: message.seq },
          'Message refused: its (roomId, seq) is archived under another id',
        );
      }
      return result;
    },
  };
}
