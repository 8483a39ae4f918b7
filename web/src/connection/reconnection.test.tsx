// The reconnection states as the user sees them, on the real room page with the real connection
// controller and chat client over a FakeLink.
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Ack, JoinRoomResult } from '@falablau/common/contracts';
import { ApiError } from '../api/api-error';
import { BO, ME, ROOM_ID, message, page, room } from '../test/fakes';
import { makeServices, renderApp } from '../test/render';

const joined = (
  lastSeq: number,
  missed = [] as ReturnType<typeof message>[],
): Ack<JoinRoomResult> => ({
  ok: true,
  room: room({ lastSeq }),
  online: [BO, { userId: ME.id, username: ME.username }],
  missed,
  hasMoreMissed: false,
});

async function openRoom() {
  const context = makeServices();
  context.chatApi.history.mockResolvedValue(page(1, 3, null));
  context.link.onJoin = () => Promise.resolve(joined(3));
  const view = renderApp(`/rooms/${ROOM_ID}`, context);
  const status = () =>
    screen
      .getAllByRole('status')
      .find((el) => el.textContent !== '' && !el.textContent.includes('typing'));
  expect(await screen.findByText('Connecting to the chat server…')).toBeVisible();
  await act(async () => {
    view.link.emitLink({ type: 'connect' });
    await Promise.resolve();
  });
  await waitFor(() => {
    expect(view.link.joins).toEqual([{ roomId: ROOM_ID, afterSeq: 3 }]);
  });
  return { ...view, status };
}

const emit = async (
  view: Awaited<ReturnType<typeof openRoom>>,
  ...events: Parameters<typeof view.link.emitLink>[0][]
) => {
  await act(async () => {
    for (const event of events) view.link.emitLink(event);
    await Promise.resolve();
  });
};

describe('reconnection states', () => {
  it('when connected, then no banner shows and the members are listed', async () => {
    const view = await openRoom();
    expect(screen.queryByText(/Connecting/)).toBeNull();
    expect(view.status()).toBeUndefined();
    const members = screen.getByRole('list', { name: 'Room members' });
    expect(within(members).getByText('ana (you)')).toBeVisible();
    expect(within(members).getAllByText('Online')).toHaveLength(2);
  });

  it('when the network drops, then a warning shows the attempts and "Retry now" connects at once', async () => {
    const user = userEvent.setup();
    const view = await openRoom();
    await emit(
      view,
      { type: 'disconnect', reason: 'transport close', willReconnect: true },
      { type: 'reconnect_attempt', attempt: 2 },
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Connection lost. Reconnecting (attempt 2)…',
    );
    await user.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(view.link.connect).toHaveBeenCalledTimes(2);
  });

  it('when a message is sent while offline, then it waits, and after reconnecting the room is rejoined and the message delivered', async () => {
    const user = userEvent.setup();
    const view = await openRoom();
    await emit(view, { type: 'disconnect', reason: 'transport close', willReconnect: true });
    await user.type(
      screen.getByRole('textbox', { name: 'Message general' }),
      'still there?{Enter}',
    );
    expect(screen.getByText('Waiting to send…')).toBeVisible();

    view.link.onJoin = () => Promise.resolve(joined(5, [message(4), message(5)]));
    view.link.onSend = ({ text }) =>
      Promise.resolve({ ok: true, message: message(6, { text, userId: ME.id, username: 'ana' }) });
    await emit(view, { type: 'connect' });

    await waitFor(() => {
      expect(view.link.sends).toEqual([
        { roomId: ROOM_ID, text: 'still there?', clientMsgId: expect.any(String) as string },
      ]);
    });
    expect(view.link.joins.at(-1)).toEqual({ roomId: ROOM_ID, afterSeq: 3 });
    expect(view.status()).toHaveTextContent('Reconnected');
    const seqs = within(screen.getByRole('list', { name: 'Message history' }))
      .getAllByRole('listitem')
      .map((li) => li.getAttribute('data-seq'));
    expect(seqs).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(screen.queryByText('Waiting to send…')).toBeNull();
  });

  it('when the server closes the socket because the token expired, then the session is renewed and the link reconnected', async () => {
    const view = await openRoom();
    await emit(view, { type: 'disconnect', reason: 'io server disconnect', willReconnect: false });
    await waitFor(() => {
      expect(view.authApi.refresh).toHaveBeenCalledTimes(1);
    });
    expect(view.link.connect).toHaveBeenCalledTimes(2);
    expect(view.status()).toHaveTextContent('Renewing your session…');
  });

  it('when the session was revoked, then the refresh fails and the user is sent to sign in', async () => {
    const view = await openRoom();
    view.authApi.refresh.mockRejectedValueOnce(
      new ApiError(401, 'UNAUTHORIZED', 'Invalid or expired refresh token'),
    );
    await emit(view, {
      type: 'connect_error',
      message: 'Session ended: log in again',
      unauthorized: true,
      willRetry: false,
    });
    expect(await screen.findByRole('heading', { name: 'Sign in to FalaBLAU' })).toBeVisible();
    expect(screen.getByText('Your session has ended. Please sign in again.')).toBeVisible();
    expect(view.link.disconnect).toHaveBeenCalled();
  });
});
