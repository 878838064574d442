/**
 * 三级督办 on schedule (modules/escalation, jobs/loop.ts): the sweeps over simulated time
 * (each day's `now` passed in), checked against the domain rules; idempotency; what a unit
 * sees; permissions; the loop settings; the record (audit chain, timeline check); a run
 * stopped half-way and taken over; and on PostgreSQL two real server processes, one of them
 * killed in the middle of a run.
 *
 * Cases are made with SQL (`aCase`): the sweeps key on the loop's timestamps (assigned_at,
 * last_progress_at, deadline), which the cases API stamps with the real clock, and these tests
 * walk simulated days. One test goes through the cases API (a progress report) on real time.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  addCalendarDays,
  endOfLocalDay,
  fortnightOf,
  interviewList,
  loopJobNames,
  missedWeeklyReport,
  overdueEscalation,
  seededRandom,
  startOfLocalDay,
  type CaseState,
} from '@cityloop/domain';
import pg from 'pg';
import { as, here, newCity, testDb, type Client, type TestCity } from './harness.ts';
import type { Db } from '../src/db/index.ts';
import { createScheduler, unschedule } from '../src/jobs/index.ts';
import { loopHandlers, registerLoopJobs } from '../src/jobs/loop.ts';
import { verifyAuditChain } from '../src/modules/audit/service.ts';
import {
  escalationLevels,
  sweepEscalations,
  sweepInterviews,
  sweepOverdue,
  sweepVerification,
  sweepWeeklyReports,
} from '../src/modules/escalation/service.ts';

const DAY = 86_400_000;
/** 09:00 in Shanghai on a city date: when the daily sweep runs by default. */
const nineAm = (date: string) => new Date(startOfLocalDay(date).getTime() + 9 * 3_600_000);
/** 10:00 in Shanghai on a city date. */
const tenAm = (date: string) => new Date(startOfLocalDay(date).getTime() + 10 * 3_600_000);

interface CaseOpts {
  unit?: 'u1' | 'u2';
  status?: CaseState;
  title?: string;
  assignedAt?: Date;
  acceptedAt?: Date | null;
  lastProgressAt?: Date | null;
  deadline?: Date;
  risk?: 'red' | 'yellow' | 'green';
  leadLeaderId?: string | null;
  districtId?: string | null;
}

async function aCase(city: TestCity, o: CaseOpts = {}): Promise<string> {
  const db = await testDb();
  const rows = await db.query<{ id: string }>(
    `INSERT INTO problems (city_id, status, title, geom, first_reported_at, last_reported_at, responsible_unit_id, deadline,
                           assigned_at, accepted_at, last_progress_at, risk_level, lead_leader_id, district_id)
     VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint(113.66, 34.75), 4326), $4, $4, $5, $6, $4, $7, $8, $9, $10, $11) RETURNING id`,
    [
      city.id,
      o.status ?? 'in_progress',
      o.title ?? `案件${crypto.randomBytes(3).toString('hex')}`,
      o.assignedAt ?? tenAm('2026-03-02'),
      city.units[o.unit ?? 'u1'],
      o.deadline ?? endOfLocalDay('2027-12-31'),
      o.acceptedAt ?? null,
      o.lastProgressAt ?? null,
      o.risk ?? 'yellow',
      o.leadLeaderId ?? null,
      o.districtId ?? null,
    ],
  );
  return rows[0]!.id;
}

const escalationsOf = async (cityId: string) =>
  (await testDb()).query<{ problem_id: string; level: number; reason: string; period_key: string; resolved_at: Date | null }>(
    `SELECT problem_id, level::int AS level, reason, period_key, resolved_at FROM escalations WHERE city_id = $1 ORDER BY created_at, problem_id`,
    [cityId],
  );
const notificationsOf = async (cityId: string, userId: string, kind?: string) =>
  (await testDb()).query<{ kind: string; title: string; body: string; problem_id: string | null }>(
    `SELECT kind, title, body, problem_id FROM notifications WHERE city_id = $1 AND user_id = $2 AND ($3::text IS NULL OR kind = $3) ORDER BY created_at`,
    [cityId, userId, kind ?? null],
  );

