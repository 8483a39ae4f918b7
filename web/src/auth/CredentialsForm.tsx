// Sign-in and registration form: fields checked on blur (and as you type after a first attempt),
// the first invalid field focused on submit, and the server's answer shown in an alert.
import { useRef, useState, type SubmitEvent } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { ApiError, describeError } from '../api/api-error';
import type { Credentials } from '../api/auth-api';
import { firstError, passwordSchema, usernameSchema } from './credentials';
import { PasswordField } from './PasswordField';

export interface CredentialsFormProps {
  mode: 'login' | 'register';
  onSubmit: (credentials: Credentials) => Promise<void>;
}

type Field = 'username' | 'password' | 'confirm';

export function CredentialsForm({ mode, onSubmit }: CredentialsFormProps) {
  const [values, setValues] = useState({ username: '', password: '', confirm: '' });
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<{ message: string; field?: Field }>();
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);
  const register = mode === 'register';

  const errors: Partial<Record<Field, string>> = {
    username: firstError(usernameSchema, values.username),
    password: firstError(passwordSchema, values.password),
    confirm: register && values.confirm !== values.password ? 'Passwords do not match' : undefined,
  };
  const shown = (field: Field) =>
    (serverError?.field === field ? serverError.message : undefined) ??
    (submitted || touched[field] ? errors[field] : undefined);

  const change = (field: Field) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    if (serverError?.field === field) setServerError(undefined);
  };
  const blur = (field: Field) => () => {
    setTouched((t) => ({ ...t, [field]: true }));
  };

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setSubmitted(true);
    const invalid = (['username', 'password', 'confirm'] as const).find((f) => errors[f]);
    if (invalid !== undefined) {
      const ref = { username: usernameRef, password: passwordRef, confirm: confirmRef }[invalid];
      ref.current?.focus();
      return;
    }
    setBusy(true);
    setServerError(undefined);
    try {
      await onSubmit({ username: values.username, password: values.password });
    } catch (error) {
      const duplicate = error instanceof ApiError && error.status === 409;
      setServerError({
        message: describeError(error),
        ...(duplicate ? { field: 'username' } : {}),
      });
      setBusy(false);
    }
  }

  return (
    <Stack component="form" noValidate spacing={1} onSubmit={(e) => void submit(e)}>
      {serverError && serverError.field === undefined && (
        <Alert severity="error" role="alert">
          {serverError.message}
        </Alert>
      )}
      <TextField
        label="Username"
        value={values.username}
        required
        autoComplete="username"
        autoFocus
        inputRef={usernameRef}
        error={shown('username') !== undefined}
        helperText={shown('username') ?? (register ? '3–32 letters, digits, _ . -' : ' ')}
        onChange={(event) => {
          change('username')(event.target.value);
        }}
        onBlur={blur('username')}
      />
      <PasswordField
        label="Password"
        value={values.password}
        error={shown('password')}
        autoComplete={register ? 'new-password' : 'current-password'}
        inputRef={passwordRef}
        onChange={change('password')}
        onBlur={blur('password')}
      />
      {register && (
        <PasswordField
          label="Confirm password"
          value={values.confirm}
          error={shown('confirm')}
          autoComplete="new-password"
          inputRef={confirmRef}
          onChange={change('confirm')}
          onBlur={blur('confirm')}
        />
      )}
      <Button
        type="submit"
        variant="contained"
        size="large"
        disabled={busy}
        startIcon={busy ? <CircularProgress size={18} color="inherit" aria-hidden /> : undefined}
      >
        {register ? 'Create account' : 'Sign in'}
      </Button>
    </Stack>
  );
}
