// Row types of the `chat` schema as Kysely sees them (snake_case, as in SQL). The services map
// them to the camelCase wire objects of @falablau/common/contracts; nothing else touches them.
import type { ColumnType, Generated, GeneratedAlways, Selectable } from 'kysely';

/**
 * A Postgres bigint: pg returns it as a decimal string (it may exceed 2^53); we accept numbers on
 * the way in. Sequence numbers stay far below 2^53, so the services convert them with Number().
 */
export type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;
/** An Int8 column with a default: optional on insert. */
export type Int8WithDefault = ColumnType<
  string,
  string | number | bigint | undefined,
  string | number | bigint
>;

export interface RoomsTable {
  id: Generated<string>;
  name: string;
  /** `lower(name)`, computed by Postgres: the unique key that makes names case-insensitive. */
  name_key: GeneratedAlways<string>;
  topic: string | null;
  created_by: string;
  created_at: Generated<Date>;
  /** The newest message's seq: `send` increments it under the row lock, so seqs are gap-free. */
  last_seq: Int8WithDefault;
}

export interface RoomMembersTable {
  room_id: string;
  user_id: string;
  /** The name the member had when joining: lists of members need no call to auth-service. */
  username: string;
  joined_at: Generated<Date>;
}

/** A message row doubles as its outbox entry: `published_at` is null until Kafka has it. */
export interface MessagesTable {
  id: Generated<string>;
  room_id: string;
  seq: Int8;
  user_id: string;
  username: string;
  text: string;
  client_msg_id: string;
  created_at: Generated<Date>;
  published_at: Date | null;
}

export interface ChatDb {
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  messages: MessagesTable;
}

export type RoomRow = Selectable<RoomsTable>;
export type MessageRow = Selectable<MessagesTable>;
