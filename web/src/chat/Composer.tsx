// Writing a message: Enter sends, Shift+Enter starts a new line (and so does Enter while an input
// method is composing). The contract's messageTextSchema decides what can be sent; typing state
// is reported as the text changes.
import { useId, useState, type SubmitEvent, type KeyboardEvent } from 'react';
import SendRounded from '@mui/icons-material/SendRounded';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import TextField from '@mui/material/TextField';
import { messageTextSchema } from '@falablau/common/contracts';

export interface ComposerProps {
  roomName: string;
  onSend: (text: string) => void;
  onTyping: (hasText: boolean) => void;
}

const MAX_LENGTH = 4000;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function Composer({ roomName, onSend, onTyping }: ComposerProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const hintId = useId();
  const fieldId = useId();
  const blank = text.trim() === '';
  const remaining = MAX_LENGTH - text.trim().length;

  function send() {
    if (blank) return;
    const parsed = messageTextSchema.safeParse(text);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message);
      return;
    }
    onSend(parsed.data);
    setText('');
    setError(undefined);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  const helper =
    error ??
    (remaining < 0
      ? `${plural(-remaining, 'character')} over the ${MAX_LENGTH} limit`
      : remaining < 500
        ? `${remaining} characters left`
        : undefined);
  return (
    <Box
      component="form"
      onSubmit={(event: SubmitEvent) => {
        event.preventDefault();
        send();
      }}
      sx={{
        display: 'flex',
        alignItems: 'flex-end',
        gap: 1,
        px: { xs: 1, sm: 2 },
        pb: { xs: 1, sm: 2 },
      }}
    >
      <TextField
        id={fieldId}
        value={text}
        multiline
        maxRows={6}
        autoFocus
        placeholder={`Message ${roomName}`}
        error={error !== undefined || remaining < 0}
        helperText={helper}
        onChange={(event) => {
          const value = event.target.value;
          setText(value);
          onTyping(value.trim() !== '');
          if (error !== undefined && value.trim().length <= MAX_LENGTH) setError(undefined);
        }}
        onKeyDown={onKeyDown}
        slotProps={{
          htmlInput: {
            'aria-label': `Message ${roomName}`,
            // MUI links the helper text; the keyboard hint is added to it.
            'aria-describedby': helper === undefined ? hintId : `${fieldId}-helper-text ${hintId}`,
          },
        }}
      />
      <Box id={hintId} sx={{ display: 'none' }}>
        Enter sends the message; Shift+Enter starts a new line.
      </Box>
      <IconButton
        type="submit"
        color="primary"
        aria-label="Send message"
        disabled={blank}
        sx={{ mb: helper ? 3 : 0.5 }}
      >
        <SendRounded />
      </IconButton>
    </Box>
  );
}
