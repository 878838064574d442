/**
 * The case state machine of the rectification loop (SPEC.md M7, STYLE.md pattern 5).
 *
 * A case is a problem after intake: the same row, the same status column. The
 * states are the intake's (`problemStatuses`, the CHECK in migration 003) plus
 * two the loop adds: `extension_requested` (延期申请中) and `reopened` (反弹重开).
 * 滞后 (overdue) is not a state: it is derived — a case not in a closed
 * category whose deadline has passed (`isOverdueCase`) — so it can never
 * disagree with the deadline, and a late case keeps its real place in the loop.
 *
 * Every transition is one row of `caseTransitions`: from, action, to, who may,
 * what evidence it needs and whether a reason is required. The server checks
 * every change through `checkTransition`, records the row's action in the case
 * history, and the database mirrors the (from, to) pairs with a CHECK.
 * Scope (this unit's case, this district) is checked by the service on the record.
 */
import { isOverdue } from './calendar.ts';
import type { Role } from './roles.ts';

export const caseStates = [
  'pending_judgment',
  'assigned',
  'in_progress',
  'extension_requested',
  'pending_verification',
  'returned',
  'closed',
  'reopened',
  'dismissed',
  'merged',
] as const;
export type CaseState = (typeof caseStates)[number];
export type CaseStateCategory = 'open' | 'in_progress' | 'closed';

export const caseStateInfo: Record<CaseState, { zh: string; en: string; category: CaseStateCategory }> = {
  pending_judgment: { zh: '待研判', en: 'Pending judgment', category: 'open' },
  assigned: { zh: '已交办', en: 'Assigned', category: 'in_progress' },
  in_progress: { zh: '整改中', en: 'In progress', category: 'in_progress' },
  extension_requested: { zh: '延期申请中', en: 'Extension requested', category: 'in_progress' },
  pending_verification: { zh: '待核验', en: 'Pending verification', category: 'in_progress' },
  returned: { zh: '退回整改', en: 'Returned', category: 'in_progress' },
  closed: { zh: '已销号', en: 'Closed', category: 'closed' },
  reopened: { zh: '反弹重开', en: 'Reopened', category: 'in_progress' },
  dismissed: { zh: '不予受理', en: 'Dismissed', category: 'closed' },
  merged: { zh: '已合并', en: 'Merged', category: 'closed' },
};

/** Who acts on a case: the staff roles, plus `system` for the scheduler and automatic rules. */
export type CaseRole = Role | 'system';

export const caseActions = [
  'judge',
  'give_opinion',
  'assign',
  'dismiss',
  'merge',
  'accept',
  'report_progress',
  'request_extension',
  'approve_extension',
  'rule_case_by_case',
  'refuse_extension',
  'submit_closeout',
  'close',
  'return',
  'recheck_relapse',
  'reopen_low_satisfaction',
] as const;
export type CaseAction = (typeof caseActions)[number];

export const caseActionLabels: Record<CaseAction, { zh: string; en: string }> = {
  judge: { zh: '研判', en: 'Judge' },
  give_opinion: { zh: '出具意见', en: 'Give an opinion' },
  assign: { zh: '交办', en: 'Assign' },
  dismiss: { zh: '不予受理', en: 'Dismiss' },
  merge: { zh: '合并', en: 'Merge' },
  accept: { zh: '签收', en: 'Accept' },
  report_progress: { zh: '报送进展', en: 'Report progress' },
  request_extension: { zh: '申请延期', en: 'Request an extension' },
  approve_extension: { zh: '批准延期', en: 'Approve the extension' },
  rule_case_by_case: { zh: '一事一议', en: 'Rule case by case' },
  refuse_extension: { zh: '不予延期', en: 'Refuse the extension' },
  submit_closeout: { zh: '申请销号', en: 'Submit close-out' },
  close: { zh: '销号', en: 'Close' },
  return: { zh: '退回', en: 'Return' },
  recheck_relapse: { zh: '回头看反弹', en: 'Relapse found on re-check' },
  reopen_low_satisfaction: { zh: '满意度不足重新整改', en: 'Reopen: satisfaction under 80%' },
};

/**
 * What a reporter is told of each loop step when tracking a ticket: fixed public wording,
 * never the office's or a unit's internal notes (a dismissal's reason is the exception,
 * added by the tracker, because the reporter is owed it).
 */
export const publicCaseNotes: Partial<Record<CaseAction, string>> = {
  dismiss: '不予受理',
  assign: '已交办责任单位整改',
  accept: '责任单位已签收，正在整改',
  approve_extension: '整改期限已依规延长',
  rule_case_by_case: '整改期限已依规延长（一事一议）',
  submit_closeout: '整改完成，待核验',
  return: '核验未通过，继续整改',
  reopen_low_satisfaction: '满意度不足，重新整改',
  close: '整改完成，已销号',
  recheck_relapse: '回头看发现问题反弹，重新整改',
};

