import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowedTransitions,
  caseActions,
  caseStateInfo,
  caseStates,
  caseTransitions,
  checkTransition,
  closeOutEvidence,
  isOverdueCase,
  problemStatuses,
  problemStatusInfo,
  satisfactionForcesRework,
  userRoles,
  type CaseAction,
  type CaseEvidence,
  type CaseRole,
  type CaseState,
  type CaseTransition,
  seededRandom,
} from '../src/index.ts';

const allRoles: readonly CaseRole[] = [...userRoles, 'integration', 'public', 'system'];

/**
 * The table written out again by hand, so that changing who may do what is a
 * deliberate edit in two places. "from action" → [to, roles].
 */
const expected: Record<string, [CaseState, CaseRole[]]> = {
  'pending_judgment judge': ['pending_judgment', ['office']],
  'pending_judgment give_opinion': ['pending_judgment', ['expert', 'office']],
  'pending_judgment assign': ['assigned', ['office']],
  'pending_judgment dismiss': ['dismissed', ['office']],
  'assigned accept': ['in_progress', ['unit']],
  'in_progress report_progress': ['in_progress', ['unit']],
  'extension_requested report_progress': ['extension_requested', ['unit']],
  'in_progress request_extension': ['extension_requested', ['unit']],
  'extension_requested approve_extension': ['in_progress', ['office', 'leader']],
  'extension_requested rule_case_by_case': ['in_progress', ['office', 'leader']],
  'extension_requested refuse_extension': ['in_progress', ['office', 'leader']],
  'in_progress submit_closeout': ['pending_verification', ['unit']],
  'pending_verification give_opinion': ['pending_verification', ['thirdparty', 'expert', 'office']],
  'pending_verification close': ['closed', ['office']],
  'pending_verification return': ['returned', ['office']],
  'pending_verification reopen_low_satisfaction': ['returned', ['system', 'office', 'thirdparty']],
  'returned accept': ['in_progress', ['unit']],
  'returned submit_closeout': ['pending_verification', ['unit']],
  'closed recheck_relapse': ['reopened', ['office', 'inspector', 'thirdparty']],
  'closed reopen_low_satisfaction': ['reopened', ['system', 'office', 'thirdparty']],
  'reopened accept': ['in_progress', ['unit']],
  'pending_judgment merge': ['merged', ['office']],
  'assigned merge': ['merged', ['office']],
  'in_progress merge': ['merged', ['office']],
  'extension_requested merge': ['merged', ['office']],
  'pending_verification merge': ['merged', ['office']],
  'returned merge': ['merged', ['office']],
  'reopened merge': ['merged', ['office']],
};

const later = new Date('2026-03-31T15:59:59.999Z');
/** Every piece of evidence, well formed; the satisfaction score suits the action. */
function fullEvidence(action: CaseAction): CaseEvidence {
  return {
    subcategoryCode: 'JS-03',
    riskLevel: 'yellow',
    responsibleUnitId: 'unit-1',
    deadline: later,
    progressNote: '本周完成管网清淤200米',
    proposedDeadline: later,
    newDeadline: later,
    rulingNote: '历史遗留问题，经领导小组一事一议同意延期',
    beforeAfterPhotos: { before: ['f1'], after: ['f2'] },
    thirdPartyReport: 'f3',
    satisfactionReceipt: 'f4',
    satisfactionScore: action === 'reopen_low_satisfaction' ? 62 : 91,
    relapsePhotos: ['f5'],
    mergedIntoId: 'p-2',
  };
}
const reason = '整改不到位';

test('the table has one row per (state, action), and only known states', () => {
  const keys = caseTransitions.map((r) => `${r.from} ${r.action}`);
  assert.equal(new Set(keys).size, keys.length);
  assert.deepEqual(new Set(keys), new Set(Object.keys(expected)));
  for (const r of caseTransitions) {
    assert.ok(caseStates.includes(r.from) && caseStates.includes(r.to), `${r.from} → ${r.to}`);
    assert.ok(r.roles.length > 0);
    assert.ok(!r.roles.includes('public') && !r.roles.includes('citizen') && !r.roles.includes('admin'), `${r.from} ${r.action}`);
  }
});

test(`every (state, action, role): ${caseStates.length} × ${caseActions.length} × ${allRoles.length} combinations`, () => {
  let allowed = 0;
  let forbidden = 0;
  let invalid = 0;
  for (const from of caseStates) {
    for (const action of caseActions) {
      const want = expected[`${from} ${action}`];
      for (const role of allRoles) {
        const got = checkTransition({ from, action, roles: [role], evidence: fullEvidence(action), reason });
        const ctx = `${from} ${action} as ${role}`;
        if (!want) {
          assert.deepEqual(got, { ok: false, code: 'case.invalid_transition' }, ctx);
          invalid++;
        } else if (!want[1].includes(role)) {
          assert.deepEqual(got, { ok: false, code: 'case.forbidden' }, ctx);
          forbidden++;
        } else {
          assert.equal(got.ok, true, `${ctx}: ${JSON.stringify(got)}`);
          assert.equal(got.ok && got.to, want[0], ctx);
          allowed++;
        }
        // the buttons agree with the check
        assert.equal(
          allowedTransitions(from, [role]).some((r) => r.action === action),
          !!want && want[1].includes(role),
          ctx,
        );
      }
    }
  }
  assert.equal(allowed + forbidden + invalid, caseStates.length * caseActions.length * allRoles.length);
  assert.equal(
    allowed,
    Object.values(expected).reduce((n, [, roles]) => n + roles.length, 0),
  );
});

