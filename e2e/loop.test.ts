/**
 * The rectification loop (SPEC.md M6, M7) in headless Chromium against the real server
 * (embedded PGlite, demo city), each role in its own browser:
 *  - a citizen reports a cracked, leaking stairwell with a photo (through the API);
 *  - the office opens it from the pool, judges it on the case page (category, risk
 *    scores → yellow, the housing bureau as responsible unit, a lead leader) and assigns it;
 *  - the housing bureau's A staff, on a phone (390×844), accepts it, reports progress with
 *    a photo and submits the close-out (before/after photos, a PDF test report, a photo of
 *    the satisfaction receipt, 95%);
 *  - the third party sees it waiting for verification and gives an opinion;
 *  - the office closes it; the history shows every step, by name;
 *  - 回头看: the office draws closed cases for re-check now (every one, closed 0 days or
 *    more); the unit cannot see the re-check coming; the third party (the demo city's
 *    re-checker) finds a relapse and records it with a photo and a reason on the re-check
 *    page; the unit finds the case 反弹重开 with its whole history and accepts it again;
 *    the pool's history names the loop's steps;
 *  - discipline checks the record; the office reads the case in English.
 * A unit, the third party and an expert land on 案件办理 after signing in; the office on its first menu page.
 * Needs the web build (`npm run build:web`).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { artifact, launchBrowser, root, startServer, type RunningServer, signInToConsole } from './support.ts';

let server: RunningServer;
let browser: Browser;

before(async () => {
  assert.ok(fs.existsSync(path.join(root, 'apps/web/dist/console/index.html')), 'apps/web/dist/console is missing: run npm run build:web');
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

/** A photo-like JPEG: a gradient with a dark patch, tinted so before and after differ. */
async function photo(tint: number): Promise<Buffer> {
  const w = 640;
  const h = 480;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const patch = tint < 100 && (x - 320) ** 2 + (y - 240) ** 2 < 80 ** 2;
      raw[i] = patch ? 40 : (90 + tint + ((x + y) % 50)) & 0xff;
      raw[i + 1] = patch ? 35 : 120 + (y % 60);
      raw[i + 2] = patch ? 30 : 100 + (x % 70);
    }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** A small well-formed PDF: what a testing laboratory sends. */
function testPdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 72 760 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const jpeg = async (name: string, tint: number) => ({ name, mimeType: 'image/jpeg', buffer: await photo(tint) });

// every browser of the test, so a failure leaves a screenshot of each
const desks: { name: string; page: Page }[] = [];

interface Desk {
  page: Page;
  errors: string[];
  close: () => Promise<void>;
}

/** The console page a desk is on, e.g. `/cases` or `/map`. */
const consolePath = (page: Page) => new URL(page.url()).pathname.replace(/^\/console/, '');

async function desk(username: string, phone = false): Promise<Desk> {
  const context = await browser.newContext(
    phone
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' }
      : { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' },
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  desks.push({ name: username, page });
  if (phone) {
    // on a phone the menu hides in a drawer: signed in once the menu button shows
    await page.goto(`${server.url}/console/`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill('cityloop');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('menu-toggle').waitFor();
  } else {
    await signInToConsole(page, server.url, username);
  }
  return { page, errors, close: () => context.close() };
}

/** Chooses an option of an antd Select: open it, type to search, click the option. */
async function choose(page: Page, testId: string, search: string, option = search) {
  await page.getByTestId(testId).click();
  await page.keyboard.type(search);
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option }).first().click();
}

const statusOf = (page: Page) => page.getByTestId('case-header').getByTestId('case-status').innerText();

/** Reloads a page (which does not poll) until the case shows `label`: on a busy machine the answer may trail the click. */
async function reloadUntilStatus(page: Page, label: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await page.reload();
    try {
      await waitForStatus(page, label, 5_000);
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
    }
  }
}

