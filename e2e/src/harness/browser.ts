// Chromium through playwright-core: Debian's /usr/bin/chromium (scripts/install-chromium.sh), or
// CHROMIUM_PATH. Flags keep it quiet on a closed network (no background connections to refuse).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `e2e: Chromium not found at ${chromiumPath}; run scripts/install-chromium.sh or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    timeout: 60_000,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--font-render-hinting=none',
    ],
  });
}

/** Waits until `locator` is visible; the error says what was expected on whose page. */
export async function expectVisible(locator: Locator, what: string, timeout = 15_000) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    throw new Error(`expected ${what} within ${timeout} ms`, { cause: error });
  }
}

/** Waits until `locator` matches nothing visible. */
export async function expectHidden(locator: Locator, what: string, timeout = 15_000) {
  try {
    await locator.first().waitFor({ state: 'hidden', timeout });
  } catch (error) {
    throw new Error(`expected ${what} to go away within ${timeout} ms`, { cause: error });
  }
}

/** Collects what a page must never do: open dialogs (alert/confirm/prompt) or throw. */
export function watchPage(page: Page, name: string) {
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${name}: ${dialog.type()} "${dialog.message()}"`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => {
    errors.push(`${name}: ${error.message}`);
  });
  return { dialogs, errors };
}
