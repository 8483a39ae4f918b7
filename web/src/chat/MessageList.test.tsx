import { jest } from '@jest/globals';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ME, ROOM_ID, message } from '../test/fakes';
import { MessageList } from './MessageList';
import { emptyRoom, type RoomChat } from './room-state';

function roomWith(overrides: Partial<RoomChat>): RoomChat {
  return { ...emptyRoom(ROOM_ID), history: { status: 'idle', cursor: 'older' }, ...overrides };
}

function setup(room: RoomChat) {
  const handlers = {
    onLoadOlder: jest.fn<() => void>(),
    onRetry: jest.fn<(id: string) => void>(),
    onDiscard: jest.fn<(id: string) => void>(),
  };
  const view = (next: RoomChat) => (
    <MessageList room={next} roomName="general" meId={ME.id} {...handlers} />
  );
  const result = render(view(room));
  return {
    ...handlers,
    rerender: (next: RoomChat) => {
      result.rerender(view(next));
    },
  };
}

const items = () =>
  within(screen.getByRole('list', { name: 'Message history' })).getAllByRole('listitem');

describe('message list', () => {
  it('when messages are held, then they render in seq order with author, time and data-seq', () => {
    setup(roomWith({ messages: [message(1), message(2, { userId: ME.id, username: 'ana' })] }));
    const [first, second] = items();
    expect(first).toHaveAttribute('data-seq', '1');
    expect(first).toHaveTextContent('bo');
    expect(first?.querySelector('time')).toHaveAttribute('datetime', message(1).createdAt);
    expect(second).toHaveTextContent('ana (you)');
  });

  it('when consecutive messages come from one author, then only the first shows the name visibly', () => {
    setup(
      roomWith({
        messages: [message(1), message(2), message(3, { userId: ME.id, username: 'ana' })],
      }),
    );
    expect(items()[1]?.querySelector('time')).toBeNull();
    expect(items()[1]).toHaveTextContent('bo:message 2');
    expect(items()[2]?.querySelector('time')).not.toBeNull();
  });

  it('when a message contains markup, then it is shown as text and nothing is injected', () => {
    const text = '<img src=x onerror="alert(1)"><script>alert(2)</script><b>bold</b>';
    setup(roomWith({ messages: [message(1, { text })] }));
    expect(items()[0]).toHaveTextContent(text);
    const list = screen.getByRole('list', { name: 'Message history' });
    expect(list.querySelector('img, script, b')).toBeNull();
  });

  it('when a message has URLs, then only http(s) ones become safe links', () => {
    setup(
      roomWith({
        messages: [
          message(1, { text: 'docs https://example.org/a and javascript://x/%0Aalert(1)' }),
        ],
      }),
    );
    const links = within(items()[0] as HTMLElement).getAllByRole('link');
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute('href', 'https://example.org/a');
    expect(links[0]).toHaveAttribute('target', '_blank');
    expect(links[0]).toHaveAttribute('rel', 'noopener noreferrer');
    expect(items()[0]).toHaveTextContent('javascript://x/%0Aalert(1)');
  });

  it('when people join or leave, then notices appear after the message that preceded them', () => {
    setup(
      roomWith({
        messages: [message(1), message(2)],
        notices: [{ id: 'n1', kind: 'joined', username: 'cy', afterSeq: 1 }],
      }),
    );
    expect(items().map((li) => li.getAttribute('data-seq') ?? li.textContent)).toEqual([
      '1',
      'cy joined the room',
      '2',
    ]);
  });

  it('when sends are pending or refused, then their state shows and a refused one can be retried or discarded', async () => {
    const user = userEvent.setup();
    const { onRetry, onDiscard } = setup(
      roomWith({
        pending: [
          { clientMsgId: 'c-1', text: 'on its way', status: 'sending', attempts: 1 },
          {
            clientMsgId: 'c-2',
            text: 'refused',
            status: 'failed',
            attempts: 1,
            error: 'Message must be at most 4000 characters',
          },
        ],
      }),
    );
    expect(items()[0]).toHaveTextContent('on its waySending…');
    expect(items()[1]).toHaveTextContent('Not sent: Message must be at most 4000 characters');
    await user.click(screen.getByRole('button', { name: 'Retry sending "refused"' }));
    await user.click(screen.getByRole('button', { name: 'Discard "refused"' }));
    expect(onRetry).toHaveBeenCalledWith('c-2');
    expect(onDiscard).toHaveBeenCalledWith('c-2');
  });

  it('when the top is reached or the button pressed, then older messages are requested', async () => {
    const { onLoadOlder } = setup(roomWith({ messages: [message(5)] }));
    fireEvent.scroll(screen.getByRole('region', { name: 'Messages in general' }), {
      target: { scrollTop: 0 },
    });
    expect(onLoadOlder).toHaveBeenCalledTimes(1);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Load older messages' }));
    expect(onLoadOlder).toHaveBeenCalledTimes(2);
  });

  it('when history is exhausted, then the beginning of the room is marked and nothing more is requested', () => {
    const { onLoadOlder } = setup(
      roomWith({ messages: [message(1)], history: { status: 'idle', cursor: null } }),
    );
    expect(screen.getByText('This is the beginning of general.')).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Load older messages' })).toBeNull();
    fireEvent.scroll(screen.getByRole('region', { name: 'Messages in general' }), {
      target: { scrollTop: 0 },
    });
    expect(onLoadOlder).not.toHaveBeenCalled();
  });

  it('when a message arrives while scrolled up, then a jump button counts it; live messages are announced', async () => {
    const room = roomWith({ messages: [message(1), message(2)] });
    const { rerender } = setup(room);
    const region = screen.getByRole('region', { name: 'Messages in general' });
    Object.defineProperty(region, 'scrollHeight', { configurable: true, value: 1_000 });
    Object.defineProperty(region, 'clientHeight', { configurable: true, value: 300 });
    fireEvent.scroll(region, { target: { scrollTop: 200 } });
    rerender({
      ...room,
      messages: [...room.messages, message(3, { text: 'news' })],
      live: message(3, { text: 'news' }),
    });
    expect(screen.getByText('bo: news')).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: /1 new message/ }));
    expect(region.scrollTop).toBe(1_000);
    expect(screen.queryByRole('button', { name: /new message/ })).toBeNull();
  });
});
