// Renders the real app routes with real state modules over fakes: a fake AuthApi and ChatApi, an
// in-memory session storage and a FakeLink instead of Socket.IO.
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { AppRoutes } from '../AppRoutes';
import { createSessionManager } from '../auth/session-manager';
import { createMemorySessionStorage, toStoredSession } from '../auth/session-storage';
import { createRoomsStore } from '../rooms/rooms-store';
import { assembleRealtime, type AppServices, type Realtime } from '../services';
import { ServicesProvider } from '../ServicesContext';
import { AppTheme } from '../theme/AppTheme';
import { FakeLink } from './fake-link';
import { fakeAuthApi, fakeChatApi, tokenResponse } from './fakes';

export function makeServices({ signedIn = true } = {}) {
  const authApi = fakeAuthApi();
  const chatApi = fakeChatApi();
  const storage = createMemorySessionStorage(
    signedIn ? toStoredSession(tokenResponse(), Date.now()) : undefined,
  );
  const session = createSessionManager({ api: authApi, storage });
  const link = new FakeLink();
  link.tokenSource = () => session.getAccessToken();
  const realtimes: Realtime[] = [];
  const services: AppServices = {
    session,
    chatApi,
    rooms: createRoomsStore(chatApi),
    createRealtime: (user) => {
      const realtime = assembleRealtime(link, session, chatApi, user);
      realtimes.push(realtime);
      return realtime;
    },
  };
  return { services, authApi, chatApi, storage, session, link, realtimes };
}

export type TestContext = ReturnType<typeof makeServices>;

export function renderApp(route: string, context: TestContext = makeServices()) {
  const result = render(
    <ServicesProvider services={context.services}>
      <AppTheme>
        <MemoryRouter initialEntries={[route]}>
          <AppRoutes />
        </MemoryRouter>
      </AppTheme>
    </ServicesProvider>,
  );
  return { ...result, ...context };
}
