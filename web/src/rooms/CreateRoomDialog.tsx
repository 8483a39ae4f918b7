// "Create a room": name and optional topic, checked with the contract's createRoomBodySchema; the
// server's refusal (a taken name: 409) is shown on the field. Focus starts in the name field and
// returns to the button that opened the dialog.
import { useState, type SubmitEvent } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { createRoomBodySchema, type Room } from '@falablau/common/contracts';
import { ApiError, describeError } from '../api/api-error';
import type { CreateRoomInput } from '../api/chat-api';

export interface CreateRoomDialogProps {
  open: boolean;
  onClose: () => void;
  onCreate: (input: CreateRoomInput) => Promise<Room>;
  onCreated: (room: Room) => void;
}

type Errors = Partial<Record<'name' | 'topic' | 'form', string>>;

function validate(name: string, topic: string): { input?: CreateRoomInput; errors: Errors } {
  const result = createRoomBodySchema.safeParse(topic.trim() === '' ? { name } : { name, topic });
  if (result.success) return { input: result.data, errors: {} };
  const errors: Errors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0] === 'topic' ? 'topic' : 'name';
    errors[field] ??= issue.message;
  }
  return { errors };
}

export function CreateRoomDialog({ open, onClose, onCreate, onCreated }: CreateRoomDialogProps) {
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const { input, errors: found } = validate(name, topic);
    setErrors(found);
    if (!input) return;
    setBusy(true);
    try {
      const room = await onCreate(input);
      setName('');
      setTopic('');
      onCreated(room);
    } catch (error) {
      const taken = error instanceof ApiError && error.status === 409;
      setErrors(taken ? { name: describeError(error) } : { form: describeError(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="xs">
      <form noValidate onSubmit={(event) => void submit(event)}>
        <DialogTitle>Create a room</DialogTitle>
        <DialogContent
          sx={{ display: 'flex', flexDirection: 'column', gap: 1, pt: '8px !important' }}
        >
          {errors.form !== undefined && <Alert severity="error">{errors.form}</Alert>}
          <TextField
            label="Room name"
            value={name}
            required
            autoFocus
            error={errors.name !== undefined}
            helperText={errors.name ?? 'Up to 64 characters'}
            onChange={(event) => {
              setName(event.target.value);
              setErrors((e) => ({ ...e, name: undefined }));
            }}
          />
          <TextField
            label="Topic"
            value={topic}
            error={errors.topic !== undefined}
            helperText={errors.topic ?? 'Optional, up to 256 characters'}
            onChange={(event) => {
              setTopic(event.target.value);
              setErrors((e) => ({ ...e, topic: undefined }));
            }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy}>
            Create
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
