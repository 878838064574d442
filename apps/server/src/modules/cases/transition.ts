/**
 * The one way a case changes state. Every loop action — the office's, a unit's, a
 * scheduled job's — goes through `applyCaseTransition`: lock the row, check the domain's
 * transition table (roles, evidence, reason), check the record's scope, write the new
 * state, and record the timeline event chained into the audit log. Two requests racing for
 * the same case serialise on the row lock; the second sees the new state and is refused.
 */
import crypto from 'node:crypto';
import {
  caseStateInfo,
  checkTransition,
  type CaseAction,
  type CaseEventAction,
  type CaseEvidence,
  type CaseRole,
  type CaseState,
} from '@cityloop/domain';
import type { Queryable } from '../../db/index.ts';
import { actorId, actorLabel, type Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { canonical, recordAudit } from '../audit/service.ts';
import { caseScopeSql } from './scope.ts';


export interface LockedCase {
  id: string;
  status: CaseState;
  title: string;
  responsible_unit_id: string | null;
  cooperating_unit_ids: string[];
  lead_leader_id: string | null;
  deadline: Date | null;
  legacy: boolean;
  risk_level: 'red' | 'yellow' | 'green' | null;
  subcategory_code: string | null;
  closeout: Record<string, unknown> | null;
  satisfaction: number | null;
  notice_no: string | null;
  return_count: number;
  reopen_count: number;
  extension_proposed_deadline: Date | null;
}

const lockedColumns = `id, status, title, responsible_unit_id, cooperating_unit_ids, lead_leader_id, deadline, legacy,
  risk_level, subcategory_code, closeout, satisfaction, notice_no, return_count, reopen_count,
  extension_proposed_deadline`;

/**
 * Locks the case for this transaction, if the actor may see it; else `resource.not_found`
 * (a case outside one's scope does not exist for one).
 */
export async function lockCase(q: Queryable, actor: Actor, problemId: string): Promise<LockedCase> {
  const scope = caseScopeSql(actor, 'p', 3);
  const rows = await q.query<LockedCase>(
    `SELECT ${lockedColumns} FROM problems p WHERE p.city_id = $1 AND p.id = $2 AND ${scope.sql} FOR UPDATE`,
    [actor.cityId, problemId, ...scope.params],
  );
  if (!rows[0]) throw new AppError('resource.not_found');
  return rows[0];
}

/** The roles an actor brings to the state machine: scheduled jobs act as `system`. */
export function caseRoles(actor: Actor): CaseRole[] {
  return actor.kind === 'system' ? ['system'] : [...actor.roles];
}

/**
 * Unit actions are the responsible unit's: a cooperating unit may read the case and
 * its history, but accepting, reporting and closing out are for the unit that answers for it.
 */
function checkUnitActsForCase(actor: Actor, c: LockedCase, action: CaseAction): void {
  const unitActions: readonly CaseAction[] = ['accept', 'report_progress', 'request_extension', 'submit_closeout'];
  if (!unitActions.includes(action) || actor.kind !== 'user') return;
  if (!actor.unitId || actor.unitId !== c.responsible_unit_id) throw new AppError('case.not_responsible_unit');
}

export interface TransitionInput {
  evidence?: CaseEvidence;
  reason?: string | null;
  /** columns of `problems` to set along with the status (trusted: never from a request body directly) */
  set?: Record<string, unknown>;
  /** counters that go up by one with this transition (a return, a reopening counted against the unit) */
  increment?: readonly ('return_count' | 'reopen_count')[];
  /** what the timeline keeps besides the evidence (e.g. file ids, the task that led here) */
  details?: Record<string, unknown>;
  ip?: string | null;
}

export interface TransitionOutcome {
  from: CaseState;
  to: CaseState;
  eventId: string;
  case: LockedCase;
}

const columnName = /^[a-z_]+$/;

/** Checks and applies one transition of the state machine to a case, inside the caller's transaction. */
export async function applyCaseTransition(
  q: Queryable,
  actor: Actor,
  problemId: string,
  action: CaseAction,
  input: TransitionInput = {},
): Promise<TransitionOutcome> {
  const c = await lockCase(q, actor, problemId);
  const verdict = checkTransition({ from: c.status, action, roles: caseRoles(actor), evidence: input.evidence ?? null, reason: input.reason ?? null });
  if (!verdict.ok) {
    throw new AppError(verdict.code, {
      caseStatus: c.status,
      caseStatusLabel: caseStateInfo[c.status].zh,
      action,
      ...(verdict.missing ? { missing: verdict.missing } : {}),
    });
  }
  checkUnitActsForCase(actor, c, action);

  const set = { ...(input.set ?? {}) };
  const assignments = ['status = $3', 'updated_at = now()'];
  const values: unknown[] = [actor.cityId, problemId, verdict.to];
  for (const [col, v] of Object.entries(set)) {
    if (!columnName.test(col)) throw new Error(`bad column ${col}`);
    values.push(v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v) ? JSON.stringify(v) : v);
    assignments.push(`${col} = $${values.length}`);
  }
  for (const col of input.increment ?? []) assignments.push(`${col} = ${col} + 1`);
  await q.query(`UPDATE problems SET ${assignments.join(', ')} WHERE city_id = $1 AND id = $2`, values);

  const eventId = await insertCaseEvent(q, actor, {
    problemId,
    action,
    from: c.status,
    to: verdict.to,
    note: input.reason ?? null,
    details: { ...serialisableEvidence(input.evidence), ...(input.details ?? {}) },
    ip: input.ip ?? null,
  });
  return { from: c.status, to: verdict.to, eventId, case: { ...c, status: verdict.to } };
}

