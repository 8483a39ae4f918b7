// The signed-in user's realtime connection and chat client: built when the user is known, started
// on mount and stopped on unmount (sign-out), shared through context.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useServices } from '../ServicesContext';
import type { Realtime } from '../services';

const RealtimeContext = createContext<Realtime | undefined>(undefined);

export interface RealtimeProviderProps {
  user: { id: string };
  children: ReactNode;
}

/** Give it `key={user.id}`: another user gets another connection. */
export function RealtimeProvider({ user, children }: RealtimeProviderProps) {
  const { createRealtime } = useServices();
  const [realtime] = useState(() => createRealtime(user));
  useEffect(() => {
    realtime.start();
    return () => {
      realtime.stop();
    };
  }, [realtime]);
  return <RealtimeContext value={realtime}>{children}</RealtimeContext>;
}

export function useRealtime(): Realtime {
  const realtime = useContext(RealtimeContext);
  if (!realtime) throw new Error('useRealtime() needs a <RealtimeProvider> above it');
  return realtime;
}
