import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError } from '../api/api-error';
import { makeServices, renderApp } from '../test/render';

function signedOut() {
  return makeServices({ signedIn: false });
}

describe('sign-in form', () => {
  it('when fields are left invalid, then inline errors appear on blur and submit is blocked', async () => {
    const user = userEvent.setup();
    const { authApi } = renderApp('/login', signedOut());
    const username = screen.getByLabelText(/username/i);
    await user.type(username, 'a!');
    await user.tab();
    expect(username).toHaveAccessibleDescription('Username must be at least 3 characters');
    await user.clear(username);
    await user.type(username, 'ana bo');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(username).toHaveAccessibleDescription('Use only letters, digits, "_", "." and "-"');
    expect(username).toHaveAttribute('aria-invalid', 'true');
    expect(username).toHaveFocus();
    expect(screen.getByLabelText(/^password/i)).toHaveAccessibleDescription('Enter a password');
    await user.type(screen.getByLabelText(/^password/i), 'short');
    expect(screen.getByLabelText(/^password/i)).toHaveAccessibleDescription(
      'Password must be at least 8 characters',
    );
    expect(authApi.login).not.toHaveBeenCalled();
  });

  it('when the credentials are wrong, then the server message is shown', async () => {
    const user = userEvent.setup();
    const context = signedOut();
    context.authApi.login.mockRejectedValueOnce(
      new ApiError(401, 'UNAUTHORIZED', 'Invalid username or password'),
    );
    renderApp('/login', context);
    await user.type(screen.getByLabelText(/username/i), 'ana');
    await user.type(screen.getByLabelText(/^password/i), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid username or password');
    expect(context.authApi.login).toHaveBeenCalledWith({
      username: 'ana',
      password: 'wrong-password',
    });
  });

  it('when too many attempts were made, then the wait from Retry-After is shown', async () => {
    const user = userEvent.setup();
    const context = signedOut();
    context.authApi.login.mockRejectedValueOnce(
      new ApiError(429, 'RATE_LIMITED', 'Too many failed logins.', 60),
    );
    renderApp('/login', context);
    await user.type(screen.getByLabelText(/username/i), 'ana');
    await user.type(screen.getByLabelText(/^password/i), 'secret-pass{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Too many failed logins. Try again in 60 seconds.',
    );
  });

  it('when the credentials are right, then the user lands on the page they asked for', async () => {
    const user = userEvent.setup();
    const context = signedOut();
    renderApp('/rooms/0b6c6b57-6f0b-4d0c-9a39-1c2b2b0f9a11', context);
    expect(await screen.findByRole('heading', { name: 'Sign in to FalaBLAU' })).toBeVisible();
    await user.type(screen.getByLabelText(/username/i), 'ana');
    await user.type(screen.getByLabelText(/^password/i), 'secret-pass{Enter}');
    expect(await screen.findByRole('heading', { name: '# general' })).toBeVisible();
    expect(context.storage.read()?.user.username).toBe('ana');
  });

  it('when the password is shown, then the toggle says how to hide it', async () => {
    const user = userEvent.setup();
    renderApp('/login', signedOut());
    const password = screen.getByLabelText(/^password/i);
    expect(password).toHaveAttribute('type', 'password');
    await user.click(screen.getByRole('button', { name: 'Show password' }));
    expect(password).toHaveAttribute('type', 'text');
    expect(screen.getByRole('button', { name: 'Hide password' })).toBeVisible();
  });
});

describe('registration form', () => {
  it('when the confirmation differs, then it is flagged and nothing is sent', async () => {
    const user = userEvent.setup();
    const { authApi } = renderApp('/register', signedOut());
    await user.type(screen.getByLabelText(/username/i), 'ana');
    await user.type(screen.getByLabelText(/^password/i), 'secret-pass');
    await user.type(screen.getByLabelText(/^confirm password/i), 'secret-pasS');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByLabelText(/^confirm password/i)).toHaveAccessibleDescription(
      'Passwords do not match',
    );
    expect(screen.getByLabelText(/^confirm password/i)).toHaveFocus();
    expect(authApi.register).not.toHaveBeenCalled();
  });

  it('when the username is taken, then the 409 message is shown on the username field', async () => {
    const user = userEvent.setup();
    const context = signedOut();
    context.authApi.register.mockRejectedValueOnce(
      new ApiError(409, 'CONFLICT', 'Username is already taken'),
    );
    renderApp('/register', context);
    await user.type(screen.getByLabelText(/username/i), 'ana');
    await user.type(screen.getByLabelText(/^password/i), 'secret-pass');
    await user.type(screen.getByLabelText(/^confirm password/i), 'secret-pass{Enter}');
    await waitFor(() => {
      expect(screen.getByLabelText(/username/i)).toHaveAccessibleDescription(
        'Username is already taken',
      );
    });
    await user.type(screen.getByLabelText(/username/i), '2');
    expect(screen.getByLabelText(/username/i)).toHaveAccessibleDescription(
      '3–32 letters, digits, _ . -',
    );
  });

  it('when registration succeeds, then the user is signed in and sees the rooms', async () => {
    const user = userEvent.setup();
    const context = signedOut();
    renderApp('/register', context);
    await user.type(screen.getByLabelText(/username/i), 'ana');
    await user.type(screen.getByLabelText(/^password/i), 'secret-pass');
    await user.type(screen.getByLabelText(/^confirm password/i), 'secret-pass{Enter}');
    expect(await screen.findByRole('heading', { name: 'Pick a room' })).toBeVisible();
    expect(await screen.findByRole('link', { name: /general/ })).toBeVisible();
  });
});
