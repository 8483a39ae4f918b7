// "Ana is typing…" under the messages, announced politely to screen readers.
import Box from '@mui/material/Box';
import { typingLabel, type Typist } from './typing';

export interface TypingIndicatorProps {
  typists: readonly Typist[];
}

export function TypingIndicator({ typists }: TypingIndicatorProps) {
  return (
    <Box
      role="status"
      aria-live="polite"
      sx={{
        minHeight: 22,
        px: { xs: 1.5, sm: 2 },
        typography: 'caption',
        fontStyle: 'italic',
        color: 'text.secondary',
      }}
    >
      {typingLabel(typists)}
    </Box>
  );
}
