/**
 * Organisation admin through the console: an admin creates a responsible unit,
 * is told what is missing when saving an empty user form, and edits a unit.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
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

async function loginAsAdmin(page: Page) {
  await signInToConsole(page, server.url, 'admin');
}

test('an admin creates a unit, edits it, and an empty user form says what is required', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await loginAsAdmin(page);

  await page.getByTestId('menu-units').click();
  await page.getByTestId('units-table').waitFor();
  await page.getByTestId('unit-create').click();
  await page.getByTestId('unit-code').fill('E2E');
  await page.getByTestId('unit-name').fill('郑州市端到端测试中心');
  await page.getByTestId('unit-save').click();
  await page.getByTestId('unit-edit-E2E').waitFor();
  assert.match(await page.getByTestId('units-table').innerText(), /郑州市端到端测试中心/);

  await page.getByTestId('unit-edit-E2E').click();
  await page.getByTestId('unit-name').fill('郑州市端到端测试中心（改）');
  await page.getByTestId('unit-save').click();
  await page.getByText('郑州市端到端测试中心（改）').waitFor();

  await page.getByTestId('menu-users').click();
  await page.getByTestId('users-table').waitFor();
  await page.getByTestId('user-create').click();
  await page.getByTestId('user-save').click();
  await page.locator('.ant-form-item-explain-error').first().waitFor();
  const explained = await page.locator('.ant-form-item-explain-error').allInnerTexts();
  assert.ok(explained.length >= 2, `expected required-field messages, got ${JSON.stringify(explained)}`);
  await page.screenshot({ path: artifact('console-user-required.png') });
  assert.deepEqual(errors, []);

  const api = await page.evaluate(async () => (await (await fetch('/api/v1/units?q=E2E')).json()) as { code: string; name: string }[]);
  assert.deepEqual(api.map((u) => [u.code, u.name]), [['E2E', '郑州市端到端测试中心（改）']]);
});

test('the bell shows a notification when someone else reports the same problem, and reading it clears the count', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await loginAsAdmin(page);
  // The admin reports a problem with their account; an anonymous citizen then reports the same thing at the same spot.
  const merged = await page.evaluate(async () => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    await fetch('/api/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
      body: JSON.stringify({ text: '小区门口下水道堵塞，污水外溢', lng: 113.6604, lat: 34.7538, mediaIds: [] }),
    });
    const second = await fetch('/api/v1/reports', {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '门口下水道堵塞了，污水外溢', lng: 113.66041, lat: 34.75381, mediaIds: [] }),
    });
    return (await second.json()).merged;
  });
  assert.equal(merged, true);
  await page.reload();
  await page.getByTestId('notification-bell').waitFor();
  await page.waitForFunction(() => document.querySelector('.ant-badge-count')?.textContent === '1', null, { timeout: 15_000 });
  await page.getByTestId('notification-bell').click();
  await page.getByText('您反映的问题有了新的相同报告').waitFor();
  await page.screenshot({ path: artifact('console-notifications.png') });
  await page.getByText('您反映的问题有了新的相同报告').click();
  await page.waitForFunction(() => !document.querySelector('.ant-badge-count') || document.querySelector('.ant-badge-count')?.textContent === '0', null, { timeout: 15_000 });
});

test('the working calendar shows 2026 with its 调休 Saturdays and computes a deadline across the Spring Festival', async () => {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1250 } });
  await loginAsAdmin(page);
  await page.getByTestId('menu-calendar').click();
  await page.getByTestId('cal-day-2026-02-14').waitFor();
  assert.match(await page.getByTestId('cal-day-2026-02-14').innerText(), /班/);
  assert.match(await page.getByTestId('cal-day-2026-02-17').innerText(), /休/);
  // Friday 13 February 2026 with the default 5 working days: the Spring Festival holiday lies in between.
  await page.getByTestId('cal-calc-start').fill('2026-02-13T10:00');
  await page.getByTestId('cal-calc-go').click();
  await page.getByTestId('cal-calc-result').waitFor();
  assert.match(await page.getByTestId('cal-calc-result').innerText(), /2026\/2\/27 23:59:59/);
  await page.screenshot({ path: artifact('console-calendar.png') });
});