test('no roles may do nothing; several roles may do what any of them may', () => {
  assert.equal(checkTransition({ from: 'assigned', action: 'accept', roles: [] }).ok, false);
  assert.deepEqual(
    allowedTransitions('pending_verification', ['unit', 'thirdparty']).map((r) => r.action),
    ['give_opinion', 'reopen_low_satisfaction'],
  );
  assert.equal(checkTransition({ from: 'assigned', action: 'accept', roles: ['inspector', 'unit'] }).ok, true);
});

test('evidence guards: each required piece, taken away or left empty, is reported missing', () => {
  const empties: Partial<Record<keyof CaseEvidence, unknown[]>> = {
    deadline: [null, new Date(Number.NaN), '2026-03-31'],
    newDeadline: [null, new Date(Number.NaN)],
    proposedDeadline: [undefined],
    riskLevel: ['purple', ''],
    beforeAfterPhotos: [{ before: ['f1'], after: [] }, { before: [], after: ['f2'] }, { before: [''], after: ['f2'] }, null],
    relapsePhotos: [[], ['  ']],
    satisfactionScore: [null, Number.NaN, 120, -5],
  };
  let checked = 0;
  for (const row of caseTransitions) {
    for (const key of row.evidence) {
      for (const bad of [undefined, '', '   ', ...(empties[key] ?? [])]) {
        const evidence = { ...fullEvidence(row.action), [key]: bad } as CaseEvidence;
        const got = checkTransition({ from: row.from, action: row.action, roles: row.roles, evidence, reason });
        assert.deepEqual(
          got,
          { ok: false, code: 'case.missing_evidence', missing: [key] },
          `${row.from} ${row.action} ${key}=${JSON.stringify(bad)}`,
        );
        checked++;
      }
    }
  }
  assert.ok(checked > 50);
});

test('a close-out needs all three: before/after photos, third-party report, satisfaction receipt (SPEC M7)', () => {
  assert.deepEqual([...closeOutEvidence], ['beforeAfterPhotos', 'thirdPartyReport', 'satisfactionReceipt']);
  assert.deepEqual(checkTransition({ from: 'pending_verification', action: 'close', roles: ['office'], evidence: {} }), {
    ok: false,
    code: 'case.missing_evidence',
    missing: ['beforeAfterPhotos', 'thirdPartyReport', 'satisfactionReceipt', 'satisfactionScore'],
  });
  const two = { beforeAfterPhotos: { before: ['a'], after: ['b'] }, thirdPartyReport: 'r', satisfactionScore: 95 };
  assert.deepEqual(checkTransition({ from: 'pending_verification', action: 'close', roles: ['office'], evidence: two }), {
    ok: false,
    code: 'case.missing_evidence',
    missing: ['satisfactionReceipt'],
  });
  for (const from of ['in_progress', 'returned'] as const) {
    const got = checkTransition({ from, action: 'submit_closeout', roles: ['unit'], evidence: { thirdPartyReport: 'r' } });
    assert.deepEqual(got, { ok: false, code: 'case.missing_evidence', missing: ['beforeAfterPhotos', 'satisfactionReceipt'] });
  }
});

test('reasons: return, dismiss, extension request and refusal, relapse, opinions', () => {
  const needing = caseTransitions.filter((r) => r.reasonRequired).map((r) => `${r.from} ${r.action}`);
  assert.deepEqual(needing.sort(), [
    'closed recheck_relapse',
    'extension_requested refuse_extension',
    'in_progress request_extension',
    'pending_judgment dismiss',
    'pending_judgment give_opinion',
    'pending_verification give_opinion',
    'pending_verification return',
  ]);
  for (const row of caseTransitions.filter((r) => r.reasonRequired)) {
    for (const bad of [undefined, null, '', '  \n ']) {
      const got = checkTransition({
        from: row.from,
        action: row.action,
        roles: row.roles,
        evidence: fullEvidence(row.action),
        reason: bad,
      });
      assert.deepEqual(got, { ok: false, code: 'case.reason_required' }, `${row.from} ${row.action}`);
    }
  }
});

test('extension: approval needs a new deadline; 一事一议 needs a ruling note as well', () => {
  const base = { from: 'extension_requested' as const, roles: ['leader'] as CaseRole[] };
  assert.deepEqual(checkTransition({ ...base, action: 'approve_extension', evidence: {} }), {
    ok: false,
    code: 'case.missing_evidence',
    missing: ['newDeadline'],
  });
  assert.deepEqual(checkTransition({ ...base, action: 'rule_case_by_case', evidence: { newDeadline: later } }), {
    ok: false,
    code: 'case.missing_evidence',
    missing: ['rulingNote'],
  });
  assert.equal(checkTransition({ ...base, action: 'rule_case_by_case', evidence: { newDeadline: later, rulingNote: '容错' } }).ok, true);
  assert.deepEqual(
    checkTransition({ from: 'in_progress', action: 'approve_extension', roles: ['office'], evidence: { newDeadline: later } }),
    {
      ok: false,
      code: 'case.invalid_transition',
    },
  );
});

