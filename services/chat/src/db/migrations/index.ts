// Every migration, statically imported: the built service needs no migration folder on disk.
// Names sort in the order they must run; never rename or edit one that has shipped.
import type { Migration } from '@falablau/common';
import { rooms } from './0001_rooms.js';
import { messages } from './0002_messages.js';

export const chatMigrations: Record<string, Migration> = {
  '0001_rooms': rooms,
  '0002_messages': messages,
};
