// One delivered message. Consecutive messages from one author are "compact" (no avatar or name
// shown; the name stays for screen readers). `data-seq` lets browser tests find messages.
import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { ChatMessage } from '@falablau/common/contracts';
import { visuallyHidden } from '../shared/visuallyHidden';
import { MessageText } from './MessageText';

export interface MessageItemProps {
  message: ChatMessage;
  compact: boolean;
  mine: boolean;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function MessageItem({ message, compact, mine }: MessageItemProps) {
  const at = new Date(message.createdAt);
  const author = mine ? `${message.username} (you)` : message.username;
  return (
    <Box
      component="li"
      data-seq={message.seq}
      sx={{
        display: 'flex',
        gap: 1.5,
        px: { xs: 1.5, sm: 2 },
        pt: compact ? 0.25 : 1.25,
        pb: 0.25,
        '&:hover': { bgcolor: 'action.hover' },
      }}
    >
      {compact ? (
        <Box sx={{ width: 36, flexShrink: 0 }} />
      ) : (
        <Avatar
          aria-hidden
          sx={{ width: 36, height: 36, bgcolor: mine ? 'secondary.main' : 'primary.main' }}
        >
          {message.username.slice(0, 1).toUpperCase()}
        </Avatar>
      )}
      <Box sx={{ minWidth: 0, flexGrow: 1 }}>
        {compact ? (
          <Box component="span" sx={visuallyHidden}>
            {author}:
          </Box>
        ) : (
          <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1 }}>
            <Typography component="span" variant="subtitle2" noWrap>
              {author}
            </Typography>
            <Typography
              component="time"
              variant="caption"
              dateTime={message.createdAt}
              title={fullFormat.format(at)}
              sx={{ color: 'text.secondary', flexShrink: 0 }}
            >
              {timeFormat.format(at)}
            </Typography>
          </Box>
        )}
        <MessageText text={message.text} />
      </Box>
    </Box>
  );
}
