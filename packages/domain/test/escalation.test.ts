import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  addCalendarDays,
  concernReason,
  defaultLoopSettings,
  dayOfWeek,
  endOfLocalDay,
  escalationLevelOf,
  fortnightOf,
  interviewList,
  interviewReason,
  isFortnightKey,
  loopSchedules,
  loopSettingsProblems,
  missedWeeklyReport,
  monthKey,
  nextReportDue,
  overdueEscalation,
  pickInterviewLeader,
  reportAnchor,
  startOfLocalDay,
  type CaseState,
  type InterviewCandidate,
  type ReportClock,
} from '../src/index.ts';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
/** 09:00 in Shanghai on a city date: when the daily sweep runs. */
const nineAm = (date: string) => new Date(startOfLocalDay(date).getTime() + 9 * 3_600_000);

/**
 * A case walked through simulated time by a daily sweep: what the sweep raises each day
 * (missed-report period keys, overdue keys), the way the server's idempotent inserts keep
 * them: a key raised once stays raised.
 */
function walk(opts: {
  from: string;
  days: number;
  clock: ReportClock;
  state?: CaseState;
  deadline?: Date;
  /** days (city dates) on which the unit files a progress report, at 10:00 */
  reportsOn?: string[];
}) {
  const clock = { ...opts.clock };
  const raised: { day: string; reason: string; key: string }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < opts.days; i++) {
    const day = addCalendarDays(opts.from, i);
    const now = nineAm(day);
    const missed = missedWeeklyReport(opts.state ?? 'in_progress', clock, now);
    if (missed && !seen.has(`m:${missed.periodKey}`)) {
      seen.add(`m:${missed.periodKey}`);
      raised.push({ day, reason: 'missed_progress', key: missed.periodKey });
    }
    const overdue = overdueEscalation(opts.state ?? 'in_progress', opts.deadline, now);
    if (overdue && !seen.has(`o:${overdue.periodKey}`)) {
      seen.add(`o:${overdue.periodKey}`);
      raised.push({ day, reason: 'overdue', key: overdue.periodKey });
    }
    // the report comes in after the morning's sweep
    if (opts.reportsOn?.includes(day)) clock.lastProgressAt = new Date(startOfLocalDay(day).getTime() + 10 * 3_600_000);
  }
  return raised;
}

