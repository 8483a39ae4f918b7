import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError } from '../api/api-error';
import { OTHER_ROOM_ID, ROOM_ID, room } from '../test/fakes';
import { makeServices, renderApp } from '../test/render';

function withRooms() {
  const context = makeServices();
  context.chatApi.listRooms.mockResolvedValue([
    room({ id: OTHER_ROOM_ID, name: 'random', onlineCount: 0, memberCount: 1 }),
    room({ id: ROOM_ID, name: 'general', onlineCount: 3, memberCount: 12 }),
    room({
      id: '9c1f0d6e-1111-4222-8333-444455556666',
      name: 'Music',
      onlineCount: 1,
      memberCount: 2,
    }),
  ]);
  return context;
}

describe('room list', () => {
  it('when rooms load, then they are listed by name with their online counts', async () => {
    renderApp('/', withRooms());
    const nav = await screen.findByRole('navigation', { name: 'Rooms' });
    await waitFor(() => {
      expect(within(nav).getAllByRole('link')).toHaveLength(3);
    });
    const links = within(nav).getAllByRole('link');
    expect(links.map((l) => l.textContent)).toEqual([
      'general3 online · 12 members',
      'Music1 online · 2 members',
      'random0 online · 1 member',
    ]);
  });

  it('when the arrow keys, Home and End are pressed, then focus moves between rooms', async () => {
    const user = userEvent.setup();
    renderApp('/', withRooms());
    const [general, music, random] = await screen.findAllByRole('link', { name: /online/ });
    act(() => {
      general?.focus();
    });
    await user.keyboard('{ArrowDown}');
    expect(music).toHaveFocus();
    await user.keyboard('{End}');
    expect(random).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(general).toHaveFocus();
    await user.keyboard('{ArrowUp}{Home}');
    expect(general).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('heading', { name: '# general' })).toBeVisible();
    expect(general).toHaveAttribute('aria-current', 'page');
  });

  it('when loading fails, then the error is shown with a retry', async () => {
    const user = userEvent.setup();
    const context = withRooms();
    context.chatApi.listRooms.mockRejectedValueOnce(
      new ApiError(0, 'NETWORK', 'Cannot reach the server.'),
    );
    renderApp('/', context);
    expect(await screen.findByText('Cannot reach the server.')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('link', { name: /general/ })).toBeVisible();
  });
});

describe('create-room dialog', () => {
  it('when the name is blank, then the contract message is shown and nothing is sent', async () => {
    const user = userEvent.setup();
    const context = withRooms();
    renderApp('/', context);
    await user.click(await screen.findByRole('button', { name: 'Create a room' }));
    const dialog = screen.getByRole('dialog', { name: 'Create a room' });
    expect(within(dialog).getByLabelText(/room name/i)).toHaveFocus();
    await user.type(within(dialog).getByLabelText(/room name/i), '   ');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(within(dialog).getByLabelText(/room name/i)).toHaveAccessibleDescription(
      'Room name must not be empty',
    );
    expect(context.chatApi.createRoom).not.toHaveBeenCalled();
  });

  it('when the name is taken, then the server message shows on the name field', async () => {
    const user = userEvent.setup();
    const context = withRooms();
    context.chatApi.createRoom.mockRejectedValueOnce(
      new ApiError(409, 'CONFLICT', 'A room named "general" already exists'),
    );
    renderApp('/', context);
    await user.click(await screen.findByRole('button', { name: 'Create a room' }));
    await user.type(screen.getByLabelText(/room name/i), 'general{Enter}');
    expect(await screen.findByText('A room named "general" already exists')).toBeVisible();
    expect(screen.getByRole('dialog')).toBeVisible();
  });

  it('when the room is created, then the dialog closes and the new room opens', async () => {
    const user = userEvent.setup();
    const context = withRooms();
    renderApp('/', context);
    await user.click(await screen.findByRole('button', { name: 'Create a room' }));
    await user.type(screen.getByLabelText(/room name/i), '  books ');
    await user.type(screen.getByLabelText(/topic/i), 'What are you reading?{Enter}');
    expect(context.chatApi.createRoom).toHaveBeenCalledWith({
      name: 'books',
      topic: 'What are you reading?',
    });
    expect(await screen.findByRole('heading', { name: '# books' })).toBeVisible();
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
  });

  it('when Escape is pressed, then the dialog closes and focus returns to the button', async () => {
    const user = userEvent.setup();
    renderApp('/', withRooms());
    const button = await screen.findByRole('button', { name: 'Create a room' });
    await user.click(button);
    await user.keyboard('{Escape}');
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
    expect(button).toHaveFocus();
  });
});
