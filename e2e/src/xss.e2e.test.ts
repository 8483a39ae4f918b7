// The XSS corpus (@falablau/common/testing) through the real platform and a real browser: every
// payload is stored through the real APIs — as a message over Socket.IO, as a room name and as
// a room topic over REST — comes back verbatim from chat's and the archive's APIs, and renders
// in Chromium as the characters it is made of: its text content equals the payload, no dialog
// opens, the flag every payload would set when run (`window.__xss`) stays undefined, no element
// or event handler from a payload exists in the page, no `javascript:` link, no new script.
// Both ways a message reaches the page are covered: history (opening a room) and live delivery.
//
// One standalone server (fresh DATA_DIR) and one Chromium for the file; the tests are steps.
import { XSS_FLAG, xssCorpus, xssRoomNames, type XssPayload } from '@falablau/common/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { expectVisible, launchChromium, watchPage } from './harness/browser.js';
import { startServer, type RunningServer } from './harness/server.js';

const PASSWORD = 'correct-horse-battery-staple';
const USERNAME = 'xss_author';
/** Messages per room: the web app's first history page holds 50. */
const PER_ROOM = 30;

interface Room {
  id: string;
  name: string;
  topic: string | null;
}
interface Message {
  seq: number;
  text: string;
  userId: string;
}
type Ack = { ok: true; message: Message } | { ok: false; error: { code: string; message: string } };

let server: RunningServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let watched: ReturnType<typeof watchPage>;
let token = '';
let userId = '';
let socket: Socket | undefined;
const payloadRooms: { room: Room; name: XssPayload; topic: XssPayload }[] = [];
const messageRooms: { room: Room; payloads: XssPayload[] }[] = [];

