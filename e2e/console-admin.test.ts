/**
 * The console's taxonomy and import pages in headless Chromium against the real
 * server (embedded PGlite, demo city): an admin reads the 28 subcategories, edits
 * one deadline and saves version 2 (version 1 still readable); the risk calculator
 * answers; the office imports a 12345 hotline CSV (3 rows in Zhengzhou, 1 without
 * coordinates), sees 3 new and the failed row with its reason, and a second import
 * of the same file adds nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { artifact, launchBrowser, startServer, type RunningServer, signInToConsole } from './support.ts';

let server: RunningServer;
let browser: Browser;
let tmp: string;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cityloop-e2e-csv-'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function login(username: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await signInToConsole(page, server.url, username);
  return { page, errors };
}

const rowsOf = (page: Page) => page.locator('[data-testid="tax-table"] tr.tax-sub-row');

test('an admin reads the taxonomy, edits a deadline and saves version 2; the risk calculator answers', async () => {
  const { page, errors } = await login('admin');
  await page.getByTestId('menu-taxonomy').click();
  await page.getByTestId('tax-row-JS-03').waitFor({ timeout: 30_000 });
  assert.equal(await rowsOf(page).count(), 28, 'the default taxonomy has 28 subcategories');
  assert.match(await page.getByTestId('tax-version').innerText(), /第 1 版/);
  assert.match(await page.getByTestId('tax-counts').innerText(), /6 大类 · 28 小类/);
  const before = await page.getByTestId('tax-deadline-JS-03').innerText();
  assert.match(before, /\d+ (工作日|小时)/);

  // Edit JS-03's deadline: one more than it was.
  await page.getByTestId('tax-edit-JS-03').click();
  const amount = page.getByTestId('tax-f-deadline');
  await amount.waitFor();
  const old = Number(await amount.inputValue());
  assert.ok(old > 0);
  await amount.fill(String(old + 1));
  await page.getByTestId('tax-f-note').fill('e2e: 延长整改时限');
  await page.getByTestId('tax-save').click();
  await page.getByTestId('tax-saved').waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId('tax-saved').innerText(), /已保存为第 2 版/);
  assert.match(await page.getByTestId('tax-version').innerText(), /第 2 版/);
  assert.match(await page.getByTestId('tax-deadline-JS-03').innerText(), new RegExp(`^${old + 1} `));
  assert.equal(await rowsOf(page).count(), 28);
  await page.getByTestId('tax-save').waitFor({ state: 'hidden' });
  await page.waitForFunction(() => !document.querySelector('.ant-modal-mask:not([style*="display: none"])'), null, { timeout: 5_000 }).catch(() => undefined);
  await page.waitForTimeout(400); // the toast and the modal's fade-out
  await page.screenshot({ path: artifact('console-taxonomy.png') });

  // Version 1 is still there, read only, with the old deadline.
  await page.getByTestId('tax-version-select').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '第 1 版' }).click();
  await page.getByTestId('tax-old-version').waitFor();
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="tax-deadline-JS-03"]')?.textContent === want,
    before,
    { timeout: 10_000 },
  );
  assert.equal(await page.getByTestId('tax-edit-JS-03').count(), 0, 'an old version cannot be edited');

  // Risk calculator: 3/3/3 → weighted (2·3+3+3)/4 = 3 → yellow under the default thresholds.
  await page.getByTestId('tax-tab-risk').click();
  await page.getByTestId('risk-level').waitFor();
  assert.equal(await page.getByTestId('risk-level').getAttribute('data-level'), 'yellow');
  assert.match(await page.getByTestId('risk-level').innerText(), /黄/);
  await page.screenshot({ path: artifact('console-risk.png') });

  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the office imports a hotline CSV: 3 new, 1 failed with its reason; the same file again adds nothing', async () => {
  const csv = [
    '工单编号,诉求内容,经度,纬度,来电时间',
    'E2E-0001,金水路与花园路交叉口路面塌陷出现大坑，车辆通行危险,113.6655,34.7570,2025-05-06 09:12:00',
    'E2E-0002,二七广场附近小区垃圾堆放多日无人清运，气味很大,113.6490,34.7460,2025-05-06 10:30:00',
    'E2E-0003,中原路路灯不亮已经一周，晚上行人很不安全,113.6150,34.7480,2025-05-06 11:45:00',
    'E2E-0004,小区内违章搭建彩钢房占用消防通道,,,2025-05-06 12:00:00',
  ].join('\r\n');
  const file = path.join(tmp, '12345热线工单.csv');
  fs.writeFileSync(file, '\ufeff' + csv + '\r\n', 'utf8');

  const { page, errors } = await login('office');
  await page.getByTestId('menu-imports').click();
  await page.getByTestId('import-pick').waitFor({ timeout: 30_000 });
  await page.getByTestId('import-source-hotline').click();

  async function importOnce() {
    await page.locator('input[type="file"]').setInputFiles(file);
    await page.getByTestId('import-preview').waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="import-row-count"]')?.textContent === '4');
    // The suggested mapping: the complaint text, coordinates and ticket are recognised.
    assert.match(await page.getByTestId('import-map-text').innerText(), /诉求内容/);
    assert.match(await page.getByTestId('import-map-lng').innerText(), /经度/);
    assert.match(await page.getByTestId('import-map-externalId').innerText(), /工单编号/);
    await page.getByTestId('import-run').click();
    await page.getByTestId('import-result').waitFor({ timeout: 60_000 });
  }
  const count = async (k: string) => Number((await page.getByTestId(`import-${k}`).locator('.ant-statistic-content-value').innerText()).trim());

  await importOnce();
  assert.equal(await count('created'), 3);
  assert.equal(await count('duplicates'), 0);
  assert.equal(await count('failed'), 1);
  const failures = page.getByTestId('import-failures').getByTestId('import-failure-row');
  assert.equal(await failures.count(), 1);
  const failure = await failures.first().innerText();
  assert.match(failure, /^5\b/, 'the row number counts the header as row 1');
  assert.match(failure, /没有经纬度/);
  await page.getByTestId('import-history').locator('tbody tr.ant-table-row').first().waitFor();
  // The console scrolls inside its content pane: a taller window shows the result and the failed rows.
  await page.setViewportSize({ width: 1440, height: 1500 });
  await page.getByTestId('import-failures').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifact('console-import.png') });

  // The same file again: nothing new, the three are duplicates, the bad row still fails.
  await importOnce();
  await page.waitForFunction(() => document.querySelector('[data-testid="import-duplicates"] .ant-statistic-content-value')?.textContent?.trim() === '3', null, { timeout: 30_000 });
  assert.equal(await count('created'), 0);
  assert.equal(await count('duplicates'), 3);
  assert.equal(await count('failed'), 1);
  assert.equal(await page.getByTestId('import-history').locator('tbody tr.ant-table-row').count(), 2);
  await page.getByTestId('import-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifact('console-import-again.png') });

  // English: the failed row's reason is the English half.
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="import-failures"]')?.textContent?.includes('no coordinates'), null, { timeout: 10_000 });

  assert.deepEqual(errors, []);
  await page.context().close();
});

test('an admin trains the classifier from a labelled CSV, tries a complaint, and edits a sensor threshold', async () => {
  const labelled: [string, string][] = [
    ['JS-03', '路面坑洼不平，车辆经过颠簸'], ['JS-03', '人行道地砖破损翘起，老人容易绊倒'], ['JS-03', '马路上有个大坑好几天没人修'],
    ['JS-03', '沥青路面开裂破损严重'], ['JS-03', '道路坑槽积水，电动车摔倒'], ['JS-03', '小区门口道路破损坑坑洼洼'],
    ['GL-03', '垃圾桶满了没人清运，臭气熏天'], ['GL-03', '路边堆放大量建筑垃圾'], ['GL-03', '垃圾站周边污水横流苍蝇很多'],
    ['GL-03', '小区垃圾好几天没拉走'], ['GL-03', '河边有人乱倒生活垃圾'], ['GL-03', '菜市场门口垃圾堆成山'],
    ['GL-05', '路灯晚上不亮，一片漆黑'], ['GL-05', '这条街的路灯坏了很久了'], ['GL-05', '路灯白天一直亮着浪费电'],
    ['GL-05', '小区外面路灯杆倾斜灯罩掉了'], ['GL-05', '桥下路灯闪烁不停'], ['GL-05', '公园路灯不亮晚上不敢走'],
    ['AQ-01', '下雨后道路积水很深车辆熄火'], ['AQ-01', '下穿隧道积水严重无法通行'], ['AQ-01', '暴雨后小区门口积水半米'],
    ['AQ-01', '雨水篦子堵塞路面积水排不出去'], ['AQ-01', '地下车库进水被淹'], ['AQ-01', '每次下雨这个路口都内涝'],
  ];
  const file = path.join(tmp, '历史标注.csv');
  fs.writeFileSync(file, ['text,category', ...labelled.map(([c, text]) => `${text},${c}`)].join('\n') + '\n', 'utf8');

  const { page, errors } = await login('admin');
  await page.getByTestId('menu-classifier').click();
  await page.getByTestId('classifier-status').waitFor({ timeout: 30_000 });
  await page.getByTestId('classifier-examples').waitFor();

  await page.getByTestId('classifier-try-text').fill('我家楼下的路灯坏了，晚上一片漆黑');
  await page.getByTestId('classifier-try').click();
  await page.getByTestId('classifier-suggestion').waitFor();
  assert.match(await page.getByTestId('classifier-suggestion').innerText(), /推荐|无法/);

  await page.locator('input[type="file"]').setInputFiles(file);
  await page.getByTestId('classifier-result').waitFor({ timeout: 120_000 });
  const acc = await page.getByTestId('classifier-accuracy').innerText();
  assert.match(acc, /\d+\.\d%/, `accuracy shown: ${acc}`);
  const labels = page.getByTestId('classifier-per-label').locator('tbody tr.ant-table-row');
  assert.ok((await labels.count()) >= 4, 'one row per subcategory of the history');
  await page.setViewportSize({ width: 1440, height: 1300 });
  await page.getByTestId('classifier-per-label').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifact('console-classifier.png') });
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByTestId('menu-sensor-thresholds').click();
  await page.getByTestId('threshold-settlement').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('thresholds-table').locator('tbody tr.ant-table-row').count(), 7);
  await page.getByTestId('threshold-settlement').fill('25');
  await page.getByTestId('thresholds-save').click();
  await page.locator('.ant-message').getByText('已保存').waitFor();
  const saved = await page.evaluate(async () => (await (await fetch('/api/v1/sensor-thresholds')).json()) as { kind: string; limit: number; configured: boolean }[]);
  const settlement = saved.find((s) => s.kind === 'settlement')!;
  assert.equal(settlement.limit, 25);
  assert.equal(settlement.configured, true);

  // English
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction(() => document.querySelector('.cl-page-head')?.textContent?.includes('Sensor thresholds'), null, { timeout: 10_000 });
  await page.screenshot({ path: artifact('console-sensors-en.png') });

  assert.deepEqual(errors, []);
  await page.context().close();
});
