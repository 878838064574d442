/**
 * Account rules: login lock-out and the masking of personal data.
 */
import type { Role } from './roles.ts';
export const loginPolicy = {
  /** consecutive failures that lock an account */
  maxFailures: 5,
  /** how long the lock lasts */
  lockMinutes: 15,
};

/**
 * After a failed login: how many failures the account now has and until when it
 * is locked. Counting per account, not per address, because a whole district
 * office often shares one address.
 */
export function afterFailedLogin(
  failures: number,
  now: Date,
  policy = loginPolicy,
): { failures: number; lockedUntil: Date | null } {
  const next = failures + 1;
  if (next >= policy.maxFailures) {
    return { failures: 0, lockedUntil: new Date(now.getTime() + policy.lockMinutes * 60_000) };
  }
  return { failures: next, lockedUntil: null };
}

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}

export function isAcceptablePassword(password: string): boolean {
  return password.length >= 8 && password.length <= 128;
}

/** 13812345678 → 138****5678; short or odd numbers keep only their last two digits. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\s+/g, '');
  if (/^\+?\d{11,}$/.test(digits)) return digits.slice(0, -8) + '****' + digits.slice(-4);
  if (digits.length <= 2) return '*'.repeat(digits.length);
  return '*'.repeat(digits.length - 2) + digits.slice(-2);
}

/** 张三丰 → 张**; a name shows only its family character. */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return null;
  const chars = Array.from(name);
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/**
 * Who sees a phone number in full, by whose number it is. User accounts are
 * configuration (admin only); the office works with unit staff and experts
 * every day and needs their numbers to call them. Everyone else sees them masked.
 */
export const fullPhoneReaders = {
  user: ['admin'],
  staff: ['admin', 'office'],
  expert: ['admin', 'office'],
} as const satisfies Record<string, readonly Role[]>;

export function phoneFor(kind: keyof typeof fullPhoneReaders, held: readonly Role[], phone: string | null): string | null {
  const readers = fullPhoneReaders[kind] as readonly Role[];
  return held.some((r) => readers.includes(r)) ? phone : maskPhone(phone);
}

/** What an integration API key may be allowed to do. */
export const apiKeyScopes = ['open311.post', 'sensor.post', 'detection.post'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** API keys start with this, so a leaked one is easy to recognise (secret scanners, logs). */
export const apiKeyPrefix = 'clk_';

/** Phone numbers typed into a report's text are masked before it is shown to anyone but the office. */
export function publicText(text: string): string {
  return text.replace(/(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)/g, (m) => maskPhone(m.replace(/[-\s]/g, '')) ?? '');
}