const url = (path: string): string => {
  if (!server) throw new Error('the server is not running');
  return `${server.url}${path}`;
};

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(url(path), {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function emit(event: string, payload: unknown): Promise<Ack> {
  if (!socket) throw new Error('no socket');
  return (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack;
}

/** The page's state that a payload that ran would have changed. */
async function inertness(target: Page) {
  return target.evaluate((flag) => {
    const handlers = [...document.querySelectorAll('*')].flatMap((element) =>
      [...element.attributes]
        .filter((attribute) => /^on/i.test(attribute.name))
        .map((attribute) => `${element.tagName.toLowerCase()}[${attribute.name}]`),
    );
    // Where payloads are shown: the message list, the room list, the room's name and topic.
    const contentAreas = [
      ...document.querySelectorAll(
        'ol[aria-label="Message history"], nav[aria-label="Rooms"], #room-title, #room-title + *',
      ),
    ];
    const injected = contentAreas.flatMap((area) =>
      [
        ...area.querySelectorAll(
          'script, iframe, object, embed, img, video, audio, source, form, details, math, meta, base, link, style, body, textarea, [srcdoc], [style*="javascript" i]',
        ),
      ].map((element) => element.outerHTML.slice(0, 120)),
    );
    return {
      flag: (window as unknown as Record<string, unknown>)[flag],
      handlers,
      injected,
      javascriptLinks: [...document.querySelectorAll('a[href]')]
        .map((a) => a.getAttribute('href') ?? '')
        .filter((href) => !/^(https?:|\/|#)/i.test(href.trim())),
      scripts: [...document.scripts].map(
        (script) => script.src || `inline:${script.text.slice(0, 40)}`,
      ),
      title: document.title,
    };
  }, XSS_FLAG);
}

/** Text of every message in the open room, in order (the body under the author line). */
async function messageTexts(target: Page): Promise<string[]> {
  return target
    .locator('ol[aria-label="Message history"] > li[data-seq]')
    .evaluateAll((items) =>
      items.map(
        (item) => item.querySelector(':scope > div:last-child > div:last-child')?.textContent ?? '',
      ),
    );
}

let baseline: Awaited<ReturnType<typeof inertness>>;

/** Nothing a payload would do when run has happened. */
async function expectInert(target: Page): Promise<void> {
  const state = await inertness(target);
  expect(state.flag).toBeUndefined();
  expect(state.handlers).toEqual([]);
  expect(state.injected).toEqual([]);
  expect(state.javascriptLinks).toEqual([]);
  expect(state.scripts).toEqual(baseline.scripts);
  expect(state.title).toBe(baseline.title);
  expect(watched.dialogs).toEqual([]);
}

beforeAll(async () => {
  browser = await launchChromium();
  server = await startServer({
    // The corpus is sent faster than a person types; these limits are tested elsewhere.
    env: { SOCKET_RATE_LIMIT_MESSAGES: '1000/1s', ROOM_CREATE_RATE_LIMIT: '1000/1s' },
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  watched = watchPage(page, USERNAME);
});

afterAll(async () => {
  socket?.disconnect();
  await context?.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

afterEach(() => {
  if (watched.errors.length > 0) {
    throw new Error(`uncaught errors in the page:\n${watched.errors.join('\n')}`);
  }
});

describe('the XSS corpus, stored through the real APIs and shown in Chromium', () => {
  it('stores every payload as a room name and topic, verbatim', async () => {
    const registered = await fetch(url('/api/auth/register'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
    });
    expect(registered.status).toBe(201);
    const tokens = (await registered.json()) as { accessToken: string; user: { id: string } };
    token = tokens.accessToken;
    userId = tokens.user.id;

    const names = xssRoomNames();
    expect(names.length).toBeGreaterThanOrEqual(20);
    const topics = xssCorpus.filter((p) => p.payload.length <= 256);
    for (const [i, name] of names.entries()) {
      const topic = topics[(i * 7) % topics.length] ?? name;
      const room = await api<Room>('/api/chat/rooms', {
        method: 'POST',
        body: { name: name.payload, topic: topic.payload },
      });
      expect({ id: name.id, name: room.name, topic: room.topic }).toEqual({
        id: name.id,
        name: name.payload,
        topic: topic.payload,
      });
      payloadRooms.push({ room, name, topic });
    }
    const listed = await api<{ rooms: Room[] }>('/api/chat/rooms');
    for (const { room, name, topic } of payloadRooms) {
      expect(listed.rooms.find((r) => r.id === room.id)).toMatchObject({
        name: name.payload,
        topic: topic.payload,
      });
    }
  });

  it('stores every payload as a message, verbatim in the ack, the history and the archive', async () => {
    for (let start = 0; start < xssCorpus.length; start += PER_ROOM) {
      const room = await api<Room>('/api/chat/rooms', {
        method: 'POST',
        body: { name: `xss messages ${String(start / PER_ROOM + 1)}` },
      });
      messageRooms.push({ room, payloads: xssCorpus.slice(start, start + PER_ROOM) });
    }
    socket = io(url(''), {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket?.once('connect', resolve);
      socket?.once('connect_error', reject);
    });
    for (const { room, payloads } of messageRooms) {
      expect(await emit('join_room', { roomId: room.id })).toMatchObject({ ok: true });
      for (const [i, { id, payload }] of payloads.entries()) {
        const ack = await emit('send_message', {
          roomId: room.id,
          text: payload,
          clientMsgId: `xss-${room.id.slice(0, 8)}-${String(i)}`,
        });
        expect({ id, ack }).toEqual({
          id,
          ack: { ok: true, message: expect.objectContaining({ text: payload, userId }) as Message },
        });
      }
      const history = await api<{ messages: Message[] }>(
        `/api/chat/rooms/${room.id}/messages?limit=100`,
      );
      expect(history.messages.map((m) => m.text).reverse()).toEqual(payloads.map((p) => p.payload));

      // The archive is fed by the event bus within milliseconds; wait for it, bounded.
      const deadline = Date.now() + 15_000;
      let archived: Message[] = [];
      while (Date.now() < deadline) {
        archived = (
          await api<{ messages: Message[] }>(`/api/archive/archive/rooms/${room.id}?limit=200`)
        ).messages;
        if (archived.length >= payloads.length) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(archived.map((m) => m.text).reverse()).toEqual(payloads.map((p) => p.payload));
    }
    const own = await api<{ messages: Message[] }>(
      `/api/archive/archive/users/${userId}?limit=200`,
    );
    expect(new Set(own.messages.map((m) => m.text))).toEqual(
      new Set(xssCorpus.map((p) => p.payload)),
    );
  });

  it('signs in, with the page’s own scripts only', async () => {
    await page.goto(url('/login'));
    baseline = await inertness(page);
    expect(baseline.flag).toBeUndefined();
    expect(baseline.scripts.length).toBeGreaterThan(0);
    await page.getByRole('textbox', { name: /^Username/ }).fill(USERNAME);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible(
      page.getByRole('heading', { name: 'Pick a room' }),
      'the signed-in home page',
    );
  });

  it('lists every payload room name as literal text, inert', async () => {
    const nav = page.getByRole('navigation', { name: 'Rooms' });
    await expectVisible(
      nav.locator(`a[href="/rooms/${payloadRooms.at(-1)?.room.id ?? ''}"]`),
      'the last payload room in the list',
    );
    const shown = await nav
      .locator('a[href^="/rooms/"] .MuiListItemText-primary')
      .evaluateAll((items) => items.map((item) => item.textContent));
    for (const { name } of payloadRooms) {
      expect({ id: name.id, shown: shown.includes(name.payload) }).toEqual({
        id: name.id,
        shown: true,
      });
    }
    await expectInert(page);
  });

  it('shows each payload room’s name and topic in its header as literal text, inert', async () => {
    const nav = page.getByRole('navigation', { name: 'Rooms' });
    for (const { room, name, topic } of payloadRooms) {
      await nav.locator(`a[href="/rooms/${room.id}"]`).click();
      await page.waitForURL(`**/rooms/${room.id}`);
      const heading = page.locator('#room-title');
      await expectVisible(heading, `the header of room ${name.id}`);
      await page.waitForFunction(
        (expected) => document.querySelector('#room-title')?.textContent === expected,
        `# ${name.payload}`,
        { timeout: 10_000 },
      );
      const topicText = await page
        .locator('#room-title + *')
        .evaluate((element) => element.textContent);
      expect({ id: topic.id, topic: topicText }).toEqual({ id: topic.id, topic: topic.payload });
    }
    await expectInert(page);
  });

  it('shows every message payload from history as literal text, inert — also when hovered and focused', async () => {
    const nav = page.getByRole('navigation', { name: 'Rooms' });
    for (const { room, payloads } of messageRooms) {
      await nav.locator(`a[href="/rooms/${room.id}"]`).click();
      await page.waitForURL(`**/rooms/${room.id}`);
      // This room's header and exactly its messages (not the previous room's, still on screen).
      await page.waitForFunction(
        ({ title, count }) =>
          document.querySelector('#room-title')?.textContent === title &&
          document.querySelectorAll('ol[aria-label="Message history"] > li[data-seq]').length ===
            count,
        { title: `# ${room.name}`, count: payloads.length },
        { timeout: 15_000 },
      );
      expect(await messageTexts(page)).toEqual(payloads.map((p) => p.payload));
      // Handlers a payload could have planted need a pointer or focus: give them both.
      const items = page.locator('ol[aria-label="Message history"] > li[data-seq]');
      for (let i = 0; i < (await items.count()); i += 1) await items.nth(i).hover();
      await page.keyboard.press('Tab');
      await expectInert(page);
    }
  });

  it('shows payloads delivered live (not from history) as literal text, inert', async () => {
    const target = messageRooms[0];
    if (!target) throw new Error('no message room');
    await page
      .getByRole('navigation', { name: 'Rooms' })
      .locator(`a[href="/rooms/${target.room.id}"]`)
      .click();
    await page.waitForURL(`**/rooms/${target.room.id}`);
    const live = xssCorpus.slice(0, 12);
    const first = target.payloads.length + 1;
    for (const [i, { payload }] of live.entries()) {
      const ack = await emit('send_message', {
        roomId: target.room.id,
        text: payload,
        clientMsgId: `xss-live-${String(i)}`,
      });
      expect(ack).toMatchObject({ ok: true });
    }
    await expectVisible(
      page.locator(
        `ol[aria-label="Message history"] > li[data-seq="${String(first + live.length - 1)}"]`,
      ),
      'the last live message',
    );
    const texts = await messageTexts(page);
    expect(texts.slice(-live.length)).toEqual(live.map((p) => p.payload));
    await expectInert(page);
    expect(
      await page.evaluate(
        (flag) => typeof (window as unknown as Record<string, unknown>)[flag],
        XSS_FLAG,
      ),
    ).toBe('undefined');
  });
});