describe('level 1: the weekly progress report', () => {
  test('the anchor is the latest of assignment, acceptance, last report, close-out submission and return', () => {
    assert.equal(reportAnchor({}), null);
    assert.equal(
      reportAnchor({ assignedAt: at('2027-03-01T02:00:00Z'), acceptedAt: at('2027-03-02T02:00:00Z'), lastProgressAt: null })?.toISOString(),
      '2027-03-02T02:00:00.000Z',
    );
    assert.equal(
      reportAnchor({
        assignedAt: at('2027-03-01T02:00:00Z'),
        lastProgressAt: at('2027-03-09T02:00:00Z'),
        returnedAt: at('2027-03-05T00:00:00Z'),
      })?.toISOString(),
      '2027-03-09T02:00:00.000Z',
    );
  });

  test('a report is missed strictly after 7 days, then again every 7 days, keyed by its due date', () => {
    const clock = { assignedAt: at('2027-03-01T02:00:00Z') }; // Monday 10:00 in Shanghai
    assert.equal(missedWeeklyReport('in_progress', clock, at('2027-03-08T02:00:00Z')), null, 'exactly 7 days is still in time');
    const first = missedWeeklyReport('in_progress', clock, at('2027-03-08T02:00:00.001Z'))!;
    assert.deepEqual(
      { ...first, dueAt: first.dueAt.toISOString() },
      { dueAt: '2027-03-08T02:00:00.000Z', weeksMissed: 1, periodKey: '2027-03-08' },
    );
    assert.equal(missedWeeklyReport('in_progress', clock, at('2027-03-15T02:00:00Z'))!.periodKey, '2027-03-08');
    const third = missedWeeklyReport('in_progress', clock, at('2027-03-22T03:00:00Z'))!;
    assert.equal(third.weeksMissed, 3);
    assert.equal(third.periodKey, '2027-03-22');
    assert.equal(nextReportDue('in_progress', clock)!.toISOString(), '2027-03-08T02:00:00.000Z');
  });

  test('the due date is the city date: 20:00 UTC is already the next day in Shanghai', () => {
    const clock = { acceptedAt: at('2027-03-01T20:00:00Z') }; // 04:00 on the 2nd in Shanghai
    assert.equal(missedWeeklyReport('in_progress', clock, at('2027-03-09T00:00:00Z'))!.periodKey, '2027-03-09');
    assert.equal(missedWeeklyReport('in_progress', clock, at('2027-03-09T00:00:00Z'), 'UTC')!.periodKey, '2027-03-08');
  });

  test('only cases in the unit hands need reports', () => {
    const clock = { assignedAt: at('2027-01-01T00:00:00Z') };
    const now = at('2027-03-01T00:00:00Z');
    for (const s of ['assigned', 'in_progress', 'extension_requested', 'returned', 'reopened'] as const)
      assert.ok(missedWeeklyReport(s, clock, now), s);
    for (const s of ['pending_judgment', 'pending_verification', 'closed', 'dismissed', 'merged'] as const)
      assert.equal(missedWeeklyReport(s, clock, now), null, s);
    assert.equal(missedWeeklyReport('in_progress', {}, now), null, 'no clock, no report due');
  });

  test('a case walked day by day: a unit that reports weekly is never raised', () => {
    const reportsOn = Array.from({ length: 12 }, (_, i) => addCalendarDays('2027-03-06', 6 * i));
    const raised = walk({ from: '2027-03-01', days: 70, clock: { assignedAt: at('2027-03-01T02:00:00Z') }, reportsOn });
    assert.deepEqual(raised, []);
  });

  test('a case walked day by day: silent for three weeks is raised once a week, a report stops it, silence raises it again', () => {
    // assigned Monday 2027-03-01 10:00; the 09:00 sweep of the 9th is the first after the due time (8th 10:00)
    const raised = walk({
      from: '2027-03-01',
      days: 49,
      clock: { assignedAt: at('2027-03-01T02:00:00Z') },
      reportsOn: ['2027-03-24'],
    });
    assert.deepEqual(raised, [
      { day: '2027-03-09', reason: 'missed_progress', key: '2027-03-08' },
      { day: '2027-03-16', reason: 'missed_progress', key: '2027-03-15' },
      { day: '2027-03-23', reason: 'missed_progress', key: '2027-03-22' },
      // reported on the 24th at 10:00: next due the 31st at 10:00, missed at the sweep of April 1st
      { day: '2027-04-01', reason: 'missed_progress', key: '2027-03-31' },
      { day: '2027-04-08', reason: 'missed_progress', key: '2027-04-07' },
      { day: '2027-04-15', reason: 'missed_progress', key: '2027-04-14' },
    ]);
  });

  test('across a month end and a year end, the weekly rhythm does not care about the calendar', () => {
    const raised = walk({ from: '2027-12-20', days: 30, clock: { acceptedAt: at('2027-12-20T02:00:00Z') } });
    assert.deepEqual(
      raised.map((r) => r.key),
      ['2027-12-27', '2028-01-03', '2028-01-10', '2028-01-17'],
    );
    // February of a leap year
    const feb = walk({ from: '2028-02-20', days: 20, clock: { acceptedAt: at('2028-02-22T02:00:00Z') } });
    assert.deepEqual(
      feb.map((r) => r.key),
      ['2028-02-29', '2028-03-07'],
    );
  });

  test('a deadline passing raises one overdue escalation per deadline; an extension that passes again raises another', () => {
    const deadline = endOfLocalDay('2027-03-31');
    const reportsOn = Array.from({ length: 12 }, (_, i) => addCalendarDays('2027-03-02', 5 * i));
    const raised = walk({ from: '2027-03-01', days: 45, clock: { assignedAt: at('2027-03-01T02:00:00Z') }, deadline, reportsOn });
    assert.deepEqual(raised, [{ day: '2027-04-01', reason: 'overdue', key: '2027-03-31' }]);
    assert.equal(
      overdueEscalation('in_progress', deadline, at('2027-03-31T15:59:59.999Z')),
      null,
      'the last millisecond of the day is in time',
    );
    assert.deepEqual(overdueEscalation('in_progress', endOfLocalDay('2027-04-20'), nineAm('2027-04-21')), { periodKey: '2027-04-20' });
    assert.equal(overdueEscalation('pending_verification', deadline, nineAm('2027-04-21')), null, 'awaiting the office, not the unit');
    assert.equal(overdueEscalation('closed', deadline, nineAm('2027-04-21')), null);
  });
});

