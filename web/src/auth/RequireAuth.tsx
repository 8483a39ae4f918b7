// Routes behind sign-in: anonymous visitors go to /login (and come back afterwards); a signed-in
// user gets their realtime connection and the chat layout.
import { Navigate, useLocation } from 'react-router';
import { RealtimeProvider } from '../connection/RealtimeProvider';
import { ChatLayout } from '../layout/ChatLayout';
import { useSessionState } from './useSessionState';

export type RequireAuthProps = Record<string, never>;

export function RequireAuth(_props: RequireAuthProps) {
  const session = useSessionState();
  const location = useLocation();
  if (session.status === 'signedOut') {
    return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  }
  return (
    <RealtimeProvider key={session.user.id} user={session.user}>
      <ChatLayout user={session.user} />
    </RealtimeProvider>
  );
}