/** The loop's timeline events that are not state changes. */
export const caseEventActions = ['opinion_requested', 'escalated', 'task_created', 'recheck_passed', 'notified'] as const;
export type CaseEventAction = (typeof caseEventActions)[number];

export const caseEventLabels: Record<CaseEventAction, { zh: string; en: string }> = {
  opinion_requested: { zh: '提请专家意见', en: 'Expert opinion requested' },
  escalated: { zh: '督办', en: 'Escalated' },
  task_created: { zh: '生成任务', en: 'Task created' },
  recheck_passed: { zh: '回头看通过', en: 'Re-check passed' },
  notified: { zh: '已通知', en: 'Notified' },
};

/** What a transition can require, beyond the reason. */
export interface CaseEvidence {
  /** 研判: the confirmed subcategory and risk level. */
  subcategoryCode?: string | null;
  riskLevel?: 'red' | 'yellow' | 'green' | null;
  /** 交办: the responsible unit and the deadline set. */
  responsibleUnitId?: string | null;
  deadline?: Date | null;
  /** Progress report text; photos optional. */
  progressNote?: string | null;
  /** Extension: the deadline the unit asks for / the office grants. */
  proposedDeadline?: Date | null;
  newDeadline?: Date | null;
  /** 一事一议 / 容错 ruling on a legacy problem. */
  rulingNote?: string | null;
  /** Close-out (销号, SPEC.md M7): all three. Photos are file ids, at least one before and one after. */
  beforeAfterPhotos?: { before: readonly string[]; after: readonly string[] } | null;
  thirdPartyReport?: string | null;
  satisfactionReceipt?: string | null;
  /** Satisfaction in percent, 0–100, from the receipt or the re-check survey. */
  satisfactionScore?: number | null;
  /** Re-check (回头看): photos of the relapse. */
  relapsePhotos?: readonly string[] | null;
  /** Merge: the case this one joins. */
  mergedIntoId?: string | null;
}
export type EvidenceKey = keyof CaseEvidence;

export interface CaseTransition {
  from: CaseState;
  action: CaseAction;
  to: CaseState;
  roles: readonly CaseRole[];
  evidence: readonly EvidenceKey[];
  reasonRequired: boolean;
}

/** The seven states from which a case can still be merged into another (the intake merges any open problem). */
const openStates: readonly CaseState[] = caseStates.filter((s) => caseStateInfo[s].category !== 'closed');

const t = (
  from: CaseState,
  action: CaseAction,
  to: CaseState,
  roles: readonly CaseRole[],
  evidence: readonly EvidenceKey[] = [],
  reasonRequired = false,
): CaseTransition => ({ from, action, to, roles, evidence, reasonRequired });

export const closeOutEvidence: readonly EvidenceKey[] = ['beforeAfterPhotos', 'thirdPartyReport', 'satisfactionReceipt'];
const approvers: readonly CaseRole[] = ['office', 'leader'];
const rechecker: readonly CaseRole[] = ['office', 'inspector', 'thirdparty'];

/** THE table. Everything not listed here is an invalid transition. */
export const caseTransitions: readonly CaseTransition[] = [
  // 研判: record (and re-record) the ruling; an expert may be asked first.
  t('pending_judgment', 'judge', 'pending_judgment', ['office'], ['subcategoryCode', 'riskLevel']),
  t('pending_judgment', 'give_opinion', 'pending_judgment', ['expert', 'office'], [], true),
  t('pending_judgment', 'assign', 'assigned', ['office'], ['subcategoryCode', 'riskLevel', 'responsibleUnitId', 'deadline']),
  t('pending_judgment', 'dismiss', 'dismissed', ['office'], [], true),
  // The unit at work.
  t('assigned', 'accept', 'in_progress', ['unit']),
  t('in_progress', 'report_progress', 'in_progress', ['unit'], ['progressNote']),
  t('extension_requested', 'report_progress', 'extension_requested', ['unit'], ['progressNote']),
  t('in_progress', 'request_extension', 'extension_requested', ['unit'], ['proposedDeadline'], true),
  t('extension_requested', 'approve_extension', 'in_progress', approvers, ['newDeadline']),
  t('extension_requested', 'rule_case_by_case', 'in_progress', approvers, ['newDeadline', 'rulingNote']),
  t('extension_requested', 'refuse_extension', 'in_progress', approvers, [], true),
  t('in_progress', 'submit_closeout', 'pending_verification', ['unit'], closeOutEvidence),
  // 销号: the office reviews (the third party gives its opinion), closes or returns.
  t('pending_verification', 'give_opinion', 'pending_verification', ['thirdparty', 'expert', 'office'], [], true),
  t('pending_verification', 'close', 'closed', ['office'], [...closeOutEvidence, 'satisfactionScore']),
  t('pending_verification', 'return', 'returned', ['office'], [], true),
  t('pending_verification', 'reopen_low_satisfaction', 'returned', ['system', 'office', 'thirdparty'], ['satisfactionScore']),
  t('returned', 'accept', 'in_progress', ['unit']),
  t('returned', 'submit_closeout', 'pending_verification', ['unit'], closeOutEvidence),
  // 回头看: the only ways out of closed.
  t('closed', 'recheck_relapse', 'reopened', rechecker, ['relapsePhotos'], true),
  t('closed', 'reopen_low_satisfaction', 'reopened', ['system', 'office', 'thirdparty'], ['satisfactionScore']),
  t('reopened', 'accept', 'in_progress', ['unit']),
  // Folding into another case, from any open state (the intake's merge).
  ...openStates.map((s) => t(s, 'merge', 'merged', ['office'], ['mergedIntoId'])),
];

