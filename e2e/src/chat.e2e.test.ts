// The platform in a real browser: two people register, share a room, talk both ways, see each
// other typing and online, keep the history across a reload, and cannot inject markup or script
// through a message. Also writes the README screenshots (docs/screenshots/*.png).
//
// One standalone server (child process, fresh DATA_DIR) and one Chromium for the whole file; the
// tests below are steps of one story and run in order.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expectHidden, expectVisible, launchChromium, watchPage } from './harness/browser.js';
import { repoRoot, startServer, type RunningServer } from './harness/server.js';

const PASSWORD = 'correct-horse-battery-staple';
const ROOM = 'lobby';
const screenshots = join(repoRoot, 'docs/screenshots');

const desktop: BrowserContextOptions = {
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  colorScheme: 'light',
  reducedMotion: 'reduce',
  locale: 'en-US',
  timezoneId: 'UTC',
};

let server: RunningServer | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watched: ReturnType<typeof watchPage>[] = [];
let ana: Page;
let bruno: Page;
let roomPath = '';

async function openPage(name: string, options: BrowserContextOptions = desktop): Promise<Page> {
  if (!browser) throw new Error('the browser is not running');
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  const page = await context.newPage();
  watched.push(watchPage(page, name));
  return page;
}

const history = (page: Page) => page.locator('ol[aria-label="Message history"] > li[data-seq]');
const messageWith = (page: Page, text: string) => history(page).filter({ hasText: text });
const composer = (page: Page) => page.getByRole('textbox', { name: `Message ${ROOM}` });
const typingStatus = (page: Page) => page.getByRole('status').filter({ hasText: 'is typing' });
const member = (page: Page, username: string, status: 'Online' | 'Offline') =>
  page
    .getByRole('list', { name: 'Room members' })
    .getByRole('listitem')
    .filter({ has: page.getByText(username, { exact: true }) })
    .filter({ hasText: status });

async function register(page: Page, username: string) {
  if (!server) throw new Error('the server is not running');
  await page.goto(`${server.url}/register`);
  await page.getByRole('textbox', { name: /^Username/ }).fill(username);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByLabel(/^Confirm password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectVisible(
    page.getByRole('heading', { name: 'Pick a room' }),
    `${username} to be signed in after registering`,
  );
}

/** Sends with Enter and waits until the sender sees it delivered (a message with a seq). */
async function send(page: Page, who: string, text: string) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await expectVisible(messageWith(page, text), `${who}'s own message "${text}" to be delivered`);
}

/** Every message element's text (the body under the author line), in list order. */
async function messageTexts(page: Page): Promise<{ seq: number; text: string }[]> {
  return history(page).evaluateAll((items) =>
    items.map((item) => ({
      seq: Number(item.getAttribute('data-seq')),
      text: item.querySelector(':scope > div:last-child > div:last-child')?.textContent ?? '',
    })),
  );
}

async function screenshot(page: Page, file: string) {
  await page.mouse.move(0, 0);
  await page.evaluate(() => {
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  });
  await expectHidden(page.getByRole('tooltip'), 'tooltips to close before the screenshot');
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: join(screenshots, file), animations: 'disabled', caret: 'hide' });
}

