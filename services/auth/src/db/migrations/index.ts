// Every migration, statically imported: the built service needs no migration folder on disk.
// Names sort in the order they must run; never rename or edit one that has shipped.
import type { Migration } from '@falablau/common';
import { users } from './0001_users.js';
import { sessions } from './0002_sessions.js';
import { loginFailures } from './0003_login_failures.js';

export const authMigrations: Record<string, Migration> = {
  '0001_users': users,
  '0002_sessions': sessions,
  '0003_login_failures': loginFailures,
};