describe('三级督办: level 1 over simulated time', () => {
  let city: TestCity;
  let db: Db;
  before(async () => {
    db = await testDb();
    city = await newCity();
  });

  test('a case walked day by day: one escalation per missed week, one reminder per sweep, resolved when a report comes in', async () => {
    const id = await aCase(city, { title: '文化路坑槽修补', assignedAt: tenAm('2026-03-02') });
    const raised: string[] = [];
    for (let i = 0; i < 30; i++) {
      const day = addCalendarDays('2026-03-02', i);
      const r = await sweepEscalations(db, city.id, { now: nineAm(day) });
      if (r.missedReports.created) raised.push(day);
      // the unit reports on the 19th after the sweep (SQL: the simulated day's report)
      if (day === '2026-03-19') await db.query(`UPDATE problems SET last_progress_at = $2 WHERE id = $1`, [id, tenAm(day)]);
    }
    // due the 9th 10:00 → raised the 10th; the 17th; the report on the 19th restarts the week: due the 26th → raised the 27th
    assert.deepEqual(raised, ['2026-03-10', '2026-03-17', '2026-03-27']);
    const rows = (await escalationsOf(city.id)).filter((e) => e.problem_id === id);
    assert.deepEqual(
      rows.map((e) => [e.reason, e.period_key, e.resolved_at !== null]),
      [
        ['missed_progress', '2026-03-09', true],
        ['missed_progress', '2026-03-16', true],
        ['missed_progress', '2026-03-26', false],
      ],
    );
    const reminders = await notificationsOf(city.id, city.users.unit!, 'escalation.reminder');
    assert.equal(reminders.length, 3, 'one reminder per sweep that found something');
    assert.match(reminders[0]!.title, /1 件未按周报送整改进展/);
    assert.match(reminders[0]!.body, /文化路坑槽修补/);
    assert.equal(reminders[0]!.problem_id, id);
    assert.equal((await notificationsOf(city.id, city.users.unit2!, 'escalation.reminder')).length, 0, 'the other unit hears nothing');
    assert.equal((await notificationsOf(city.id, city.users.office!, 'escalation.summary')).length, 3);
    assert.equal((await escalationLevels(db, city.id, [id])).get(id), 1);
  });

  test('the sweep agrees with the domain rules over many cases and days, and says each thing once', async () => {
    const c2 = await newCity();
    const rnd = seededRandom(42);
    const states: CaseState[] = ['assigned', 'in_progress', 'extension_requested', 'pending_verification', 'closed', 'in_progress'];
    const cases: { id: string; status: CaseState; anchor: Date; deadline: Date; reports: Date[] }[] = [];
    for (let i = 0; i < 36; i++) {
      const status = states[i % states.length]!;
      const anchor = new Date(nineAm('2026-02-21').getTime() + Math.floor(rnd() * 20 * DAY));
      const deadline = endOfLocalDay(addCalendarDays('2026-03-02', Math.floor(rnd() * 30)));
      const reports = Array.from({ length: 3 }, () => new Date(anchor.getTime() + Math.floor(rnd() * 35 * DAY))).sort(
        (a, b) => a.getTime() - b.getTime(),
      );
      cases.push({
        id: await aCase(c2, { status, assignedAt: anchor, deadline, unit: i % 2 ? 'u1' : 'u2' }),
        status,
        anchor,
        deadline,
        reports,
      });
    }
    const expected = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const now = nineAm(addCalendarDays('2026-03-02', i));
      // the day's reports arrive before the sweep
      for (const c of cases) {
        const last = c.reports.filter((r) => r <= now).at(-1);
        if (last)
          await db.query(`UPDATE problems SET last_progress_at = $2 WHERE id = $1 AND last_progress_at IS DISTINCT FROM $2`, [c.id, last]);
        const m = missedWeeklyReport(c.status, { assignedAt: c.anchor, lastProgressAt: last ?? null }, now);
        if (m) expected.add(`${c.id}|missed_progress|${m.periodKey}`);
        const o = overdueEscalation(c.status, c.deadline, now);
        if (o) expected.add(`${c.id}|overdue|${o.periodKey}`);
      }
      await sweepEscalations(db, c2.id, { now, chunkSize: 7 });
    }
    const got = (await escalationsOf(c2.id)).map((e) => `${e.problem_id}|${e.reason}|${e.period_key}`);
    assert.equal(new Set(got).size, got.length, 'no duplicates');
    assert.deepEqual(new Set(got), expected);
    assert.ok(expected.size > 20, `a meaningful sample (${expected.size})`);
    // every escalation has one timeline event, chained into the audit log
    const events = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM problem_events WHERE city_id = $1 AND action = 'escalated'`,
      [c2.id],
    );
    assert.equal(events[0]!.n, got.length);
    assert.deepEqual(await verifyAuditChain(db, c2.id), { ok: true, events: await auditCount(db, c2.id), brokenAt: null });
  });

  test('sweeping again at the same time adds nothing and sends nothing', async () => {
    const c3 = await newCity();
    for (let i = 0; i < 5; i++) await aCase(c3, { assignedAt: tenAm('2026-03-02'), deadline: endOfLocalDay('2026-03-06') });
    const now = nineAm('2026-03-13');
    const first = await sweepEscalations(db, c3.id, { now, chunkSize: 2 });
    assert.equal(first.missedReports.created, 5);
    assert.equal(first.overdue.created, 5);
    assert.deepEqual(first.notified, { units: 1, escalations: 10 });
    const before = (await notificationsOf(c3.id, c3.users.unit!)).length;
    const again = await sweepEscalations(db, c3.id, { now, chunkSize: 2 });
    assert.equal(again.missedReports.created + again.overdue.created, 0);
    assert.deepEqual(again.notified, { units: 0, escalations: 0 });
    assert.equal((await notificationsOf(c3.id, c3.users.unit!)).length, before);
    const reminder = (await notificationsOf(c3.id, c3.users.unit!, 'escalation.reminder'))[0]!;
    assert.match(reminder.title, /5 件未按周报送整改进展，5 件已超过整改时限/);
    assert.equal(reminder.problem_id, null, 'several cases: the reminder lists them');
  });

  test('overdue: one escalation per deadline; an extension resolves it; passing the new deadline raises another', async () => {
    const c4 = await newCity();
    const id = await aCase(c4, { deadline: endOfLocalDay('2026-03-11') });
    const weekly = async (day: string) => db.query(`UPDATE problems SET last_progress_at = $2 WHERE id = $1`, [id, tenAm(day)]);
    await weekly('2026-03-11');
    assert.equal(
      (await sweepOverdue(db, c4.id, { now: new Date(endOfLocalDay('2026-03-11').getTime()) })).created,
      0,
      'the last millisecond is in time',
    );
    assert.equal((await sweepEscalations(db, c4.id, { now: nineAm('2026-03-12') })).overdue.created, 1);
    assert.equal((await sweepEscalations(db, c4.id, { now: nineAm('2026-03-13') })).overdue.created, 0);
    // extension approved to the 21st
    await db.query(`UPDATE problems SET deadline = $2 WHERE id = $1`, [id, endOfLocalDay('2026-03-21')]);
    await weekly('2026-03-17');
    await sweepEscalations(db, c4.id, { now: nineAm('2026-03-14') });
    let rows = await escalationsOf(c4.id);
    assert.deepEqual(
      rows.map((e) => [e.period_key, e.resolved_at !== null]),
      [['2026-03-11', true]],
    );
    await sweepEscalations(db, c4.id, { now: nineAm('2026-03-22') });
    rows = await escalationsOf(c4.id);
    assert.deepEqual(
      rows.map((e) => [e.reason, e.period_key, e.resolved_at !== null]),
      [
        ['overdue', '2026-03-11', true],
        ['overdue', '2026-03-21', false],
      ],
    );
    // the unit submits its close-out: still 滞后, still escalated; closed: resolved
    await db.query(`UPDATE problems SET status = 'pending_verification', submitted_at = $2 WHERE id = $1`, [id, tenAm('2026-03-23')]);
    await sweepEscalations(db, c4.id, { now: nineAm('2026-03-24') });
    assert.equal((await escalationsOf(c4.id)).filter((e) => !e.resolved_at).length, 1);
    await db.query(`UPDATE problems SET status = 'closed', closed_at = $2 WHERE id = $1`, [id, tenAm('2026-03-25')]);
    await sweepEscalations(db, c4.id, { now: nineAm('2026-03-26') });
    assert.equal((await escalationsOf(c4.id)).filter((e) => !e.resolved_at).length, 0);
    assert.equal((await escalationLevels(db, c4.id, [id])).get(id), 0);
  });

  test('a progress report through the cases API resolves a missed-report escalation (real clock)', async () => {
    const c5 = await newCity();
    const now = new Date();
    const id = await aCase(c5, {
      assignedAt: new Date(now.getTime() - 10 * DAY),
      acceptedAt: new Date(now.getTime() - 10 * DAY),
      deadline: new Date(now.getTime() + 30 * DAY),
    });
    assert.equal((await sweepWeeklyReports(db, c5.id, { now })).created, 1);
    const unit = await as(c5, 'unit');
    const res = await unit.post(`/api/v1/cases/${id}/progress`, { note: '路面已开挖，本周完成基层施工' });
    assert.equal(res.status, 200, res.body);
    await sweepEscalations(db, c5.id, { now: new Date(Date.now() + 60_000) });
    assert.deepEqual(
      (await escalationsOf(c5.id)).map((e) => e.resolved_at !== null),
      [true],
    );
    // the discipline role's check of the timeline covers the escalation's event
    const check = (await (await as(c5, 'discipline')).get(`/api/v1/cases/${id}/timeline/verify`)).json();
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.ok(check.checked >= 2);
  });
});

describe('三级督办: levels 2 and 3', () => {
  let city: TestCity;
  let db: Db;
  let office: Client;
  const ids: Record<string, string> = {};
  before(async () => {
    db = await testDb();
    city = await newCity();
    office = await as(city, 'office');
    // a city leader on the test district (领导包片)
    await db.query(`INSERT INTO leader_districts (city_id, user_id, area_id) VALUES ($1, $2, $3)`, [
      city.id,
      city.users.leader,
      city.districtId,
    ]);
    const weekly = { acceptedAt: tenAm('2026-03-02'), lastProgressAt: tenAm('2026-03-06') };
    ids.overdue = await aCase(city, { title: '滞后案件', deadline: endOfLocalDay('2026-03-05'), ...weekly });
    ids.red = await aCase(city, { title: '红色隐患', risk: 'red', ...weekly });
    ids.silent = await aCase(city, { title: '未报进展', assignedAt: tenAm('2026-02-21') });
    ids.fine = await aCase(city, { title: '正常推进', ...weekly });
    ids.waiting = await aCase(city, {
      title: '待核验',
      status: 'pending_verification',
      risk: 'red',
      deadline: endOfLocalDay('2026-03-06'),
      ...weekly,
    });
    ids.other = await aCase(city, {
      title: '另一单位滞后',
      unit: 'u2',
      deadline: endOfLocalDay('2026-03-03'),
      districtId: city.districtId,
      ...weekly,
    });
    await sweepEscalations(db, city.id, { now: nineAm('2026-03-09') });
  });

  test('the Monday run gives the office one verification task per case of concern per fortnight', async () => {
    const monday = nineAm('2026-03-09');
    const f = fortnightOf(monday);
    const r = await sweepVerification(db, city.id, { now: monday, chunkSize: 2 });
    assert.equal(r.fortnight, f.key);
    assert.equal(r.created, 4);
    const tasks = (await office.get('/api/v1/verification-tasks?status=open')).json();
    assert.deepEqual(tasks.items.map((t: any) => [t.title, t.why]).sort(), [
      ['另一单位滞后', 'overdue'],
      ['未报进展', 'level1'],
      ['滞后案件', 'overdue'],
      ['红色隐患', 'red'],
    ]);
    assert.equal(tasks.items[0].periodKey, f.key);
    assert.equal(tasks.items[0].dueAt, endOfLocalDay(f.end).toISOString());
    // the next Monday is in the same fortnight (or not): never a second task for the same fortnight
    const next = nineAm(addCalendarDays('2026-03-09', 7));
    const again = await sweepVerification(db, city.id, { now: next });
    assert.equal(again.created, fortnightOf(next).key === f.key ? 0 : 4);
    const office1 = await notificationsOf(city.id, city.users.office!, 'escalation.verification');
    assert.equal(office1.length, again.created ? 2 : 1);
    assert.match(office1[0]!.title, /新增实地核查任务 4 件/);
    const levels = await escalationLevels(db, city.id, Object.values(ids));
    assert.equal(levels.get(ids.red!), 2);
    assert.equal(levels.get(ids.fine!), 0);
    assert.equal(levels.get(ids.waiting!), 0, 'awaiting the office, not escalated');
  });

  test('the office completes a check: on track resolves level 2, lagging keeps it; a unit may not complete one', async () => {
    const tasks = (await office.get('/api/v1/verification-tasks?status=open')).json().items as any[];
    const red = tasks.find((t) => t.problemId === ids.red)!;
    const silent = tasks.find((t) => t.problemId === ids.silent)!;
    const unit = await as(city, 'unit');
    assert.equal((await unit.post(`/api/v1/verification-tasks/${red.id}/complete`, { outcome: 'on_track', note: 'x' })).status, 403);
    const bad = await office.post(`/api/v1/verification-tasks/${red.id}/complete`, {
      outcome: 'on_track',
      note: '现场核查',
      photos: [crypto.randomUUID()],
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.json().code, 'case.unknown_file');
    const ok = await office.post(`/api/v1/verification-tasks/${red.id}/complete`, { outcome: 'on_track', note: '现场已围挡，施工正常' });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.json().status, 'done');
    assert.equal(ok.json().outcome, 'on_track');
    assert.equal(
      (await office.post(`/api/v1/verification-tasks/${red.id}/complete`, { outcome: 'lagging', note: '再次' })).json().code,
      'escalation.task_not_open',
    );
    const lag = await office.post(`/api/v1/verification-tasks/${silent.id}/complete`, { outcome: 'lagging', note: '现场无人施工' });
    assert.equal(lag.status, 200, lag.body);
    const levels = await escalationLevels(db, city.id, [ids.red!, ids.silent!]);
    assert.equal(levels.get(ids.red!), 0);
    assert.equal(levels.get(ids.silent!), 2);
  });

  test('the monthly list: units with overdue or lagging cases, the cases attached, the leader; the same as the domain list', async () => {
    const now = nineAm('2026-04-01');
    const r = await sweepInterviews(db, city.id, { now, chunkSize: 1 });
    assert.equal(r.period, '2026-04');
    assert.equal(r.interviews, 2);
    const list = (await office.get('/api/v1/interviews?period=2026-04')).json();
    const byUnit = Object.fromEntries(list.items.map((i: any) => [i.unit.id, i]));
    assert.deepEqual(byUnit[city.units.u1].cases.map((c: any) => c.title).sort(), ['未报进展', '滞后案件']);
    assert.deepEqual(
      byUnit[city.units.u2].cases.map((c: any) => c.title),
      ['另一单位滞后'],
    );
    assert.equal(byUnit[city.units.u2].leader.id, city.users.leader, 'the leader of the district its case lies in');
    assert.equal(byUnit[city.units.u1].leader, null, 'no lead leader, no district: the office picks');
    assert.equal(byUnit[city.units.u1].status, 'scheduled');
    // the domain's list over the same cases
    const cases = await db.query<any>(
      `SELECT p.id, p.responsible_unit_id AS "unitId", p.status AS state, p.deadline, p.lead_leader_id AS "leadLeaderId", p.district_id AS "districtId",
              EXISTS (SELECT 1 FROM case_tasks t WHERE t.problem_id = p.id AND t.outcome = 'lagging') AS "verifiedLagging"
         FROM problems p WHERE p.city_id = $1`,
      [city.id],
    );
    const domain = interviewList(cases, new Map([[city.districtId, [city.users.leader!]]]), now);
    assert.deepEqual(
      domain.map((e) => [e.unitId, e.problemIds, e.leaderId]).sort(),
      list.items.map((i: any) => [i.unit.id, i.cases.map((c: any) => c.id).sort(), i.leader?.id ?? null]).sort(),
    );
    // level 3 on each case attached; the leader, the units and the office told once
    const l3 = (await escalationsOf(city.id)).filter((e) => e.level === 3);
    assert.equal(l3.length, 3);
    assert.equal((await notificationsOf(city.id, city.users.leader!, 'escalation.interview')).length, 1);
    assert.equal((await notificationsOf(city.id, city.users.unit!, 'escalation.interview')).length, 1);
    assert.equal((await notificationsOf(city.id, city.users.office!, 'escalation.interview')).length, 1);
    const again = await sweepInterviews(db, city.id, { now });
    assert.deepEqual([again.interviews, again.created], [0, 0]);
    assert.equal((await notificationsOf(city.id, city.users.office!, 'escalation.interview')).length, 1);
    assert.equal((await escalationLevels(db, city.id, [ids.overdue!])).get(ids.overdue!), 3);
  });

  test('the leader marks an interview held; a unit may not; held twice is refused', async () => {
    const list = (await office.get('/api/v1/interviews')).json();
    assert.equal(list.period, '2026-04', 'the latest month by default');
    const i = list.items[0];
    const unit = await as(city, 'unit');
    assert.equal((await unit.post(`/api/v1/interviews/${i.id}/held`, { notes: 'x' })).status, 403);
    const leader = await as(city, 'leader');
    const res = await leader.post(`/api/v1/interviews/${i.id}/held`, { notes: '约谈单位负责人，要求两周内整改到位' });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json().status, 'held');
    assert.ok(res.json().heldAt);
    assert.equal(
      (await leader.post(`/api/v1/interviews/${i.id}/held`, { notes: 'again' })).json().code,
      'escalation.interview_not_scheduled',
    );
    const audit = await db.query(`SELECT 1 FROM audit_events WHERE city_id = $1 AND action = 'escalation.interview_held'`, [city.id]);
    assert.equal(audit.length, 1);
  });

  test('a unit sees only its own escalations, tasks, interviews and summary row', async () => {
    const unit2 = await as(city, 'unit2');
    const esc = (await unit2.get('/api/v1/escalations?limit=200')).json();
    assert.ok(esc.total > 0);
    assert.ok(esc.items.every((e: any) => e.unit.id === city.units.u2));
    const all = (await office.get('/api/v1/escalations?limit=200')).json();
    assert.ok(all.total > esc.total);
    assert.ok((await unit2.get('/api/v1/verification-tasks')).json().items.every((t: any) => t.unit.id === city.units.u2));
    assert.deepEqual(
      (await unit2.get('/api/v1/interviews?period=2026-04')).json().items.map((i: any) => i.unit.id),
      [city.units.u2],
    );
    assert.deepEqual(
      (await unit2.get('/api/v1/escalations/units')).json().map((u: any) => u.unit.id),
      [city.units.u2],
    );
    assert.ok((await unit2.get('/api/v1/escalations/overdue-cases')).json().items.every((c: any) => c.unit.id === city.units.u2));
    // a case of the other unit does not exist for it
    assert.equal((await unit2.get(`/api/v1/escalations/cases/${ids.overdue}`)).status, 404);
    const mine = (await unit2.get(`/api/v1/escalations/cases/${ids.other}`)).json();
    assert.equal(mine.level, 3);
    assert.equal(mine.overdue, true);
  });

  test('the office lists by level and open, per unit, and the 滞后 cases', async () => {
    const l1 = (await office.get('/api/v1/escalations?level=1&open=true')).json();
    assert.ok(l1.items.length > 0 && l1.items.every((e: any) => e.level === 1 && e.resolvedAt === null));
    const units = (await office.get('/api/v1/escalations/units')).json();
    const u1 = units.find((u: any) => u.unit.id === city.units.u1);
    assert.equal(u1.maxLevel, 3);
    assert.equal(u1.overdueCases, 2, 'the overdue case in hand and the one awaiting verification');
    const overdue = (await office.get('/api/v1/escalations/overdue-cases')).json();
    assert.deepEqual(
      overdue.items.map((c: any) => c.title),
      ['另一单位滞后', '滞后案件', '待核验'],
    );
    assert.equal(overdue.items[0].statusLabel.zh, '整改中');
    assert.ok(overdue.items[0].daysOverdue >= 1);
  });

  test('permissions: inspectors and citizens read no escalations; only admin and office change the loop settings', async () => {
    for (const who of ['inspector', 'citizen', 'expert']) {
      assert.equal((await (await as(city, who)).get('/api/v1/escalations')).status, 403, who);
    }
    for (const who of ['leader', 'unit', 'discipline']) {
      assert.equal((await (await as(city, who)).put('/api/v1/loop-settings', { escalationTime: '08:30' })).status, 403, who);
    }
    assert.equal((await (await as(city, 'admin')).get('/api/v1/loop-settings')).status, 200);
  });
});

describe('loop settings and the jobs', () => {
  test('the defaults, a change that re-times its job and is audited, a bad value refused', async () => {
    const db = await testDb();
    const city = await newCity();
    await registerLoopJobs(db, city.id);
    const office = await as(city, 'office');
    const got = (await office.get('/api/v1/loop-settings')).json();
    assert.equal(got.settings.recheckRate, 0.3);
    assert.deepEqual(Object.fromEntries(got.jobs.map((j: any) => [j.name, j.schedule])), {
      'escalation-sweep': 'daily 09:00',
      'verification-sweep': 'weekly mon 09:00',
      'interview-list': 'monthly 1 09:00',
      'daily-consolidation': 'daily 20:00',
      'consolidation-push': 'daily 08:00',
      'recheck-sampling': 'monthly 1 10:00',
    });
    const before = got.jobs.find((j: any) => j.name === 'interview-list').nextRunAt;
    const res = await office.put('/api/v1/loop-settings', { escalationTime: '08:30', verificationDay: 'tue', recheckRate: 0.25 });
    assert.equal(res.status, 200, res.body);
    const jobs = Object.fromEntries(res.json().jobs.map((j: any) => [j.name, j]));
    assert.equal(jobs['escalation-sweep'].schedule, 'daily 08:30');
    assert.equal(jobs['verification-sweep'].schedule, 'weekly tue 09:00');
    assert.equal(jobs['interview-list'].nextRunAt, before, 'an unchanged job keeps its due time');
    assert.equal(res.json().settings.recheckRate, 0.25);
    const audit = await db.query<{ details: any }>(`SELECT details FROM audit_events WHERE city_id = $1 AND action = 'loop.settings'`, [
      city.id,
    ]);
    assert.deepEqual(audit[0]!.details.changed, { escalationTime: '08:30', verificationDay: 'tue', recheckRate: 0.25 });
    assert.equal((await office.put('/api/v1/loop-settings', { recheckRate: 2 })).status, 400);
    assert.equal((await office.put('/api/v1/loop-settings', { escalationTime: '25:00' })).status, 400);
    assert.equal((await office.put('/api/v1/loop-settings', {})).status, 400);
  });

  test('a sweep stopped half-way (its process gone) is taken over after its lease and each thing happens once', async () => {
    const db = await testDb();
    const city = await newCity();
    for (let i = 0; i < 7; i++) await aCase(city, { assignedAt: tenAm('2026-02-21'), deadline: endOfLocalDay('2026-03-02') });
    let t = new Date('2026-03-11T00:30:00Z').getTime();
    const now = () => new Date(t);
    await registerLoopJobs(db, city.id, { now: now() });
    t = new Date('2026-03-11T01:00:00Z').getTime(); // 09:00 in the city: the daily sweep is due

    // process A: writes its first chunk, then "dies" (never returns, never records an outcome)
    const died = new AbortController();
    let chunks = 0;
    const a = createScheduler(db, {
      workerId: 'A',
      now,
      handlers: {
        'escalation-sweep': async (ctx) => {
          try {
            await sweepEscalations(ctx.db, ctx.cityId, {
              now: ctx.now(),
              chunkSize: 3,
              signal: AbortSignal.any([ctx.signal, died.signal]),
              onChunk: () => void (++chunks === 1 && died.abort(new Error('process killed'))),
            });
          } catch {
            await new Promise(() => {});
          }
        },
      },
    });
    void a.tick();
    while (chunks === 0) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await a.stop({ timeoutMs: 20 }), false, 'A is stuck mid-run');
    const half = await escalationsOf(city.id);
    assert.ok(half.length > 0 && half.length < 14, `A wrote part of the run (${half.length})`);
    assert.equal((await notificationsOf(city.id, city.users.unit!, 'escalation.reminder')).length, 0);

    // process B, after A's lease ran out: takes the run over and finishes it
    t += 11 * 60_000;
    const b = createScheduler(db, { workerId: 'B', now, handlers: loopHandlers() });
    const out = await b.tick();
    assert.deepEqual(
      out.filter((o) => o.name === 'escalation-sweep').map((o) => [o.status, o.attempt]),
      [['done', 2]],
    );
    const all = await escalationsOf(city.id);
    assert.equal(all.length, 14, '7 missed reports and 7 overdue, each once');
    assert.equal((await notificationsOf(city.id, city.users.unit!, 'escalation.reminder')).length, 1);
    assert.equal((await notificationsOf(city.id, city.users.office!, 'escalation.summary')).length, 1);
    const events = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM problem_events WHERE city_id = $1 AND action = 'escalated'`,
      [city.id],
    );
    assert.equal(events[0]!.n, 14);
    assert.equal((await verifyAuditChain(db, city.id)).ok, true);
    const runs = await db.query<{ status: string; worker: string; attempts: number }>(
      `SELECT status, worker, attempts FROM job_runs WHERE city_id = $1 AND name = 'escalation-sweep'`,
      [city.id],
    );
    assert.deepEqual(runs, [{ status: 'done', worker: 'B', attempts: 2 }]);
    await b.stop();
    // its other jobs were timed on the simulated clock, months ago: not for the real schedulers of later tests
    for (const name of loopJobNames) await unschedule(db, city.id, name);
  });
});