beforeAll(async () => {
  await mkdir(screenshots, { recursive: true });
  browser = await launchChromium();
  server = await startServer();
  ana = await openPage('ana');
  bruno = await openPage('bruno');
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

afterEach(() => {
  const errors = watched.flatMap((w) => w.errors);
  if (errors.length > 0) throw new Error(`uncaught errors in the pages:\n${errors.join('\n')}`);
});

describe('two people chatting in the browser', () => {
  it('registers ana, who creates a room', async () => {
    await register(ana, 'ana');
    await ana.getByRole('button', { name: 'Create a room' }).click();
    const dialog = ana.getByRole('dialog', { name: 'Create a room' });
    await dialog.getByRole('textbox', { name: /^Room name/ }).fill(ROOM);
    await dialog.getByRole('textbox', { name: /^Topic/ }).fill('Say hi to everyone');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expectVisible(ana.getByRole('heading', { name: `# ${ROOM}` }), 'the new room to open');
    await ana.waitForURL(/\/rooms\/[0-9a-f-]{36}$/);
    roomPath = new URL(ana.url()).pathname;
    await expectVisible(member(ana, 'ana (you)', 'Online'), 'ana online in her member list');
  });

  it('registers bruno, who opens the room from the list; each sees the other online', async () => {
    await register(bruno, 'bruno');
    const link = bruno.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name: ROOM });
    await expectVisible(link, `"${ROOM}" in bruno's room list`);
    await link.click();
    await expectVisible(bruno.getByRole('heading', { name: `# ${ROOM}` }), 'bruno in the room');
    expect(new URL(bruno.url()).pathname).toBe(roomPath);

    await expectVisible(member(bruno, 'ana', 'Online'), 'ana online in bruno’s member list');
    await expectVisible(member(ana, 'bruno', 'Online'), 'bruno online in ana’s member list');
    await expectVisible(
      ana
        .locator('ol[aria-label="Message history"] > li')
        .filter({ hasText: 'bruno joined the room' }),
      'the "bruno joined the room" notice on ana’s page',
    );
  });

  it('shows each one the other typing, and the messages both ways', async () => {
    const hello = 'Hi bruno, welcome to the lobby!';
    await composer(ana).pressSequentially('Hi bruno', { delay: 15 });
    await expectVisible(
      typingStatus(bruno).filter({ hasText: 'ana is typing…' }),
      '"ana is typing…" on bruno’s page',
    );
    await composer(ana).pressSequentially(', welcome to the lobby!', { delay: 5 });
    await composer(ana).press('Enter');
    await expectVisible(messageWith(bruno, hello), 'ana’s message on bruno’s page');
    await expectHidden(typingStatus(bruno), 'ana’s typing indicator once she sent');

    const reply = 'Hey ana! Glad to be here.';
    await composer(bruno).pressSequentially('Hey ana!', { delay: 15 });
    await expectVisible(
      typingStatus(ana).filter({ hasText: 'bruno is typing…' }),
      '"bruno is typing…" on ana’s page',
    );
    await composer(bruno).pressSequentially(' Glad to be here.', { delay: 5 });
    await composer(bruno).press('Enter');
    await expectVisible(messageWith(ana, reply), 'bruno’s reply on ana’s page');
    await expectHidden(typingStatus(ana), 'bruno’s typing indicator once he sent');

    await send(ana, 'ana', 'The release notes are up, have a look when you can.');
    await send(bruno, 'bruno', 'Reading them now. Dark mode looks great!');
    await expectVisible(messageWith(ana, 'Dark mode looks great'), 'bruno’s 2nd message for ana');
    await expectVisible(messageWith(bruno, 'release notes are up'), 'ana’s 2nd message for bruno');

    const onAna = await messageTexts(ana);
    const onBruno = await messageTexts(bruno);
    expect(onAna.map((m) => m.text)).toEqual([
      hello,
      reply,
      'The release notes are up, have a look when you can.',
      'Reading them now. Dark mode looks great!',
    ]);
    expect(onBruno).toEqual(onAna);
    expect(onAna.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('writes the desktop screenshots, light and dark', async () => {
    await screenshot(ana, 'desktop-light.png');
    await ana.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expectVisible(
      ana.getByRole('button', { name: 'Switch to light theme' }),
      'the theme toggle to offer light after switching to dark',
    );
    const background = await ana.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(200); // a dark page behind the app
    await screenshot(ana, 'desktop-dark.png');
  });

  it('writes the phone screenshot (360×740, the chat view)', async () => {
    if (!server) throw new Error('the server is not running');
    const phone = await openPage('ana-phone', {
      ...desktop,
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    await phone.goto(`${server.url}/login`);
    await phone.getByRole('textbox', { name: /^Username/ }).fill('ana');
    await phone.getByLabel(/^Password/).fill(PASSWORD);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible(phone.getByRole('heading', { name: 'Pick a room' }), 'ana signed in');
    await phone.getByRole('button', { name: 'Open the room list' }).click();
    await phone
      .getByRole('navigation', { name: 'Rooms' })
      .getByRole('link', { name: ROOM })
      .click();
    await expectVisible(phone.getByRole('heading', { name: `# ${ROOM}` }), 'the room on the phone');
    await expectHidden(
      phone.getByRole('navigation', { name: 'Rooms' }),
      'the room drawer to close after picking the room',
    );
    await expectVisible(messageWith(phone, 'Dark mode looks great'), 'the history on the phone');
    await screenshot(phone, 'phone.png');
    await phone.context().close();
  });

  it('keeps the history when bruno reloads the page', async () => {
    await bruno.reload();
    await expectVisible(bruno.getByRole('heading', { name: `# ${ROOM}` }), 'the room after reload');
    await expectVisible(messageWith(bruno, 'Hi bruno, welcome'), 'history after reload');
    const texts = await messageTexts(bruno);
    expect(texts.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(texts[0]?.text).toBe('Hi bruno, welcome to the lobby!');
    await expectVisible(member(ana, 'bruno', 'Online'), 'bruno still online for ana');
    // After the reload the socket is new: both directions still work.
    await send(bruno, 'bruno', 'Back after a reload.');
    await expectVisible(messageWith(ana, 'Back after a reload.'), 'bruno’s message after reload');
  });

  it('shows markup and script in messages as literal text, never running it', async () => {
    const corpus = [
      '<img src=x onerror=alert(1)>',
      '<script>alert(1)</script>',
      'javascript:alert(1)',
      '"><svg onload=alert(1)>',
      '<a href="javascript:alert(1)">click me</a>',
      '<iframe src="javascript:alert(1)"></iframe>',
      '<b onmouseover=alert(1)>bold?</b> &lt;i&gt;',
    ];
    for (const text of corpus) await send(bruno, 'bruno', text);
    await send(bruno, 'bruno', 'Docs: https://example.com');
    const last = corpus.length + 6;
    await expectVisible(history(ana).and(ana.locator(`[data-seq="${last}"]`)), 'all on ana’s page');

    for (const page of [ana, bruno]) {
      const texts = (await messageTexts(page)).map((m) => m.text);
      expect(texts.slice(5, 5 + corpus.length)).toEqual(corpus);
      for (const text of corpus) {
        await expectVisible(page.getByText(text, { exact: true }), `"${text}" as literal text`);
      }
      const injected = await page
        .locator('ol[aria-label="Message history"]')
        .evaluate(
          (list) =>
            list.querySelectorAll('img, script, svg, iframe, b, [onerror], [onload], [onmouseover]')
              .length,
        );
      expect(injected).toBe(0);
      // javascript: is never a link; an https URL is, opening safely in a new tab.
      const hrefs = await page
        .locator('ol[aria-label="Message history"] a')
        .evaluateAll((links) =>
          links.map((a) => [
            a.getAttribute('href'),
            a.getAttribute('target'),
            a.getAttribute('rel'),
          ]),
        );
      expect(hrefs).toEqual([['https://example.com/', '_blank', 'noopener noreferrer']]);
      // Hovering the would-be handler changes nothing.
      await page.getByText(corpus[6] ?? '', { exact: true }).hover();
    }
    expect(watched.flatMap((w) => w.dialogs)).toEqual([]);
    expect(await ana.evaluate(() => document.title)).not.toMatch(/alert/);
  });

  it('shows bruno offline once he closes the app', async () => {
    await bruno.context().close();
    await expectVisible(
      member(ana, 'bruno', 'Offline'),
      'bruno offline in ana’s member list',
      20_000,
    );
    expect(watched.flatMap((w) => w.dialogs)).toEqual([]);
  });
});
