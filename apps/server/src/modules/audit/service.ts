import crypto from 'node:crypto';
import type { Db, Queryable } from '../../db/index.ts';
import { actorId, actorLabel, type Actor } from '../../http/actor.ts';
import { allAuditInOrder, insertAudit, lastAuditHash, listAudit, lockAuditChain } from './queries.ts';

const GENESIS = '0'.repeat(64);

/** Canonical JSON (sorted keys) so the hash does not depend on key order after a round trip through jsonb. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function hashOf(prevHash: string, fields: Record<string, unknown>): string {
  return crypto.createHash('sha256').update(prevHash).update(canonical(fields)).digest('hex');
}

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** Appends one audit event, chained to the city's previous one; answers its sequence number. Call inside the write's transaction. */
export async function recordAudit(q: Queryable, actor: Actor, entry: AuditEntry): Promise<number> {
  return (await recordAuditBatch(q, actor, [entry]))[0]!;
}

/**
 * Appends events in order, each chained to the one before, under one lock and in one INSERT;
 * answers their sequence numbers. For writes that record many events at once (a sweep).
 */
export async function recordAuditBatch(q: Queryable, actor: Actor, entries: readonly AuditEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  await lockAuditChain(q, actor.cityId);
  const last = await lastAuditHash(q, actor.cityId);
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS;
  const at = new Date().toISOString().replace(/Z$/, '000Z');
  const rows = entries.map((entry) => {
    seq += 1;
    const fields = {
      seq,
      at,
      actor_id: actorId(actor),
      actor_label: actorLabel(actor),
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      details: entry.details ?? {},
      ip: entry.ip ?? null,
    };
    const row = { city_id: actor.cityId, ...fields, prev_hash: prevHash, hash: hashOf(prevHash, fields) };
    prevHash = row.hash;
    return row;
  });
  await insertAudit(q, rows);
  return rows.map((r) => r.seq);
}

export async function auditLog(db: Db, actor: Actor, opts: { limit: number; beforeSeq?: number; action?: string }) {
  return listAudit(db, actor.cityId, opts);
}

/** Recomputes the chain; the first broken link (edited, removed or reordered row) is reported. */
export async function verifyAuditChain(db: Db, cityId: string): Promise<{ ok: boolean; events: number; brokenAt: number | null }> {
  const rows = await allAuditInOrder(db, cityId);
  let prev = GENESIS;
  let expectedSeq = 1;
  for (const r of rows) {
    const { prev_hash, hash, ...fields } = r;
    if (r.seq !== expectedSeq || prev_hash !== prev || hashOf(prev, fields as Record<string, unknown>) !== hash) {
      return { ok: false, events: rows.length, brokenAt: r.seq };
    }
    prev = hash;
    expectedSeq += 1;
  }
  return { ok: true, events: rows.length, brokenAt: null };
}
