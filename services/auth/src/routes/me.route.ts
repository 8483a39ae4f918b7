import { authenticatedUser, errors } from '@falablau/common';
import { toProfile } from '../users/user.repository.js';
import { userProfileSchema } from '../users/user.schemas.js';
import type { RouteContext } from './route-context.js';
import { errorResponseSchema } from './schemas.js';

export function meRoute({ app, users, requireSession }: RouteContext): void {
  app.get(
    '/users/me',
    {
      preHandler: requireSession,
      schema: {
        tags: ['users'],
        summary: 'The profile of the caller',
        security: [{ bearerAuth: [] }],
        response: { 200: userProfileSchema, 401: errorResponseSchema },
      },
    },
    async (request) => {
      const user = await users.findById(authenticatedUser(request).userId);
      if (!user) throw errors.unauthorized('The account no longer exists');
      return toProfile(user);
    },
  );
}
