// send_message: stored first (one transaction assigns the seq), acknowledged with the stored
// message, and only then broadcast to the room on every process. A retry with the same
// clientMsgId is answered with the stored message and not broadcast again.
import { sendMessagePayloadSchema, type ChatMessage } from '@falablau/common/contracts';
import type { MessageService } from '../messages/message.service.js';
import { parsePayload } from './acks.js';
import type { HandlerResult } from './event-dispatch.js';
import type { RateLimits } from './rate-limits.js';
import type { RealtimeMetrics } from './realtime.metrics.js';
import { channels, type ChatSocket } from './socket-types.js';

export interface MessageHandlersDeps {
  messages: MessageService;
  limits: RateLimits;
  metrics: RealtimeMetrics;
}

export function createMessageHandlers({ messages, limits, metrics }: MessageHandlersDeps) {
  return {
    async send_message(
      socket: ChatSocket,
      payload: unknown,
    ): Promise<HandlerResult<{ message: ChatMessage }>> {
      const { userId, username } = socket.data.user;
      const input = parsePayload(sendMessagePayloadSchema, payload);
      await limits.consume('messages', userId);
      const { message, duplicate } = await messages.send({ ...input, userId, username });
      return {
        result: { message },
        afterAck: duplicate
          ? undefined
          : () => {
              // The sender has it from the ack; everyone else in the room, on any process, now.
              socket.to(channels.room(message.roomId)).emit('message', message);
              metrics.messagesDelivered.inc();
            },
      };
    },
  };
}
