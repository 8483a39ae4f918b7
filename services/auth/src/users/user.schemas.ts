// Input rules for credentials and the public shape of a user, shared by routes and the CLI.
import { z } from 'zod';
import { roleSchema } from '@falablau/common';

/**
 * 3–32 ASCII letters, digits, `_`, `.` or `-`. ASCII keeps "unique regardless of case" exact
 * (Postgres `lower()` and JavaScript agree on it) and rules out look-alike Unicode names.
 */
export const usernameSchema = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"');

/** 8–1024 characters; the upper bound keeps a huge password from costing a slow hash. */
export const passwordSchema = z.string().min(8).max(1024);

export const credentialsSchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
});

export const userProfileSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  role: roleSchema,
  createdAt: z.iso.datetime(),
});
export type UserProfile = z.infer<typeof userProfileSchema>;
