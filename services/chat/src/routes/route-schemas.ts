// Schemas shared by the chat routes: the error body (for the OpenAPI document) and the bearer
// requirement every chat route has.
import { z } from 'zod';

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** Responses every authenticated route may give, documented once. */
export const authErrorResponses = { 401: errorBodySchema } as const;

export const bearerSecurity = [{ bearerAuth: [] }];
