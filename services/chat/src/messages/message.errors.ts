import { errors } from '@falablau/common';

export const messageErrors = {
  /** The idempotency key names a message of another room: a client bug, never a retry. */
  clientMsgIdReused: (clientMsgId: string) =>
    errors.validation(
      `clientMsgId "${clientMsgId}" was already used for a message in another room`,
    ),
  badLimit: (limit: number, max: number) =>
    errors.validation(`limit must be an integer from 1 to ${max}, got ${limit}`),
} as const;