/** Satisfaction under 80% sends the case back for rectification (§6.4). `percent` is 0–100. */
export const satisfactionThreshold = 80;
export function satisfactionForcesRework(percent: number): boolean {
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new Error(`satisfaction must be a percentage 0–100, got ${percent}`);
  }
  return percent < satisfactionThreshold;
}

// ---------------------------------------------------------------- checks

const nonEmpty = (s: unknown): boolean => typeof s === 'string' && s.trim().length > 0;
const validDate = (d: unknown): boolean => d instanceof Date && !Number.isNaN(d.getTime());
const nonEmptyIds = (a: unknown): boolean => Array.isArray(a) && a.length > 0 && a.every(nonEmpty);

/** Whether one piece of evidence is really there (an empty string or list is not evidence). */
export function hasEvidence(evidence: CaseEvidence | null | undefined, key: EvidenceKey): boolean {
  const v = evidence?.[key];
  switch (key) {
    case 'deadline':
    case 'proposedDeadline':
    case 'newDeadline':
      return validDate(v);
    case 'riskLevel':
      return v === 'red' || v === 'yellow' || v === 'green';
    case 'beforeAfterPhotos': {
      const p = v as CaseEvidence['beforeAfterPhotos'];
      return !!p && nonEmptyIds(p.before) && nonEmptyIds(p.after);
    }
    case 'relapsePhotos':
      return nonEmptyIds(v);
    case 'satisfactionScore':
      return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100;
    default:
      return nonEmpty(v);
  }
}

const hasRole = (row: CaseTransition, roles: readonly CaseRole[]) => row.roles.some((r) => roles.includes(r));

/** The table's row for a state and an action, if there is one. */
export function findTransition(from: CaseState, action: CaseAction): CaseTransition | undefined {
  return caseTransitions.find((row) => row.from === from && row.action === action);
}

/** What someone holding `roles` may try from `state` (evidence not yet considered): for the buttons. */
export function allowedTransitions(state: CaseState, roles: readonly CaseRole[]): CaseTransition[] {
  return caseTransitions.filter((row) => row.from === state && hasRole(row, roles));
}

export type CaseErrorCode =
  | 'case.invalid_transition'
  | 'case.forbidden'
  | 'case.missing_evidence'
  | 'case.reason_required'
  | 'case.low_satisfaction'
  | 'case.satisfaction_not_low';

export type TransitionResult =
  { ok: true; to: CaseState; transition: CaseTransition } | { ok: false; code: CaseErrorCode; missing?: EvidenceKey[] };

export interface TransitionRequest {
  from: CaseState;
  action: CaseAction;
  roles: readonly CaseRole[];
  evidence?: CaseEvidence | null;
  reason?: string | null;
}

/**
 * Whether a transition may happen, checked in this order: is it in the table
 * (invalid_transition), may these roles make it (forbidden), is every piece of
 * evidence there (missing_evidence, listing what is missing), is a reason given
 * where one is needed (reason_required), and the satisfaction rule: a close-out
 * whose satisfaction is under 80% cannot close (low_satisfaction), and a
 * low-satisfaction reopening needs a score that is under 80% (satisfaction_not_low).
 */
export function checkTransition(req: TransitionRequest): TransitionResult {
  const row = findTransition(req.from, req.action);
  if (!row) return { ok: false, code: 'case.invalid_transition' };
  if (!hasRole(row, req.roles)) return { ok: false, code: 'case.forbidden' };
  const missing = row.evidence.filter((k) => !hasEvidence(req.evidence, k));
  if (missing.length > 0) return { ok: false, code: 'case.missing_evidence', missing };
  if (row.reasonRequired && !nonEmpty(req.reason)) return { ok: false, code: 'case.reason_required' };
  const score = req.evidence?.satisfactionScore;
  if (row.action === 'close' && typeof score === 'number' && satisfactionForcesRework(score)) {
    return { ok: false, code: 'case.low_satisfaction' };
  }
  if (row.action === 'reopen_low_satisfaction' && typeof score === 'number' && !satisfactionForcesRework(score)) {
    return { ok: false, code: 'case.satisfaction_not_low' };
  }
  return { ok: true, to: row.to, transition: row };
}

/** 滞后: not closed, and past its deadline. Derived, never stored as a state. */
export function isOverdueCase(state: CaseState, deadline: Date | null | undefined, now: Date): boolean {
  return caseStateInfo[state].category !== 'closed' && isOverdue(deadline, now);
}
