// chat-service's REST side (/api/chat): rooms and message history. Every call carries the access
// token; a 401 makes the session refresh once and the call is repeated with the new token.
import { z } from 'zod';
import { chatMessageSchema, roomSchema, type Room } from '@falablau/common/contracts';
import { ApiError } from './api-error';
import { requestJson, type HttpOptions, type RequestOptions } from './http';

export const historyPageSchema = z.object({
  messages: z.array(chatMessageSchema),
  nextCursor: z.string().nullable(),
});
export type HistoryPage = z.infer<typeof historyPageSchema>;

export interface CreateRoomInput {
  name: string;
  topic?: string;
}

export interface ChatApi {
  listRooms(): Promise<Room[]>;
  createRoom(input: CreateRoomInput): Promise<Room>;
  getRoom(roomId: string): Promise<Room>;
  /** Newest first; pass `nextCursor` back as `before` for older messages (null: no more). */
  history(roomId: string, page?: { before?: string; limit?: number }): Promise<HistoryPage>;
}

/** Where API clients get the access token; implemented by the session manager. */
export interface TokenSource {
  getAccessToken(): Promise<string>;
  /** The token was refused: refresh (unless another tab already did) and return the new one. */
  refresh(staleAccessToken?: string): Promise<string>;
}

export function createChatApi(
  http: HttpOptions,
  tokens: TokenSource,
  prefix = '/api/chat',
): ChatApi {
  async function call<S extends z.ZodType>(
    path: string,
    schema: S,
    options: RequestOptions = {},
  ): Promise<z.infer<S>> {
    const token = await tokens.getAccessToken();
    try {
      return await requestJson(http, `${prefix}${path}`, schema, { ...options, token });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      const fresh = await tokens.refresh(token);
      return requestJson(http, `${prefix}${path}`, schema, { ...options, token: fresh });
    }
  }
  const roomPath = (roomId: string) => `/rooms/${encodeURIComponent(roomId)}`;

  return {
    listRooms: async () => (await call('/rooms', z.object({ rooms: z.array(roomSchema) }))).rooms,
    createRoom: (input) => call('/rooms', roomSchema, { method: 'POST', body: input }),
    getRoom: (roomId) => call(roomPath(roomId), roomSchema),
    history: (roomId, { before, limit } = {}) => {
      const query = new URLSearchParams();
      if (before !== undefined) query.set('before', before);
      if (limit !== undefined) query.set('limit', String(limit));
      const suffix = query.size > 0 ? `?${query.toString()}` : '';
      return call(`${roomPath(roomId)}/messages${suffix}`, historyPageSchema);
    },
  };
}
