// auth-service, as the entry point routes it: /api/auth/register, /login, /refresh, /logout.
import { z } from 'zod';
import { requestJson, send, type HttpOptions } from './http';

export const tokenResponseSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string().min(1),
  expiresIn: z.number().int().nonnegative(),
  refreshToken: z.string().min(1),
  refreshExpiresIn: z.number().int().nonnegative(),
  sessionId: z.string().min(1),
  user: z.object({ id: z.string().min(1), username: z.string().min(1), role: z.string() }),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export interface Credentials {
  username: string;
  password: string;
}

export interface AuthApi {
  register(credentials: Credentials): Promise<TokenResponse>;
  login(credentials: Credentials): Promise<TokenResponse>;
  /** Rotates the refresh token: the answer holds the new one. */
  refresh(refreshToken: string): Promise<TokenResponse>;
  /** Ends the session; works after the access token expired. */
  logout(refreshToken: string): Promise<void>;
}

export function createAuthApi(http: HttpOptions, prefix = '/api/auth'): AuthApi {
  const post = (path: string, body: unknown) =>
    requestJson(http, `${prefix}${path}`, tokenResponseSchema, { method: 'POST', body });
  return {
    register: ({ username, password }) => post('/register', { username, password }),
    login: ({ username, password }) => post('/login', { username, password }),
    refresh: (refreshToken) => post('/refresh', { refreshToken }),
    logout: async (refreshToken) => {
      await send(http, `${prefix}/logout`, { method: 'POST', body: { refreshToken } });
    },
  };
}