// ---------------------------------------------------------------- two real server processes (PostgreSQL)

const pgUrl = process.env.TEST_DATABASE_URL;
const root = path.resolve(here, '../../..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

interface Server {
  proc: ChildProcess;
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
}

async function startServer(): Promise<Server> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityloop-esc-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: pgUrl, DEMO: '0', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}:\n${out}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`server not healthy:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    proc,
    pid: proc.pid!,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

async function waitFor<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Cases due for every level: silent for weeks, past their deadline, some red. */
async function busyCity(n: number): Promise<TestCity> {
  const city = await newCity();
  const db = await testDb();
  const now = Date.now();
  await db.query(
    `INSERT INTO problems (city_id, status, title, geom, first_reported_at, last_reported_at, responsible_unit_id, deadline, assigned_at, risk_level)
     SELECT $1, 'in_progress', '案件' || g, ST_SetSRID(ST_MakePoint(113.66, 34.75), 4326), $2, $2,
            CASE WHEN g % 2 = 0 THEN $3::uuid ELSE $4::uuid END, $5, $2, CASE WHEN g % 5 = 0 THEN 'red' ELSE 'yellow' END
       FROM generate_series(1, $6) g`,
    [city.id, new Date(now - 20 * DAY), city.units.u1, city.units.u2, new Date(now - 3 * DAY), n],
  );
  return city;
}

describe(
  'two server processes on one PostgreSQL',
  { skip: pgUrl ? false : 'runs on PostgreSQL only (set TEST_DATABASE_URL): PGlite is one process' },
  () => {
    const servers: Server[] = [];
    after(async () => {
      for (const s of servers) await s.stop();
    });

    test('the jobs run by themselves, each run in one process, each escalation and reminder once', async () => {
      const db = await testDb();
      const cities = [await busyCity(40), await busyCity(40)];
      servers.push(await startServer(), await startServer());
      // both are up and polling: make the three escalation jobs of both cities due now
      for (const c of cities) {
        await registerLoopJobs(db, c.id);
        await db.query(
          `UPDATE scheduled_jobs SET next_run_at = now() - interval '1 second'
          WHERE city_id = $1 AND name IN ('escalation-sweep', 'verification-sweep', 'interview-list')`,
          [c.id],
        );
      }
      const ids = cities.map((c) => c.id);
      const runs = await waitFor('six runs done', async () => {
        const r = await db.query<{ city_id: string; name: string; status: string; worker: string; attempts: number }>(
          `SELECT city_id, name, status, worker, attempts FROM job_runs WHERE city_id = ANY($1::uuid[]) ORDER BY name`,
          [ids],
        );
        return r.length === 6 && r.every((x) => x.status === 'done') ? r : null;
      });
      const pids = new Set(servers.map((s) => String(s.pid)));
      assert.ok(
        runs.every((r) => pids.has(r.worker.split(':').at(-1)!) && r.attempts === 1),
        JSON.stringify(runs),
      );
      for (const c of cities) {
        const esc = await escalationsOf(c.id);
        // 40 cases: a missed report and overdue (level 1), a check (level 2), the interview (level 3)
        assert.deepEqual(
          [1, 2, 3].map((l) => esc.filter((e) => e.level === l).length),
          [80, 40, 40],
        );
        for (const u of ['unit', 'unit2']) assert.equal((await notificationsOf(c.id, c.users[u]!, 'escalation.reminder')).length, 1, u);
        for (const kind of ['escalation.summary', 'escalation.verification', 'escalation.interview']) {
          assert.equal((await notificationsOf(c.id, c.users.office!, kind)).length, 1, kind);
        }
        const events = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM problem_events WHERE city_id = $1 AND action = 'escalated'`,
          [c.id],
        );
        assert.equal(events[0]!.n, 160);
        assert.equal((await verifyAuditChain(db, c.id)).ok, true);
      }
    });

    test('a process killed in the middle of a run: after its lease another takes it over, each reminder once', async () => {
      for (const s of servers.splice(0)) await s.stop();
      const db = await testDb();
      const city = await busyCity(30);
      await registerLoopJobs(db, city.id);
      const a = await startServer();
      servers.push(a);
      // hold the unit users' rows: the run's reminder (its last step) waits on them, after all its escalations are written
      const hold = new pg.Client({ connectionString: pgUrl });
      await hold.connect();
      await hold.query('BEGIN');
      await hold.query(`SELECT id FROM users WHERE city_id = $1 FOR UPDATE`, [city.id]);
      await db.query(
        `UPDATE scheduled_jobs SET next_run_at = now() - interval '1 second' WHERE city_id = $1 AND name = 'escalation-sweep'`,
        [city.id],
      );
      await waitFor('A to write every escalation and block on the reminder', async () => {
        const [e] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM escalations WHERE city_id = $1`, [city.id]);
        return e!.n === 60;
      });
      const [run] = await db.query<{ status: string; worker: string }>(
        `SELECT status, worker FROM job_runs WHERE city_id = $1 AND name = 'escalation-sweep'`,
        [city.id],
      );
      assert.deepEqual(run, { status: 'running', worker: `${os.hostname()}:${a.pid}` });
      a.proc.kill('SIGKILL');
      await new Promise((r) => a.proc.once('exit', r));
      await hold.query('ROLLBACK');
      await hold.end();
      // ten minutes later (the lease): another process starts and takes the run over
      await db.query(`UPDATE job_runs SET lease_until = now() - interval '1 second' WHERE city_id = $1 AND name = 'escalation-sweep'`, [
        city.id,
      ]);
      const b = await startServer();
      servers.push(b);
      const done = await waitFor('the run taken over and done', async () => {
        const [r] = await db.query<{ status: string; worker: string; attempts: number }>(
          `SELECT status, worker, attempts FROM job_runs WHERE city_id = $1 AND name = 'escalation-sweep'`,
          [city.id],
        );
        return r?.status === 'done' ? r : null;
      });
      assert.deepEqual(done, { status: 'done', worker: `${os.hostname()}:${b.pid}`, attempts: 2 });
      assert.equal((await escalationsOf(city.id)).length, 60);
      for (const u of ['unit', 'unit2']) assert.equal((await notificationsOf(city.id, city.users[u]!, 'escalation.reminder')).length, 1, u);
      assert.equal((await notificationsOf(city.id, city.users.office!, 'escalation.summary')).length, 1);
      const events = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM problem_events WHERE city_id = $1 AND action = 'escalated'`,
        [city.id],
      );
      assert.equal(events[0]!.n, 60);
      assert.equal((await verifyAuditChain(db, city.id)).ok, true);
    });
  },
);

async function auditCount(db: Db, cityId: string): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE city_id = $1`, [cityId]))[0]!.n;
}
