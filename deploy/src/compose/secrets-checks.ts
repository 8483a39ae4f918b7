// The secrets as the services will load them, checked with the services' own code: the JWT
// signing key auth-service reads must be an ES256 key its key loader accepts, and the client
// secret chat-service presents must authenticate, with the archive scopes, against the OAuth2
// clients auth-service is configured with (OAUTH_CLIENTS merged over OAUTH_CLIENTS_FILE, as
// auth's main.ts merges them).
import { ARCHIVE_SCOPES } from '@falablau/chat/dist/archive/archive-client.js';
import {
  createServiceClientRegistry,
  serviceClientsSchema,
  type ServiceClientsConfig,
} from '@falablau/auth/dist/clients/service-clients.js';
import { signingKeysFromPem } from '@falablau/auth/dist/tokens/signing-keys.js';

/** Reads a file as the service's container (or process) sees it. */
export type ReadFile = (path: string) => string | undefined;

const message = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** auth-service's signing key: present when production requires one, and a valid ES256 key. */
export async function signingKeyProblems(
  authEnv: Readonly<Record<string, string>>,
  read: ReadFile,
): Promise<string[]> {
  const file = authEnv.JWT_PRIVATE_KEY_FILE;
  const pem = authEnv.JWT_PRIVATE_KEY ?? (file === undefined ? undefined : read(file));
  if (pem === undefined) {
    if (file !== undefined) return [`JWT_PRIVATE_KEY_FILE ${file} cannot be read`];
    return authEnv.NODE_ENV === 'production' ? ['production without a JWT signing key'] : [];
  }
  try {
    await signingKeysFromPem(pem);
    return [];
  } catch (error) {
    return [`the JWT signing key is refused: ${message(error)}`];
  }
}

function clientsFrom(json: string, what: string, problems: string[]): ServiceClientsConfig {
  try {
    return serviceClientsSchema.parse(JSON.parse(json));
  } catch (error) {
    problems.push(`${what}: ${message(error)}`);
    return {};
  }
}

/** chat-service's client credentials authenticate at auth-service with the archive scopes. */
export function serviceClientProblems(
  authEnv: Readonly<Record<string, string>>,
  readAuthFile: ReadFile,
  chatEnv: Readonly<Record<string, string>>,
): string[] {
  const problems: string[] = [];
  const file = authEnv.OAUTH_CLIENTS_FILE;
  const fileText = file === undefined ? undefined : readAuthFile(file);
  if (file !== undefined && fileText === undefined) {
    problems.push(`OAUTH_CLIENTS_FILE ${file} cannot be read`);
  }
  const clients = {
    ...(fileText === undefined ? {} : clientsFrom(fileText, 'OAUTH_CLIENTS_FILE', problems)),
    ...(authEnv.OAUTH_CLIENTS === undefined
      ? {}
      : clientsFrom(authEnv.OAUTH_CLIENTS, 'OAUTH_CLIENTS', problems)),
  };
  const clientId = chatEnv.SERVICE_CLIENT_ID ?? 'chat-service';
  const secret = chatEnv.SERVICE_CLIENT_SECRET;
  if (secret === undefined) return [...problems, 'chat-service has no SERVICE_CLIENT_SECRET'];
  const client = createServiceClientRegistry(clients).authenticate(clientId, secret);
  if (!client) return [...problems, `auth-service does not accept ${clientId}'s secret`];
  const missing = ARCHIVE_SCOPES.filter((scope) => !client.scopes.includes(scope));
  if (missing.length > 0) problems.push(`${clientId} lacks the scopes ${missing.join(', ')}`);
  return problems;
}
