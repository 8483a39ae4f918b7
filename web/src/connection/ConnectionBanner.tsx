// Says how the realtime connection is doing, in a live region: nothing while connected, a warning
// with "Retry now" while reconnecting, a short "Reconnected" once back.
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { useStore } from '../shared/useStore';
import type { ConnectionState } from './connection-controller';
import { useRealtime } from './RealtimeProvider';

export type ConnectionBannerProps = Record<string, never>;

export function ConnectionBanner(_props: ConnectionBannerProps) {
  const { connection } = useRealtime();
  const state = useStore(connection.state);
  return (
    <Box role="status" aria-live="polite" sx={{ px: { xs: 1, sm: 2 }, pt: 1, '&:empty': { p: 0 } }}>
      <BannerContent state={state} onRetry={connection.retryNow} />
    </Box>
  );
}

function BannerContent({ state, onRetry }: { state: ConnectionState; onRetry: () => void }) {
  switch (state.phase) {
    case 'connecting':
      return (
        <Alert severity="info" role="none">
          Connecting to the chat server…
        </Alert>
      );
    case 'reconnecting':
      return state.cause === 'session' ? (
        <Alert severity="info" role="none">
          Renewing your session…
        </Alert>
      ) : (
        <Alert
          severity="warning"
          role="alert"
          action={
            <Button color="inherit" size="small" onClick={onRetry}>
              Retry now
            </Button>
          }
        >
          Connection lost. Reconnecting{state.attempt > 0 ? ` (attempt ${state.attempt})` : ''}…
          Messages you send are delivered once it is back.
        </Alert>
      );
    case 'connected':
      return state.reconnected ? <Reconnected /> : null;
    case 'ended':
      return (
        <Alert severity="error" role="alert">
          Your session has ended. Please sign in again.
        </Alert>
      );
    case 'idle':
      return null;
  }
}

/** Shown for a few seconds each time the connection comes back. */
function Reconnected() {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const timer = setTimeout(() => {
      setVisible(false);
    }, 4_000);
    return () => {
      clearTimeout(timer);
    };
  }, []);
  return visible ? (
    <Alert severity="success" role="none">
      Reconnected.
    </Alert>
  ) : null;
}