async function waitForStatus(page: Page, label: string, timeout = 15_000) {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="case-header"] [data-testid="case-status"]')?.textContent === want,
    label,
    { timeout },
  );
}

/** Runs an action from the case's action panel: the button, the dialog's fields, OK; waits for the dialog to go. */
async function act(page: Page, action: string, fill?: () => Promise<void>) {
  await page.getByTestId(`case-action-${action}`).click();
  await page.getByTestId('case-modal-ok').waitFor();
  if (fill) await fill();
  await page.getByTestId('case-modal-ok').click();
  await page.getByTestId('case-modal-ok').waitFor({ state: 'detached', timeout: 15_000 });
}

/** Text a person reads must never show an i18n key. */
async function noRawKeys(page: Page) {
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /\bcases\.[a-zA-Z]+/, 'an untranslated key shows on the page');
}

/**
 * A screenshot, checked for raw i18n keys first. `whole`: the console scrolls inside its
 * content pane, not the document, so the viewport grows to the pane's height for the shot.
 */
async function shot(page: Page, name: string, whole = false) {
  await noRawKeys(page);
  // the success toasts of earlier steps would cover the page
  const hideToasts = await page.addStyleTag({ content: '.ant-message { display: none !important; }' });
  await page.waitForTimeout(300); // images settle
  const size = page.viewportSize()!;
  if (whole) {
    const extra = await page.evaluate(() =>
      Math.max(
        0,
        ...[...document.querySelectorAll<HTMLElement>('body, body *')]
          .filter((e) => e.clientHeight > 300 && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))
          .map((e) => e.scrollHeight - e.clientHeight),
      ),
    );
    if (extra > 0) await page.setViewportSize({ width: size.width, height: Math.min(size.height + extra, 4000) });
  }
  await page.screenshot({ path: artifact(name) });
  if (whole) await page.setViewportSize(size);
  await hideToasts.evaluate((el) => (el as Element).remove());
}

test(
  'a citizen report goes round the loop: judged, assigned, worked on a phone, verified, closed, re-checked, reopened on relapse, every step on record',
  { timeout: 180_000 },
  async () => {
    try {
      await loop();
    } catch (err) {
      for (const d of desks)
        await d.page.screenshot({ path: artifact(`loop-failed-${d.name}.png`), fullPage: true }).catch(() => undefined);
      throw err;
    }
  },
);

