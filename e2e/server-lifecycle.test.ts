/**
 * `npm start` as a user meets it: a fresh data directory gets the demo city,
 * a restart keeps every change, SIGTERM shuts down cleanly, bad config is refused.
 * Also prints the cold-start time and memory, for the issue notes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { root, startServer } from './support.ts';

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

test('a fresh start serves the demo city, and a restart keeps every change', async () => {
  const first = await startServer();
  try {
    console.log(`# cold start to healthy on PGlite with demo load: ${(first.startMs / 1000).toFixed(1)} s, RSS ${rssMb(first.proc.pid!).toFixed(0)} MB`);
    assert.match(first.output(), /admin/);
    assert.match(first.output(), /cityloop-demo/);
    const city = await (await fetch(`${first.url}/api/v1/city`)).json();
    assert.equal(city.name, '郑州市');
    assert.equal(city.center.length, 2);
    const districts = await (await fetch(`${first.url}/api/v1/areas?level=district`)).json();
    assert.equal(districts.features.length, 6);

    const login = await fetch(`${first.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'cityloop' }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = await login.json();
    const target = districts.features[0];
    const renamed = await fetch(`${first.url}/api/v1/areas/${target.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ nameEn: 'Renamed before restart' }),
    });
    assert.equal(renamed.status, 200);
  } finally {
    await first.stop();
  }
  assert.equal(first.proc.exitCode, 0, 'SIGTERM ends the server cleanly');

  const second = await startServer({}, first.dataDir);
  try {
    console.log(`# warm start to healthy on PGlite: ${(second.startMs / 1000).toFixed(1)} s, RSS ${rssMb(second.proc.pid!).toFixed(0)} MB`);
    const districts = await (await fetch(`${second.url}/api/v1/areas?level=district`)).json();
    assert.equal(districts.features.length, 6, 'the demo is not loaded twice');
    assert.ok(districts.features.some((f: any) => f.properties.nameEn === 'Renamed before restart'));
  } finally {
    await second.stop();
    fs.rmSync(first.dataDir, { recursive: true, force: true });
  }
});

test('a bad configuration is refused at start-up with the reason', () => {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: 'eighty', DATABASE_URL: 'mysql://nope' },
    encoding: 'utf8',
  });
  assert.equal(res.status, 2);
  assert.match(res.stderr, /PORT/);
  assert.match(res.stderr, /DATABASE_URL/);
});