test('satisfaction under 80% forces rework (§6.4)', () => {
  const table: [number, boolean][] = [
    [0, true],
    [50, true],
    [79.99, true],
    [80, false],
    [80.01, false],
    [100, false],
  ];
  for (const [score, rework] of table) assert.equal(satisfactionForcesRework(score), rework, String(score));
  for (const bad of [-1, 100.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => satisfactionForcesRework(bad), String(bad));

  const closeWith = (satisfactionScore: number) =>
    checkTransition({
      from: 'pending_verification',
      action: 'close',
      roles: ['office'],
      evidence: { ...fullEvidence('close'), satisfactionScore },
    });
  assert.deepEqual(closeWith(79), { ok: false, code: 'case.low_satisfaction' });
  assert.equal(closeWith(80).ok, true);

  for (const from of ['pending_verification', 'closed'] as const) {
    const reopen = (satisfactionScore: number) =>
      checkTransition({ from, action: 'reopen_low_satisfaction', roles: ['system'], evidence: { satisfactionScore } });
    assert.deepEqual(reopen(80), { ok: false, code: 'case.satisfaction_not_low' }, from);
    const low = reopen(79.5);
    assert.equal(low.ok && low.to, from === 'closed' ? 'reopened' : 'returned');
  }
});

test('states: the problem pool and the loop share one list of states; the loop’s own two are in progress', () => {
  assert.equal(problemStatuses, caseStates);
  assert.equal(problemStatusInfo, caseStateInfo);
  assert.equal(caseStateInfo.pending_judgment.zh, '待研判');
  assert.equal(caseStateInfo.closed.category, 'closed');
  assert.equal(caseStateInfo.reopened.category, 'in_progress');
  assert.equal(caseStateInfo.extension_requested.category, 'in_progress');
});

test('滞后 is derived: open and past the deadline', () => {
  const deadline = new Date('2026-02-24T15:59:59.999Z');
  const after = new Date('2026-02-24T16:00:00Z');
  assert.equal(isOverdueCase('in_progress', deadline, after), true);
  assert.equal(isOverdueCase('extension_requested', deadline, after), true);
  assert.equal(isOverdueCase('in_progress', deadline, deadline), false);
  assert.equal(isOverdueCase('closed', deadline, after), false);
  assert.equal(isOverdueCase('merged', deadline, after), false);
  assert.equal(isOverdueCase('assigned', null, after), false);
});

// ---------------------------------------------------------------- graph and walks

function reachable(from: CaseState): Set<CaseState> {
  const seen = new Set<CaseState>([from]);
  const todo = [from];
  while (todo.length) {
    const s = todo.pop()!;
    for (const r of caseTransitions) {
      if (r.from !== s || seen.has(r.to)) continue;
      seen.add(r.to);
      todo.push(r.to);
    }
  }
  return seen;
}

test('every state is reachable from 待研判, and every live state can still reach 已销号', () => {
  assert.deepEqual(new Set(caseStates), reachable('pending_judgment'));
  for (const s of caseStates) {
    const terminal = s === 'dismissed' || s === 'merged';
    assert.equal(
      caseTransitions.some((r) => r.from === s),
      !terminal,
      s,
    );
    if (!terminal) assert.ok(reachable(s).has('closed'), s);
  }
});

const seed = 20261001;

test(`random walks of allowed transitions (seed ${seed})`, () => {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const visited = new Set<CaseState>();
  const used = new Set<CaseTransition>();
  for (let walk = 0; walk < 2000; walk++) {
    let state: CaseState = 'pending_judgment';
    for (let stepNo = 0; stepNo < 60; stepNo++) {
      visited.add(state);
      const roles = [pick(allRoles), pick(allRoles)];
      const options = allowedTransitions(state, roles);
      if (options.length === 0) {
        if (state === 'dismissed' || state === 'merged') break;
        continue; // these people may do nothing here; someone else comes along
      }
      const row = pick(options);
      const got = checkTransition({ from: state, action: row.action, roles, evidence: fullEvidence(row.action), reason });
      assert.equal(got.ok, true, `${state} ${row.action} ${roles}`);
      if (!got.ok) break;
      assert.ok(caseStates.includes(got.to), got.to);
      if (caseStateInfo[state].category === 'closed' && caseStateInfo[got.to].category !== 'closed') {
        assert.equal(state, 'closed');
        assert.ok(row.action === 'recheck_relapse' || row.action === 'reopen_low_satisfaction', row.action);
      }
      used.add(row);
      state = got.to;
    }
  }
  assert.deepEqual(visited, new Set(caseStates));
  assert.equal(used.size, caseTransitions.length, 'the walks used every row of the table');
});
