#!/usr/bin/env node
/**
 * `npm test`: type checks, domain unit tests, the server suite on embedded PGlite
 * and on real PostgreSQL, and the end-to-end tests in headless Chromium.
 *
 * PostgreSQL: a throw-away database is made on PG_ADMIN_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards.
 * SKIP_PG=1 / SKIP_E2E=1 skip those parts, loudly.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);

const results = [];
let failed = false;

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  const started = Date.now();
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  process.stdout.write(res.stdout ?? '');
  const out = res.stdout ?? '';
  const pass = Number(/^# pass (\d+)/m.exec(out)?.[1] ?? 0);
  const fail = Number(/^# fail (\d+)/m.exec(out)?.[1] ?? 0);
  const ok = res.status === 0;
  if (!ok) failed = true;
  results.push({ label, ok, pass, fail: fail || (ok ? 0 : Math.max(fail, 1)), seconds: (Date.now() - started) / 1000 });
  return ok;
}

const testFiles = (dir) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => path.join(dir, f)) : [];

const nodeTest = ['--import', 'tsx', '--test', '--test-reporter=tap'];

run('lint', 'npx', ['eslint', '.']);
run('typecheck', 'npx', ['tsc', '-p', 'packages/domain'], {}) &&
  run('typecheck server', 'npx', ['tsc', '-p', 'apps/server']) &&
  run('typecheck web', 'npx', ['tsc', '-p', 'apps/web']) &&
  run('typecheck e2e', 'npx', ['tsc', '-p', 'e2e']);

run('domain unit tests', 'node', [...nodeTest, ...testFiles('packages/domain/test')]);
run('server tests on PGlite', 'node', [...nodeTest, 'apps/server/test/all.test.ts']);

if (process.env.SKIP_PG === '1') {
  console.log('\n!!! SKIP_PG=1: the server suite did NOT run on PostgreSQL');
} else {
  const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `cityloop_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    run('server tests on PostgreSQL', 'node', [...nodeTest, 'apps/server/test/all.test.ts'], { TEST_DATABASE_URL: url.toString() });
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  } catch (err) {
    console.error(`\n!!! PostgreSQL at ${adminUrl} is not usable: ${err.message}\n    (set PG_ADMIN_URL, or SKIP_PG=1 to skip)`);
    failed = true;
    results.push({ label: 'server tests on PostgreSQL', ok: false, pass: 0, fail: 1, seconds: 0 });
  } finally {
    await admin.end().catch(() => {});
  }
}

if (process.env.SKIP_E2E === '1') {
  console.log('\n!!! SKIP_E2E=1: the end-to-end tests did NOT run');
} else {
  run('build web', 'npm', ['run', 'build:web', '--silent']) && run('end-to-end tests in Chromium', 'node', [...nodeTest, '--test-concurrency=1', ...testFiles('e2e')]);
}

console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.label.padEnd(32)} ${String(r.pass).padStart(4)} passed ${String(r.fail).padStart(3)} failed  ${r.seconds.toFixed(1)} s`);
const passed = results.reduce((a, r) => a + r.pass, 0);
const failedCount = results.reduce((a, r) => a + r.fail, 0);
console.log(`${passed} passed, ${failedCount} failed`);
process.exit(failed ? 1 : 0);
