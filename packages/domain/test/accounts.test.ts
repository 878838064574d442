import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterFailedLogin, isAcceptablePassword, isLocked, loginPolicy, maskName, maskPhone, phoneFor } from '../src/index.ts';

const now = new Date('2026-03-02T09:00:00+08:00');

test('four failures count up without locking', () => {
  let failures = 0;
  for (let i = 1; i <= 4; i++) {
    const r = afterFailedLogin(failures, now);
    assert.equal(r.failures, i);
    assert.equal(r.lockedUntil, null);
    failures = r.failures;
  }
});

test('the fifth failure locks the account for fifteen minutes and resets the count', () => {
  const r = afterFailedLogin(4, now);
  assert.equal(r.failures, 0);
  assert.equal(r.lockedUntil!.getTime() - now.getTime(), loginPolicy.lockMinutes * 60_000);
  assert.equal(loginPolicy.maxFailures, 5);
});

test('a stricter policy locks sooner', () => {
  assert.notEqual(afterFailedLogin(1, now, { maxFailures: 2, lockMinutes: 1 }).lockedUntil, null);
});

test('a lock holds until its moment and has expired from then on', () => {
  const until = new Date(now.getTime() + 60_000);
  assert.equal(isLocked(until, now), true);
  assert.equal(isLocked(until, new Date(until.getTime() - 1)), true);
  assert.equal(isLocked(until, until), false);
  assert.equal(isLocked(until, new Date(until.getTime() + 1)), false);
  assert.equal(isLocked(null, now), false);
});

test('passwords must be 8 to 128 characters', () => {
  assert.equal(isAcceptablePassword('1234567'), false);
  assert.equal(isAcceptablePassword('12345678'), true);
  assert.equal(isAcceptablePassword('x'.repeat(128)), true);
  assert.equal(isAcceptablePassword('x'.repeat(129)), false);
});

test('a mobile number keeps its first three and last four digits', () => {
  assert.equal(maskPhone('13812345678'), '138****5678');
  assert.equal(maskPhone('138 1234 5678'), '138****5678');
  assert.equal(maskPhone('+8613812345678'), '+86138****5678');
});

test('a short or odd number keeps only its last two characters', () => {
  assert.equal(maskPhone('0371-6661234'), '**********34');
  assert.equal(maskPhone('12345'), '***45');
  assert.equal(maskPhone('12'), '**');
  assert.equal(maskPhone('7'), '*');
});

test('no number masks to null', () => {
  assert.equal(maskPhone(null), null);
  assert.equal(maskPhone(undefined), null);
  assert.equal(maskPhone(''), null);
});

test('a name shows only its family character', () => {
  assert.equal(maskName('张三丰'), '张**');
  assert.equal(maskName('李四'), '李*');
  assert.equal(maskName('王'), '王*');
  assert.equal(maskName('𠮷野家'), '𠮷**');
  assert.equal(maskName(''), null);
  assert.equal(maskName(null), null);
});

test('user phones are whole only for admins; staff and expert phones for admin and office too', () => {
  assert.equal(phoneFor('user', ['admin'], '13812345678'), '13812345678');
  assert.equal(phoneFor('user', ['office'], '13812345678'), '138****5678');
  assert.equal(phoneFor('staff', ['office'], '13812345678'), '13812345678');
  assert.equal(phoneFor('expert', ['citizen', 'office'], '13812345678'), '13812345678');
  assert.equal(phoneFor('expert', ['leader', 'discipline'], '13812345678'), '138****5678');
  assert.equal(phoneFor('staff', [], null), null);
});
