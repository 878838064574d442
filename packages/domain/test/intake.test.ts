import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseLocation,
  formatTicket,
  isOpenProblem,
  isValidLngLat,
  maskEmail,
  normalisePhone,
  normaliseTicket,
  problemStatuses,
  problemStatusInfo,
  reporterFor,
  routeUnit,
  seesReporterInFull,
  ticketPrefix,
  type RoutableUnit,
} from '../src/index.ts';

test('a ticket is the prefix, the day and a six-digit sequence', () => {
  assert.equal(formatTicket('ZZ', '20261125', 123), 'ZZ20261125-000123');
  assert.equal(formatTicket('ZZ', '20261125', 1234567), 'ZZ20261125-1234567');
  assert.throws(() => formatTicket('ZZ', '2026-11-25', 1));
  assert.throws(() => formatTicket('ZZ', '20261125', 0));
});

test('the ticket prefix is configured, else two letters of the city code, else CL', () => {
  assert.equal(ticketPrefix('zhengzhou', 'ZZ'), 'ZZ');
  assert.equal(ticketPrefix('zhengzhou'), 'ZH');
  assert.equal(ticketPrefix('zhengzhou', 'zz; drop'), 'ZH');
  assert.equal(ticketPrefix('t-3f9a0'), 'TF');
  assert.equal(ticketPrefix('001'), 'CL');
});

test('a typed-in ticket is tidied, and anything else is not a ticket', () => {
  assert.equal(normaliseTicket(' zz20261125-000123 '), 'ZZ20261125-000123');
  assert.equal(normaliseTicket('ZZ 20261125-000123'), 'ZZ20261125-000123');
  assert.equal(normaliseTicket('ZZ20261125'), null);
  assert.equal(normaliseTicket("' OR 1=1 --"), null);
});

test('the place given by the reporter wins over the photo, the first photo with GPS over later ones', () => {
  const photos = [{}, { lng: 113.61, lat: 34.71 }, { lng: 113.62, lat: 34.72 }];
  assert.deepEqual(chooseLocation({ lng: 113.6, lat: 34.7 }, photos), { lng: 113.6, lat: 34.7, from: 'given' });
  assert.deepEqual(chooseLocation(null, photos), { lng: 113.61, lat: 34.71, from: 'photo' });
  assert.deepEqual(chooseLocation({ lng: 113.6 }, photos), { lng: 113.61, lat: 34.71, from: 'photo' });
  assert.equal(chooseLocation(undefined, [{}, undefined, null]), null);
});

test('a position of 0,0 or out of range is no position', () => {
  assert.equal(isValidLngLat({ lng: 0, lat: 0 }), false);
  assert.equal(isValidLngLat({ lng: 181, lat: 10 }), false);
  assert.equal(isValidLngLat({ lng: Number.NaN, lat: 10 }), false);
  assert.equal(isValidLngLat({ lng: 113.6, lat: 34.7 }), true);
  assert.equal(chooseLocation({ lng: 0, lat: 0 }, []), null);
});

test('every problem state has a category, and only closed, dismissed and merged are not open', () => {
  for (const s of problemStatuses) assert.ok(problemStatusInfo[s].zh && problemStatusInfo[s].category, s);
  assert.deepEqual(
    problemStatuses.filter((s) => !isOpenProblem(s)),
    ['closed', 'dismissed', 'merged'],
  );
  assert.equal(problemStatusInfo.pending_judgment.zh, '待研判');
});

const units: RoutableUnit[] = [
  { id: 'zjj', code: 'ZJJ', duties: ['housing'], districtId: null, active: true },
  { id: 'szgc', code: 'SZGC', duties: ['municipal_works'], districtId: null, active: true },
  { id: 'd1-roads', code: 'D1R', duties: ['municipal_works'], districtId: 'd1', active: true },
  { id: 'd1-gov', code: 'ZYQ', duties: ['district'], districtId: 'd1', active: true },
  { id: 'd2-gov', code: 'EQQ', duties: ['district'], districtId: 'd2', active: true },
  { id: 'old', code: 'AAA', duties: ['housing'], districtId: null, active: false },
  { id: 'd2-water', code: 'D2W', duties: ['water'], districtId: 'd2', active: true },
];

test('a territorial duty goes to the district government of the place (属地管理)', () => {
  assert.equal(routeUnit('district', 'd1', units), 'd1-gov');
  assert.equal(routeUnit('district', 'd2', units), 'd2-gov');
  assert.equal(routeUnit('district', null, units), null);
  assert.equal(routeUnit('district', 'd3', units), null);
});

test('any other duty goes to the city unit carrying it, an inactive one never', () => {
  assert.equal(routeUnit('housing', 'd2', units), 'zjj');
  assert.equal(routeUnit('municipal_works', 'd1', units), 'szgc');
});

test('without a city unit for the duty, the district’s own unit takes it; else nobody is proposed', () => {
  assert.equal(routeUnit('water', 'd2', units), 'd2-water');
  assert.equal(routeUnit('water', 'd1', units), null);
  assert.equal(routeUnit('gas', 'd1', units), null);
  assert.equal(routeUnit(null, 'd1', units), null);
});

test('office and admin see a reporter in full; everyone else masked', () => {
  const p = { name: '张三丰', phone: '13812345678', email: 'zhang@example.com' };
  assert.deepEqual(reporterFor(['office'], p), { ...p, masked: false });
  assert.deepEqual(reporterFor(['admin'], p), { ...p, masked: false });
  for (const held of [['leader'], ['discipline'], ['unit'], []] as const) {
    assert.deepEqual(reporterFor(held, p), { name: '张**', phone: '138****5678', email: 'z***@example.com', masked: true });
  }
  assert.equal(seesReporterInFull(['leader', 'office']), true);
  assert.equal(maskEmail('bad'), '***');
});

test('phone numbers are kept as digits, and junk is refused', () => {
  assert.equal(normalisePhone('138 1234 5678'), '13812345678');
  assert.equal(normalisePhone('+86 138-1234-5678'), '13812345678');
  assert.equal(normalisePhone('0371-67181234'), '037167181234');
  assert.equal(normalisePhone('call me'), null);
  assert.equal(normalisePhone(''), null);
});
