import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Ack, JoinRoomResult } from '@falablau/common/contracts';
import { BO, ME, ROOM_ID, message, page, room } from '../test/fakes';
import { makeServices, renderApp } from '../test/render';
import { COLOR_MODE_STORAGE_KEY } from '../theme/AppTheme';

const joined: Ack<JoinRoomResult> = {
  ok: true,
  room: room({ lastSeq: 2, topic: 'Anything goes' }),
  online: [{ userId: ME.id, username: ME.username }],
  missed: [],
  hasMoreMissed: false,
};

async function openRoom() {
  const context = makeServices();
  context.chatApi.history.mockResolvedValue(page(1, 2, null));
  context.link.onJoin = () => Promise.resolve(joined);
  const view = renderApp(`/rooms/${ROOM_ID}`, context);
  await act(async () => {
    context.link.emitLink({ type: 'connect' });
    await Promise.resolve();
  });
  await waitFor(() => {
    expect(context.link.joins).toHaveLength(1);
  });
  const push = async (run: () => void) => {
    await act(async () => {
      run();
      await Promise.resolve();
    });
  };
  return { ...view, push };
}

describe('chat room page', () => {
  it('when the room opens, then its name, topic, history and members show', async () => {
    await openRoom();
    expect(screen.getByRole('heading', { name: '# general' })).toBeVisible();
    expect(screen.getByText('Anything goes')).toBeVisible();
    const history = screen.getByRole('list', { name: 'Message history' });
    expect(
      within(history)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('data-seq')),
    ).toEqual(['1', '2']);
    const members = screen.getByRole('list', { name: 'Room members' });
    expect(
      within(members)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('.MuiListItemText-root')?.textContent),
    ).toEqual(['ana (you)Online', 'boOffline']);
  });

  it('when someone types, then "bo is typing…" is announced until their message arrives', async () => {
    const { link, push } = await openRoom();
    await push(() => {
      link.push.typing({ roomId: ROOM_ID, ...BO, isTyping: true });
    });
    expect(screen.getByText('bo is typing…')).toHaveAttribute('role', 'status');
    await push(() => {
      link.push.message(message(3, { text: 'hi all' }));
    });
    expect(screen.queryByText('bo is typing…')).toBeNull();
    expect(screen.getByText('bo: hi all')).toBeInTheDocument();
  });

  it('when people join, go online and leave, then notices and the member list follow', async () => {
    const { link, push } = await openRoom();
    const cy = { userId: '44444444-4444-4444-8444-444444444444', username: 'cy' };
    await push(() => {
      link.push.user_joined({ roomId: ROOM_ID, ...cy });
      link.push.presence({ ...BO, status: 'online' });
    });
    expect(screen.getByText('cy joined the room')).toBeVisible();
    const members = () =>
      within(screen.getByRole('list', { name: 'Room members' }))
        .getAllByRole('listitem')
        .map((li) => li.querySelector('.MuiListItemText-root')?.textContent);
    expect(members()).toEqual(['ana (you)Online', 'boOnline', 'cyOnline']);
    expect(screen.getByText('3 online')).toBeVisible();
    await push(() => {
      link.push.user_left({ roomId: ROOM_ID, ...cy });
    });
    expect(screen.getByText('cy left the room')).toBeVisible();
    expect(members()).toEqual(['ana (you)Online', 'boOnline']);
  });

  it('when the user types, then typing is sent to the room', async () => {
    const user = userEvent.setup();
    const { link } = await openRoom();
    await user.type(screen.getByRole('textbox', { name: 'Message general' }), 'h');
    expect(link.typings).toEqual([{ roomId: ROOM_ID, isTyping: true }]);
  });

  it('when the user leaves the room, then it is left on the server and the app returns home', async () => {
    const user = userEvent.setup();
    const { link } = await openRoom();
    await user.click(screen.getByRole('button', { name: 'Leave room' }));
    expect(link.leaves).toEqual([{ roomId: ROOM_ID }]);
    expect(await screen.findByRole('heading', { name: 'Pick a room' })).toBeVisible();
  });

  it('when the theme is toggled, then the choice is remembered', async () => {
    const user = userEvent.setup();
    await openRoom();
    await user.click(screen.getByRole('button', { name: 'Switch to dark theme' }));
    expect(localStorage.getItem(COLOR_MODE_STORAGE_KEY)).toBe('dark');
    expect(screen.getByRole('button', { name: 'Switch to light theme' })).toBeVisible();
  });

  it('when the user signs out, then the server is told and the sign-in page shows', async () => {
    const user = userEvent.setup();
    const { authApi, link } = await openRoom();
    await user.click(screen.getByRole('button', { name: 'Account: ana' }));
    await user.click(screen.getByRole('menuitem', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to FalaBLAU' })).toBeVisible();
    expect(authApi.logout).toHaveBeenCalledTimes(1);
    expect(link.disconnect).toHaveBeenCalled();
  });
});