describe('level 2: cases of concern and fortnights', () => {
  const now = nineAm('2027-03-10');
  test('overdue, red, or with an open level-1 escalation; only in the unit hands', () => {
    const base = {
      state: 'in_progress' as CaseState,
      deadline: endOfLocalDay('2027-04-30'),
      riskLevel: 'yellow' as const,
      openLevel1: false,
    };
    assert.equal(concernReason(base, now), null);
    assert.equal(concernReason({ ...base, deadline: endOfLocalDay('2027-03-09') }, now), 'overdue');
    assert.equal(concernReason({ ...base, riskLevel: 'red' }, now), 'red');
    assert.equal(concernReason({ ...base, openLevel1: true }, now), 'level1');
    assert.equal(concernReason({ ...base, riskLevel: 'red', state: 'pending_verification' }, now), null);
    assert.equal(concernReason({ ...base, riskLevel: 'red', state: 'closed' }, now), null);
  });

  test('fortnights start on Mondays, last 14 days, and tile time without gaps', () => {
    let prev = fortnightOf(nineAm('2026-12-01'));
    for (let i = 1; i < 120; i++) {
      const day = addCalendarDays('2026-12-01', i);
      const f = fortnightOf(nineAm(day));
      assert.equal(dayOfWeek(f.start), 1);
      assert.equal(f.end, addCalendarDays(f.start, 13));
      assert.ok(f.start <= day && day <= f.end);
      assert.ok(isFortnightKey(f.key));
      if (f.key !== prev.key) assert.equal(f.start, addCalendarDays(prev.end, 1), 'the next starts where the last ended');
      prev = f;
    }
    assert.equal(isFortnightKey('2027-03-02'), false);
    assert.equal(isFortnightKey('nonsense'), false);
  });

  test('a weekly Monday run creates one task per case per fortnight: two Mondays share a key', () => {
    const mondays = Array.from({ length: 8 }, (_, i) => nineAm(addCalendarDays('2027-03-01', 7 * i)));
    const keys = mondays.map((m) => fortnightOf(m).key);
    assert.equal(new Set(keys).size, 4);
    for (let i = 0; i < keys.length; i += 2) assert.equal(keys[i], keys[i + 1]);
    // late Sunday evening UTC is Monday morning in the city
    assert.equal(fortnightOf(at('2027-03-14T20:00:00Z')).key, fortnightOf(nineAm('2027-03-15')).key);
  });
});

