/**
 * 通知渠道 in headless Chromium against the real server: the office adds a WeCom group robot
 * (a local stand-in at a custom URL) and a webhook whose endpoint answers 500, sends a test
 * message through each and sees the outcome, and the recent deliveries list both.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { artifact, launchBrowser, startServer, type RunningServer, signInToConsole } from './support.ts';

let server: RunningServer;
let browser: Browser;
let standIn: http.Server;
let base: string;
const received: { path: string; body: any }[] = [];

before(async () => {
  // The robot's stand-in: "ok" for WeCom, 500 for the broken webhook.
  standIn = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      received.push({ path, body: raw ? JSON.parse(raw) : null });
      if (path === '/down') {
        res.writeHead(500).end('upstream down');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise<void>((r) => (standIn ? standIn.close(() => r()) : r()));
});

async function addChannel(page: Page, kindLabel: string | null, name: string, url: string, custom: boolean) {
  await page.getByTestId('channel-create').click();
  await page.getByTestId('channel-name').waitFor();
  if (kindLabel) {
    await page.getByTestId('channel-kind').click();
    await page.locator('.ant-select-item-option').filter({ hasText: kindLabel }).click();
  }
  await page.getByTestId('channel-name').fill(name);
  await page.getByTestId('channel-url').fill(url);
  if (custom) await page.getByTestId('channel-custom-url').check();
  await page.getByTestId('channel-save').click();
  await page.getByTestId('channel-save').waitFor({ state: 'hidden' });
  await page.locator('[data-testid="channels-table"]').getByText(name, { exact: true }).waitFor();
}

test('the office adds a WeCom robot and a webhook, tests both and sees the outcome and the deliveries', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await signInToConsole(page, server.url, 'office');
  await page.getByTestId('menu-channels').click();
  await page.getByTestId('channels-table').waitFor({ timeout: 30_000 });

  await addChannel(page, null, '督查工作群', `${base}/cgi-bin/webhook/send?key=e2e-key-0123456789`, true);
  // the robot's key is its credential: shown masked
  const table = page.getByTestId('channels-table');
  assert.match(await table.innerText(), /key=e2e-\*{4}/);
  assert.doesNotMatch(await table.innerText(), /0123456789/);

  await page.getByTestId('channel-test-督查工作群').click();
  const result = page.getByTestId('channel-test-result');
  await result.waitFor({ timeout: 15_000 });
  assert.match(await result.innerText(), /测试消息已送达“督查工作群”/);
  const hit = received.find((r) => r.path === '/cgi-bin/webhook/send');
  assert.equal(hit?.body.msgtype, 'markdown');
  assert.match(hit?.body.markdown.content, /督查工作群/);

  await addChannel(page, 'Webhook', '城市运行平台', `${base}/down`, false);
  await page.getByTestId('channel-test-城市运行平台').click();
  await page.waitForFunction(() => /测试发送失败/.test(document.querySelector('[data-testid="channel-test-result"]')?.textContent ?? ''), null, {
    timeout: 15_000,
  });
  assert.match(await result.innerText(), /HTTP 500: upstream down/);

  const deliveries = page.getByTestId('deliveries-table');
  await deliveries.getByText('城市运行平台').waitFor();
  const text = await deliveries.innerText();
  assert.match(text, /已送达/);
  assert.match(text, /失败/);
  await page.waitForTimeout(300);
  await page.screenshot({ path: artifact('console-channels.png'), fullPage: true });

  // The SMTP form, as the office fills it in.
  await page.getByTestId('channel-create').click();
  await page.getByTestId('channel-kind').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '邮件 (SMTP)' }).click();
  await page.getByTestId('channel-host').waitFor();
  await page.getByTestId('channel-name').fill('督查办邮箱');
  await page.getByTestId('channel-host').fill('smtp.example.gov.cn');
  await page.getByTestId('channel-from').fill('城建督查办 <office@example.gov.cn>');
  await page.waitForTimeout(300);
  await page.screenshot({ path: artifact('console-channels-smtp-form.png') });
  assert.deepEqual(errors, []);
  await context.close();
});