async function loop() {
  // ---- the citizen (API): a report with a photo
  const spot = { lng: 113.6702, lat: 34.7612 };
  const upload = new FormData();
  upload.append('file', new Blob([new Uint8Array(await photo(0))], { type: 'image/jpeg' }), 'stairwell.jpg');
  const uploaded = await fetch(`${server.url}/api/v1/uploads`, { method: 'POST', body: upload });
  assert.equal(uploaded.status, 201, await uploaded.clone().text());
  const report = await fetch(`${server.url}/api/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: '小区楼道墙体开裂渗水，墙皮大面积脱落，雨天漏水严重', ...spot, mediaIds: [(await uploaded.json()).id] }),
  });
  assert.equal(report.status, 201, await report.clone().text());
  const { ticket } = (await report.json()) as { ticket: string };

  // ---- the office: from the pool to the case page, 研判, 交办
  const office = await desk('office');
  const o = office.page;
  // the office keeps its landing page: the first page of its menu
  assert.equal(consolePath(o), '/map');
  const found = await o.evaluate(
    async (t) => (await (await fetch(`/api/v1/problems?q=${t}`)).json()) as { items: { id: string }[] },
    ticket,
  );
  const id = found.items[0]!.id;

  await o.getByTestId('menu-cases').click();
  await o.getByTestId(`case-row-${id}`).waitFor({ timeout: 15_000 });
  await shot(o, 'loop-01-office-todo.png');

  await o.goto(`${server.url}/console/pool?problem=${id}`);
  await o.getByTestId('pool-open-case').click();
  await o.getByTestId('judge-form').waitFor({ timeout: 15_000 });
  assert.equal(await statusOf(o), '待研判');
  await o.getByTestId('case-clues').getByTestId('case-photo').first().waitFor();

  await choose(o, 'judge-subcategory', 'JS-02');
  await o.getByTestId('judge-score-socialImpact').getByText('3', { exact: true }).click();
  await o.getByTestId('judge-score-technicalDifficulty').getByText('2', { exact: true }).click();
  await o.getByTestId('judge-score-fundingPressure').getByText('2', { exact: true }).click();
  // (2·3 + 2 + 2) / 4 = 2.5 with the default thresholds: yellow, shown before saving
  assert.match(await o.getByTestId('judge-risk-level').innerText(), /黄色.*2\.5/s);
  await choose(o, 'judge-unit', '住房', '郑州市住房和城乡建设局');
  await choose(o, 'judge-coop', '城市管理', '郑州市城市管理局');
  await o.keyboard.press('Escape');
  await choose(o, 'judge-leader', '李建国');
  await o.getByTestId('judge-requirement').fill('五个工作日内排查渗漏点并加固墙体，二十个工作日内完成修复并出具检测报告');
  await o.getByTestId('judge-save').click();
  // saved: the header carries the risk level the server computed
  await o.getByTestId('case-header').getByTestId('case-risk').waitFor({ timeout: 15_000 });
  await o.getByTestId('judge-proposed-deadline').waitFor();
  assert.match(await o.getByTestId('case-category').innerText(), /^JS-02/);
  assert.match(await o.getByTestId('case-facts').innerText(), /郑州市住房和城乡建设局/);
  assert.match(await o.getByTestId('case-header').innerText(), /黄色/);
  await shot(o, 'loop-02-office-judged.png', true);

  await act(o, 'assign');
  await waitForStatus(o, '已交办');
  assert.match(await o.getByTestId('case-notice-no').innerText(), /整改〔\d{4}〕\d{4}号$/);
  const docx = await o.evaluate(
    async (href) => {
      const res = await fetch(href);
      return { status: res.status, type: res.headers.get('content-type') };
    },
    (await o.getByTestId('case-notice-docx').getAttribute('href'))!,
  );
  assert.deepEqual(docx, { status: 200, type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
  // the office's buttons are gone: what remains is the unit's
  assert.equal(await o.getByTestId('case-actions').getByRole('button').count(), 0);
  await shot(o, 'loop-03-office-assigned.png', true);

  // ---- the responsible unit, on a phone: 签收, 报送进展, 申请销号
  const unit = await desk('unit', true);
  const u = unit.page;
  // a unit lands on 案件办理, its 待办 first
  await u.getByTestId(`case-row-${id}`).waitFor({ timeout: 15_000 });
  assert.equal(consolePath(u), '/cases');
  await shot(u, 'loop-04-unit-phone-todo.png');
  await u.getByTestId(`case-row-${id}`).getByTestId('case-row-title').click();
  await u.getByTestId('case-action-accept').waitFor({ timeout: 15_000 });
  // the unit reads what was reported (it cannot read the pool), with the photo
  await u.getByTestId('case-clues').getByTestId('case-photo').first().waitFor();
  assert.match(await u.getByTestId('case-clues').innerText(), /楼道墙体开裂渗水[\s\S]*市民随手拍/);
  // only the unit's own step is offered
  assert.equal(await u.getByTestId('case-actions').getByRole('button').count(), 1);
  const overflow = await u.evaluate(() => {
    const content = document.querySelector('.cl-content')!;
    return Math.max(document.documentElement.scrollWidth - window.innerWidth, content.scrollWidth - content.clientWidth);
  });
  assert.ok(overflow <= 0, `the case page is ${overflow}px wider than the phone`);
  await shot(u, 'loop-05-unit-phone-case.png');

  await act(u, 'accept');
  await waitForStatus(u, '整改中');

  await act(u, 'report_progress', async () => {
    await u.getByTestId('case-f-note').fill('已设置警示围挡，完成渗漏点排查，正在凿除空鼓墙皮');
    await u.locator('[data-testid="case-f-progress-photos"] input[type=file]').setInputFiles([await jpeg('progress.jpg', 40)]);
    await u.locator('[data-testid="case-f-progress-photos"][data-count="1"]').waitFor({ timeout: 15_000 });
  });
  await u.getByTestId('case-event-report_progress').getByTestId('case-photo').waitFor({ timeout: 15_000 });

  // a refusal shows the server's message in the dialog and changes nothing: an "extension"
  // to tomorrow, before the current deadline (typed: the date picker offers only later days)
  const tomorrow = await u.evaluate(() => {
    const d = new Date(Date.now() + 86_400_000);
    return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
  });
  await u.getByTestId('case-action-request_extension').click();
  await u.getByTestId('case-f-proposedDay').fill(tomorrow);
  await u.getByTestId('case-f-reason').fill('雨季施工受限');
  await u.getByTestId('case-modal-ok').click();
  await u.locator('[data-testid="case-error"][data-code="case.extension_not_later"]').waitFor({ timeout: 15_000 });
  const refusal = await u.getByTestId('case-error').innerText();
  assert.match(refusal, /申请延期的日期须晚于现在的整改时限/);
  assert.match(refusal, /请选择 \d{4}-\d{2}-\d{2} 以后的日期/);
  await shot(u, 'loop-06-unit-phone-refused.png');
  await u
    .getByTestId('case-modal')
    .getByRole('button', { name: /取\s*消/ })
    .click();
  await u.getByTestId('case-modal-ok').waitFor({ state: 'detached' });
  assert.equal(await statusOf(u), '整改中');

  await u.getByTestId('case-action-submit_closeout').click();
  await u.getByTestId('case-modal-ok').waitFor();
  await u.locator('[data-testid="case-f-before"] input[type=file]').setInputFiles([await jpeg('before.jpg', 0)]);
  await u.locator('[data-testid="case-f-after"] input[type=file]').setInputFiles([await jpeg('after.jpg', 120)]);
  await u
    .locator('[data-testid="case-f-report"] input[type=file]')
    .setInputFiles([{ name: '检测报告.pdf', mimeType: 'application/pdf', buffer: testPdf('Test report: wall repaired, no leakage') }]);
  await u.locator('[data-testid="case-f-receipt"] input[type=file]').setInputFiles([await jpeg('receipt.jpg', 200)]);
  for (const f of ['before', 'after', 'report', 'receipt'])
    await u.locator(`[data-testid="case-f-${f}"][data-count="1"]`).waitFor({ timeout: 15_000 });
  await u.getByTestId('case-f-score').fill('95');
  await shot(u, 'loop-07-unit-phone-closeout.png');
  await u.getByTestId('case-modal-ok').click();
  await u.getByTestId('case-modal-ok').waitFor({ state: 'detached', timeout: 15_000 });
  await waitForStatus(u, '待核验');
  await u.getByTestId('case-closeout').waitFor();
  assert.equal(await u.getByTestId('case-closeout-before').getByTestId('case-photo').count(), 1);
  // the test report is a PDF (a document link), the receipt a photo (a thumbnail)
  assert.equal(await u.getByTestId('case-closeout-report').getAttribute('data-kind'), 'pdf');
  assert.equal(await u.getByTestId('case-closeout-receipt').getByTestId('case-photo').count(), 1);
  await shot(u, 'loop-08-unit-phone-submitted.png', true);

  // ---- the third party: it waits for verification; an opinion
  const third = await desk('thirdparty');
  const p = third.page;
  assert.equal(consolePath(p), '/cases');
  await p.getByTestId(`case-row-${id}`).click();
  await p.getByTestId('case-closeout').waitFor({ timeout: 15_000 });
  // the PDF report opens as it was sent
  const pdf = await p.evaluate(
    async (href) => (await fetch(href)).headers.get('content-type'),
    (await p.getByTestId('case-closeout-report').getAttribute('href'))!,
  );
  assert.equal(pdf, 'application/pdf');
  await act(p, 'give_opinion', () => p.getByTestId('case-f-opinion').fill('经现场检测，墙体加固及防渗处理符合 GB 50300 要求，无渗漏。'));
  await p.getByTestId('case-event-give_opinion').waitFor({ timeout: 15_000 });
  await shot(p, 'loop-09-thirdparty-opinion.png', true);

  // ---- the office: 销号
  await o.reload();
  await o.getByTestId('case-action-close').waitFor({ timeout: 15_000 });
  await act(o, 'close', () => o.getByTestId('case-f-note').fill('材料齐全，现场核实已修复'));
  await waitForStatus(o, '已销号');
  const steps = await o
    .locator('[data-testid="case-timeline"] [data-testid^="case-event-"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('case-event-'.length)));
  assert.deepEqual(steps, ['created', 'judge', 'assign', 'accept', 'report_progress', 'submit_closeout', 'give_opinion', 'close']);
  const history = await o.getByTestId('case-timeline').innerText();
  for (const words of [
    '研判',
    '交办',
    '签收',
    '报送进展',
    '已设置警示围挡',
    '申请销号',
    '群众满意度 95%',
    '出具意见',
    '销号',
    '待核验 → 已销号',
    '材料齐全，现场核实已修复',
  ])
    assert.ok(history.includes(words), `the history shows ${words}`);
  // who acted, by name: the logins are not what a person reads
  const actors = await o.getByTestId('case-timeline').getByTestId('case-actor').allInnerTexts();
  for (const login of ['office', 'unit', 'thirdparty'])
    assert.ok(!actors.includes(login), `the history names ${login} by login: ${actors.join(', ')}`);
  assert.equal(new Set(actors).size, 4, `four people acted (the reporter, the office, the unit, the third party): ${actors.join(', ')}`);
  await shot(o, 'loop-10-office-closed.png', true);

  // ---- 回头看 (re-check): the office draws closed cases now — every one, however recently closed
  await o.getByTestId('menu-recheck').click();
  await o.getByTestId('rc-sample').click();
  await o.getByTestId('rc-rate').fill('100');
  await o.getByTestId('rc-min-days').fill('0');
  await o.getByTestId('rc-sample-save').click();
  await o.getByTestId(`rc-task-${id}`).waitFor({ timeout: 15_000 });
  assert.match(await o.getByTestId(`rc-task-${id}`).innerText(), /第三方机构/);
  await shot(o, 'loop-13-office-recheck-sampled.png');

  // unannounced (神秘顾客): the unit's case shows no re-check coming
  await u.reload();
  await waitForStatus(u, '已销号');
  assert.equal(await u.locator('[data-testid="case-event-task_created"], [data-testid="case-task-recheck"]').count(), 0);

  // the third party (the demo city's re-checker) finds the stairwell leaking again
  await p.getByTestId('menu-recheck').click();
  await p.getByTestId(`rc-task-${id}`).getByTestId('rc-complete').click();
  await p.getByTestId('rc-outcome').getByText('发现反弹').click();
  await p.getByTestId('rc-note').fill('回头看现场核查：楼道东侧墙体再次出现渗水，墙皮起鼓脱落');
  await p.locator('[data-testid="rc-photos"] input[type=file]').setInputFiles([await jpeg('relapse.jpg', 10)]);
  await p.locator('[data-testid="rc-photos"][data-count="1"]').waitFor({ timeout: 15_000 });
  assert.match(await p.getByTestId('rc-dialog-case').innerText(), /小区楼道墙体开裂渗水/);
  await shot(p, 'loop-14-thirdparty-relapse.png');
  await p.getByTestId('rc-complete-save').click();
  // the dialog closes only once the server has answered; a list refresh alone can re-mount the row
  await p.getByTestId('rc-complete-save').waitFor({ state: 'hidden', timeout: 30_000 });
  await p.getByTestId(`rc-task-${id}`).waitFor({ state: 'detached', timeout: 15_000 });

  // the unit: 反弹重开, the history kept, the relapse with its photo and reason; it accepts again
  await reloadUntilStatus(u, '反弹重开');
  const relapse = u.getByTestId('case-event-recheck_relapse');
  await relapse.getByTestId('case-photo').first().waitFor({ timeout: 15_000 });
  assert.equal(await relapse.getByTestId('case-photo').count(), 1, 'the relapse photo shows once');
  assert.match(await relapse.innerText(), /再次出现渗水/);
  assert.match(await u.getByTestId('case-task-recheck').getByTestId('case-task-outcome').innerText(), /发现反弹/);
  const unitSteps = await u
    .locator('[data-testid="case-timeline"] [data-testid^="case-event-"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('case-event-'.length)));
  assert.deepEqual(unitSteps, [
    'created',
    'judge',
    'assign',
    'accept',
    'report_progress',
    'submit_closeout',
    'give_opinion',
    'close',
    'recheck_relapse',
  ]);
  assert.equal(await u.getByTestId('case-actions').getByRole('button').count(), 1);
  await shot(u, 'loop-15-unit-phone-reopened.png', true);
  await act(u, 'accept');
  await waitForStatus(u, '整改中');

  // the pool's history names the loop's steps too (the domain's words)
  await o.goto(`${server.url}/console/pool?problem=${id}`);
  await o.getByTestId('pool-events').waitFor({ timeout: 15_000 });
  await o.waitForFunction(() => document.querySelector('[data-testid="pool-events"]')?.textContent?.includes('回头看反弹'), null, {
    timeout: 15_000,
  });
  const poolHistory = await o.getByTestId('pool-events').innerText();
  for (const words of ['立案', '研判', '交办', '签收', '申请销号', '销号', '生成任务', '回头看反弹'])
    assert.ok(poolHistory.includes(words), `the pool's history shows ${words}`);
  assert.doesNotMatch(poolHistory, /pool\.actions|recheck_relapse|task_created/);
  await o.getByTestId('pool-events').getByText('回头看反弹').scrollIntoViewIfNeeded();
  await shot(o, 'loop-16-office-pool-history.png');

  // ---- discipline: the record is intact
  const discipline = await desk('discipline');
  const d = discipline.page;
  assert.equal(consolePath(d), '/map', 'discipline keeps its first menu page');
  await d.goto(`${server.url}/console/cases/${id}`);
  await d.getByTestId('case-verify').click();
  await d.locator('[data-testid="case-verify-result"][data-ok="true"]').waitFor({ timeout: 15_000 });
  assert.equal(await d.getByTestId('case-actions').getByRole('button').count(), 0);
  await shot(d, 'loop-11-discipline-verify.png');

  // English second: the same case reads in English, its re-check and relapse included
  await o.goto(`${server.url}/console/cases/${id}`);
  await o.getByTestId('lang-switch').click();
  await o.waitForFunction(
    () => document.querySelector('[data-testid="case-header"] [data-testid="case-status"]')?.textContent === 'In progress',
  );
  assert.match(await o.getByTestId('case-timeline').innerText(), /Relapse found on re-check/);
  await shot(o, 'loop-12-office-reopened-en.png', true);

  // an expert, like a unit and the third party, starts on 案件办理
  const expert = await desk('expert');
  await expert.page.getByTestId('case-table').waitFor();
  assert.equal(consolePath(expert.page), '/cases');

  for (const who of [office, unit, third, discipline, expert]) assert.deepEqual(who.errors, []);
  await Promise.all([office, unit, third, discipline, expert].map((x) => x.close()));
}
