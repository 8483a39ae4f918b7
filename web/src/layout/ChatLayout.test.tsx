import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeServices, renderApp } from '../test/render';

const wideMatchMedia = window.matchMedia.bind(window);

function phoneScreen() {
  // A 360 px phone: no breakpoint (min-width queries) matches.
  window.matchMedia = (query: string) =>
    Object.assign(Object.create(wideMatchMedia(query)) as MediaQueryList, { matches: false });
}

afterEach(() => {
  window.matchMedia = wideMatchMedia;
});

describe('layout on a phone', () => {
  it('when the room list button is pressed, then the drawer opens, and picking a room closes it', async () => {
    phoneScreen();
    const user = userEvent.setup();
    const context = makeServices();
    renderApp('/', context);
    await act(async () => {
      await context.services.rooms.load();
    });
    expect(screen.queryByRole('link', { name: /general/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Open the room list' }));
    await user.click(await screen.findByRole('link', { name: /general/ }));
    expect(await screen.findByRole('heading', { name: '# general' })).toBeVisible();
    await waitFor(() => {
      expect(screen.queryByRole('link', { name: /general/ })).toBeNull();
    });
  });

  it('when "Show members" is pressed, then the member list opens in a drawer', async () => {
    phoneScreen();
    const user = userEvent.setup();
    renderApp('/rooms/0b6c6b57-6f0b-4d0c-9a39-1c2b2b0f9a11');
    expect(screen.queryByRole('heading', { name: 'Members' })).toBeNull();
    await user.click(await screen.findByRole('button', { name: 'Show members' }));
    expect(await screen.findByRole('heading', { name: 'Members' })).toBeVisible();
  });
});

describe('layout on a wide screen', () => {
  it('when the app opens, then the room list and members are on screen without buttons', async () => {
    renderApp('/rooms/0b6c6b57-6f0b-4d0c-9a39-1c2b2b0f9a11');
    expect(await screen.findByRole('link', { name: /general/ })).toBeVisible();
    expect(screen.getByRole('heading', { name: 'Members' })).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Open the room list' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Show members' })).toBeNull();
  });
});
