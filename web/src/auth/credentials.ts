// The credential rules of auth-service (services/auth/src/users/user.schemas.ts), with messages
// written for the form. Checked as the user types; the server checks them again.
import { z } from 'zod';

export const usernameSchema = z
  .string()
  .min(1, 'Enter a username')
  .min(3, 'Username must be at least 3 characters')
  .max(32, 'Username must be at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'Use only letters, digits, "_", "." and "-"');

export const passwordSchema = z
  .string()
  .min(1, 'Enter a password')
  .min(8, 'Password must be at least 8 characters')
  .max(1024, 'Password must be at most 1024 characters');

/** The first problem with `value`, or undefined when it is valid. */
export function firstError(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}
