// /login and /register: a centred card with the form, a link to the other one, the theme toggle,
// and why the user is here when their session ended. Once signed in, <Navigate> takes them back
// where they were going.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { Link as RouterLink, Navigate, useLocation } from 'react-router';
import { useServices } from '../ServicesContext';
import { ColorModeToggle } from '../theme/ColorModeToggle';
import { CredentialsForm } from './CredentialsForm';
import { useSessionState } from './useSessionState';

export interface AuthPageProps {
  mode: 'login' | 'register';
}

export function AuthPage({ mode }: AuthPageProps) {
  const { session } = useServices();
  const state = useSessionState();
  const location = useLocation();
  const from = (location.state as { from?: unknown } | null)?.from;
  const destination = typeof from === 'string' && from.startsWith('/') ? from : '/';
  if (state.status === 'signedIn') return <Navigate to={destination} replace />;

  const register = mode === 'register';
  const title = register ? 'Create your account' : 'Sign in to FalaBLAU';
  return (
    <Box
      component="main"
      sx={{
        minHeight: '100dvh',
        display: 'grid',
        placeItems: 'center',
        p: 2,
        position: 'relative',
      }}
    >
      <Box sx={{ position: 'absolute', top: 8, right: 8 }}>
        <ColorModeToggle />
      </Box>
      <Card variant="outlined" sx={{ width: '100%', maxWidth: 420, p: { xs: 2.5, sm: 4 } }}>
        <Typography component="h1" variant="h1" sx={{ mb: 0.5 }}>
          {title}
        </Typography>
        <Typography sx={{ color: 'text.secondary', mb: 3 }}>
          {register ? 'Pick a username and a password.' : 'Real-time chat rooms.'}
        </Typography>
        {state.reason !== undefined && (
          <Alert severity="info" sx={{ mb: 2 }}>
            {state.reason}
          </Alert>
        )}
        <CredentialsForm
          key={mode}
          mode={mode}
          onSubmit={(credentials) =>
            register ? session.register(credentials) : session.login(credentials)
          }
        />
        <Typography sx={{ mt: 3, textAlign: 'center' }}>
          {register ? 'Already have an account? ' : 'New here? '}
          <Link
            component={RouterLink}
            to={register ? '/login' : '/register'}
            state={location.state as unknown}
          >
            {register ? 'Sign in' : 'Create an account'}
          </Link>
        </Typography>
      </Card>
    </Box>
  );
}
