/**
 * The staff console in headless Chromium against the real server (embedded
 * PGlite, demo city): an admin logs in, sees the map with the demo areas,
 * finds which areas contain a clicked point, switches to English, logs out.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { artifact, launchBrowser, startServer, type RunningServer, signInToConsole } from './support.ts';

let server: RunningServer;
let browser: Browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

test('an admin logs in, sees the six districts on the map, locates a point, switches to English and logs out', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await signInToConsole(page, server.url, 'admin');

  await page.getByTestId('menu-map').click();
  await page.getByTestId('area-map').waitFor();
  await page.waitForFunction(() => (window as unknown as { __areaMapLoaded?: number }).__areaMapLoaded === 6, null, { timeout: 60_000 });
  // Chinese first: the city and the menu read in Chinese.
  assert.match(await page.getByTestId('city-name').innerText(), /郑州市/);
  assert.match(await page.getByTestId('side-menu').innerText(), /区域地图/);

  // Click the map centre (the city centre is inside 二七片区 or a neighbour): the panel lists the containing areas.
  const box = (await page.getByTestId('area-map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.getByTestId('located-area').first().waitFor({ timeout: 15_000 });
  const located = await page.getByTestId('locate-panel').innerText();
  assert.match(located, /片区/);
  await page.screenshot({ path: artifact('console-map-zh.png') });

  await page.getByTestId('lang-switch').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="side-menu"]')?.textContent?.includes('Area map'), null, { timeout: 10_000 });
  await page.screenshot({ path: artifact('console-map-en.png') });

  await page.getByTestId('logout').click();
  await page.getByTestId('login-submit').waitFor();
  const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
  assert.equal(me, 401, 'the session is gone after logout');
  assert.deepEqual(consoleErrors, []);
});

test('the login page fits a phone screen', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${server.url}/console/`);
  await page.getByTestId('login-submit').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: artifact('console-login-phone.png') });
});
