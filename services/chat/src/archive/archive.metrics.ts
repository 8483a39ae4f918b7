// Metrics of the archive mover. Every chat-service metric starts with `chat_`.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface ArchiveMoverMetrics {
  moved: Counter;
  runDuration: Histogram;
  failures: Counter;
  conflicts: Counter;
}

export function createArchiveMoverMetrics(registry: Registry): ArchiveMoverMetrics {
  return {
    moved: new Counter({
      name: 'chat_archive_moved_total',
      help: 'Messages this replica moved to the archive (archived, then deleted from Postgres)',
      registers: [registry],
    }),
    runDuration: new Histogram({
      name: 'chat_archive_move_duration_seconds',
      help: 'Duration of the mover runs this replica led (lock held until nothing was due)',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'chat_archive_move_failures_total',
      help: 'Mover runs stopped by an error (archive or Postgres); the batch stayed in Postgres',
      registers: [registry],
    }),
    conflicts: new Counter({
      name: 'chat_archive_move_conflicts_total',
      help: 'Messages the archive refused because their room and seq are archived under another id',
      registers: [registry],
    }),
  };
}
