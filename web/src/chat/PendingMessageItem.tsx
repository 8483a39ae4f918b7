// A message not acknowledged yet: waiting, sending, or refused (then Retry or Discard).
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { MessageText } from './MessageText';
import type { PendingSend } from './room-state';

export interface PendingMessageItemProps {
  pending: PendingSend;
  onRetry: () => void;
  onDiscard: () => void;
}

const statusText = (pending: PendingSend) =>
  pending.status === 'failed'
    ? `Not sent: ${pending.error ?? 'the server refused it'}`
    : pending.status === 'sending'
      ? 'Sending…'
      : 'Waiting to send…';

export function PendingMessageItem({ pending, onRetry, onDiscard }: PendingMessageItemProps) {
  const failed = pending.status === 'failed';
  return (
    <Box
      component="li"
      data-pending={pending.status}
      sx={{ display: 'flex', gap: 1.5, px: { xs: 1.5, sm: 2 }, py: 0.5 }}
    >
      <Box sx={{ width: 36, flexShrink: 0 }} />
      <Box sx={{ minWidth: 0, flexGrow: 1, opacity: failed ? 1 : 0.6 }}>
        <MessageText text={pending.text} />
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
          <Typography variant="caption" sx={{ color: failed ? 'error.main' : 'text.secondary' }}>
            {statusText(pending)}
          </Typography>
          {failed && (
            <>
              <Button size="small" onClick={onRetry} aria-label={`Retry sending "${pending.text}"`}>
                Retry
              </Button>
              <Button
                size="small"
                color="inherit"
                onClick={onDiscard}
                aria-label={`Discard "${pending.text}"`}
              >
                Discard
              </Button>
            </>
          )}
        </Box>
      </Box>
    </Box>
  );
}
