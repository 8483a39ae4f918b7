// The OAuth2 clients (other FalaBLAU services) allowed to obtain service tokens with the
// client-credentials grant, and the scopes each may ask for. Configured, not stored: the set is
// small, changes with deployments, and its secrets live in Kubernetes Secrets.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'secretSha256 must be 64 lowercase hex digits');

const clientSchema = z
  .strictObject({
    /** Plain secret (development, or a value injected from a Secret). */
    secret: z.string().min(16, 'client secrets must be at least 16 characters').optional(),
    /** SHA-256 of the secret, hex: keeps the secret itself out of auth's configuration. */
    secretSha256: sha256Hex.optional(),
    scopes: z.array(z.string().regex(/^[\w:.-]{1,64}$/)).min(1),
  })
  .refine((c) => (c.secret === undefined) !== (c.secretSha256 === undefined), {
    message: 'give exactly one of secret or secretSha256',
  });

/** `{"chat-service": {"secret": "…", "scopes": ["archive:read", "archive:write"]}}` */
export const serviceClientsSchema = z.record(z.string().regex(/^[\w.-]{1,128}$/), clientSchema);
export type ServiceClientsConfig = z.infer<typeof serviceClientsSchema>;

export interface ServiceClient {
  clientId: string;
  scopes: readonly string[];
}

export interface ServiceClientRegistry {
  /** The client when the id is known and the secret matches; undefined otherwise. */
  authenticate: (clientId: string, secret: string) => ServiceClient | undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function createServiceClientRegistry(config: ServiceClientsConfig): ServiceClientRegistry {
  const clients = new Map(
    Object.entries(config).map(([clientId, c]) => [
      clientId,
      {
        client: { clientId, scopes: c.scopes } satisfies ServiceClient,
        secretDigest: c.secretSha256 ? Buffer.from(c.secretSha256, 'hex') : digest(c.secret ?? ''),
      },
    ]),
  );
  // Unknown ids are compared against this, so a miss costs the same as a wrong secret.
  const decoy = digest('no such client');
  return {
    authenticate: (clientId, secret) => {
      const entry = clients.get(clientId);
      const matches = timingSafeEqual(digest(secret), entry?.secretDigest ?? decoy);
      return entry && matches ? entry.client : undefined;
    },
  };
}