/** A timeline event that is not a state change (an escalation, a task, a passed re-check). */
export async function recordCaseEvent(
  q: Queryable,
  actor: Actor,
  problemId: string,
  action: CaseEventAction,
  e: { status?: CaseState | null; note?: string | null; details?: Record<string, unknown>; ip?: string | null },
): Promise<string> {
  return insertCaseEvent(q, actor, {
    problemId,
    action,
    from: e.status ?? null,
    to: e.status ?? null,
    note: e.note ?? null,
    details: e.details ?? {},
    ip: e.ip ?? null,
  });
}

function serialisableEvidence(e: CaseEvidence | undefined): Record<string, unknown> {
  if (!e) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined || v === null) continue;
    out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

interface EventFields {
  eventId: string;
  problemId: string;
  action: string;
  from: string | null;
  to: string | null;
  actorId: string | null;
  actorLabel: string;
  at: string;
  note: string | null;
  details: Record<string, unknown>;
}

/** The digest of a timeline event that the audit chain keeps: any later change to the row shows. */
export function caseEventDigest(f: EventFields): string {
  return crypto.createHash('sha256').update(canonical(f)).digest('hex');
}

async function insertCaseEvent(
  q: Queryable,
  actor: Actor,
  e: { problemId: string; action: string; from: string | null; to: string | null; note: string | null; details: Record<string, unknown>; ip: string | null },
): Promise<string> {
  const fields: EventFields = {
    eventId: crypto.randomUUID(),
    problemId: e.problemId,
    action: e.action,
    from: e.from,
    to: e.to,
    actorId: actor.kind === 'user' ? actorId(actor) : null,
    actorLabel: actorLabel(actor),
    at: new Date().toISOString(),
    note: e.note,
    // through JSON once, so the digest is of exactly what jsonb will give back
    details: JSON.parse(JSON.stringify(e.details)) as Record<string, unknown>,
  };
  const seq = await recordAudit(q, actor, {
    action: `case.${e.action}`,
    targetType: 'problem',
    targetId: e.problemId,
    details: { eventId: fields.eventId, from: e.from, to: e.to, digest: caseEventDigest(fields) },
    ip: e.ip,
  });
  await q.query(
    `INSERT INTO problem_events (city_id, id, problem_id, at, action, actor_id, actor_label, from_status, status, note, details, audit_seq)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [actor.cityId, fields.eventId, e.problemId, fields.at, e.action, fields.actorId, fields.actorLabel, e.from, e.to, e.note, JSON.stringify(fields.details), seq],
  );
  return fields.eventId;
}
