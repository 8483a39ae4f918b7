// The `before` cursor of GET /rooms/:id/messages. Clients treat it as an opaque string and pass
// back what `nextCursor` said. It is the seq of the oldest message of the page, in decimal: seqs
// order a room's messages in Postgres and in the archive alike, so the same cursor pages on from
// one into the other and clients cannot tell where the boundary is. A new form (e.g. a prefix)
// can be added here without clients noticing.
import { seqSchema } from '@falablau/common/contracts';

const decimal = /^\d{1,16}$/;

export function encodeHistoryCursor(seq: number): string {
  return String(seq);
}

/** The seq a cursor stands for, or undefined when the string is not a cursor we issued. */
export function decodeHistoryCursor(cursor: string): number | undefined {
  if (!decimal.test(cursor)) return undefined;
  const parsed = seqSchema.safeParse(Number(cursor));
  return parsed.success ? parsed.data : undefined;
}