describe('level 3: the monthly interview list', () => {
  const now = nineAm('2027-04-01');
  const c = (id: string, unitId: string, over: Partial<InterviewCandidate> = {}): InterviewCandidate => ({
    id,
    unitId,
    state: 'in_progress',
    deadline: endOfLocalDay('2027-03-20'),
    leadLeaderId: null,
    districtId: 'd1',
    verifiedLagging: false,
    ...over,
  });

  test('the month is the city month', () => {
    assert.equal(monthKey(at('2027-03-31T16:30:00Z')), '2027-04');
    assert.equal(monthKey(at('2027-03-31T16:30:00Z'), 'UTC'), '2027-03');
  });

  test('units with overdue or verified-lagging cases, cases attached, in unit order', () => {
    const list = interviewList(
      [
        c('p3', 'u2'),
        c('p1', 'u1'),
        c('p2', 'u1', { deadline: endOfLocalDay('2027-06-01') }), // in time
        c('p4', 'u1', { deadline: endOfLocalDay('2027-06-01'), verifiedLagging: true }),
        c('p5', 'u3', { state: 'closed' }),
        c('p6', 'u3', { state: 'pending_verification' }),
      ],
      new Map([['d1', ['leaderD1']]]),
      now,
    );
    assert.deepEqual(list, [
      { unitId: 'u1', problemIds: ['p1', 'p4'], leaderId: 'leaderD1' },
      { unitId: 'u2', problemIds: ['p3'], leaderId: 'leaderD1' },
    ]);
    assert.equal(interviewReason(c('x', 'u'), now), 'overdue');
    assert.equal(interviewReason(c('x', 'u', { deadline: null, verifiedLagging: true }), now), 'lagging');
  });

  test('the leader: the lead leader most cases name, else the district leader, else the unit district, else none', () => {
    const leaders = new Map([
      ['d1', ['L-d1']],
      ['d2', ['L-d2a', 'L-d2b']],
    ]);
    assert.equal(
      pickInterviewLeader(
        {
          leadLeaders: new Map([
            ['A', 1],
            ['B', 2],
          ]),
          districts: new Map([['d1', 3]]),
        },
        leaders,
      ),
      'B',
    );
    assert.equal(
      pickInterviewLeader(
        {
          leadLeaders: new Map([
            ['B', 2],
            ['A', 2],
          ]),
          districts: new Map(),
        },
        leaders,
      ),
      'A',
      'a tie goes to the smaller id',
    );
    assert.equal(
      pickInterviewLeader(
        {
          leadLeaders: new Map(),
          districts: new Map([
            ['d1', 1],
            ['d2', 4],
          ]),
        },
        leaders,
      ),
      'L-d2a',
    );
    assert.equal(pickInterviewLeader({ leadLeaders: new Map(), districts: new Map([['d9', 5]]), unitDistrictId: 'd1' }, leaders), 'L-d1');
    assert.equal(pickInterviewLeader({ leadLeaders: new Map(), districts: new Map([['d9', 5]]) }, leaders), null);
  });

  test('a case walked through months: listed in each month it is still overdue, not after it is closed', () => {
    const months = ['2027-03-01', '2027-04-01', '2027-05-01', '2027-06-01'];
    const listed = months.map((m) => {
      const state: CaseState = m >= '2027-06-01' ? 'closed' : 'in_progress';
      return interviewList([c('p1', 'u1', { state, deadline: endOfLocalDay('2027-03-15') })], new Map(), nineAm(m)).map(
        (e) => `${monthKey(nineAm(m))}:${e.unitId}`,
      );
    });
    assert.deepEqual(listed, [[], ['2027-04:u1'], ['2027-05:u1'], []]);
  });
});

describe('levels and settings', () => {
  test('a case level is its highest open escalation', () => {
    assert.equal(escalationLevelOf([]), 0);
    assert.equal(escalationLevelOf([{ level: 1 }, { level: 3 }, { level: 2 }]), 3);
  });

  test('default loop settings give the documented schedules and pass the checks', () => {
    assert.deepEqual(loopSchedules(defaultLoopSettings), {
      'escalation-sweep': 'daily 09:00',
      'verification-sweep': 'weekly mon 09:00',
      'interview-list': 'monthly 1 09:00',
      'daily-consolidation': 'daily 20:00',
      'consolidation-push': 'daily 08:00',
      'recheck-sampling': 'monthly 1 10:00',
    });
    assert.deepEqual(loopSettingsProblems(defaultLoopSettings), []);
    assert.deepEqual(
      loopSettingsProblems({
        ...defaultLoopSettings,
        escalationTime: '24:00',
        interviewDay: 0,
        recheckRate: 1.5,
        verificationDay: 'xyz' as 'mon',
      }).sort(),
      ['escalationTime', 'interviewDay', 'recheckRate', 'verificationDay'],
    );
  });

  test('the sweep raises nothing for a week-old anchor one millisecond before its due time, over many random anchors', () => {
    // property: missed ⇔ now − anchor > 7 days, and the due time is always ≤ now and > now − 7 days
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const anchor = new Date(Date.UTC(2027, 0, 1) + Math.floor(rnd() * 300 * DAY));
      const now = new Date(anchor.getTime() + Math.floor(rnd() * 60 * DAY));
      const m = missedWeeklyReport('in_progress', { assignedAt: anchor }, now);
      assert.equal(!!m, now.getTime() - anchor.getTime() > 7 * DAY);
      if (m) {
        assert.ok(m.dueAt.getTime() < now.getTime() && m.dueAt.getTime() >= now.getTime() - 7 * DAY);
        assert.equal((m.dueAt.getTime() - anchor.getTime()) % (7 * DAY), 0);
      }
    }
  });
});
