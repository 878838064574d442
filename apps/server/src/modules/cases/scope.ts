/**
 * Which cases an actor may see (SPEC.md M7). The role check (`case.read`) happens in the
 * auth hook; this narrows it to the records: a unit sees the cases it is responsible for
 * or cooperates on, an expert or inspector the cases of tasks handed to them (or to their
 * role), the third party the cases awaiting verification and those with a re-check for it.
 * The office, leaders, discipline and admins see every case of the city.
 */
import type { Actor } from '../../http/actor.ts';
import { hasRole } from '../../http/actor.ts';

const seesAll = ['admin', 'office', 'leader', 'discipline'] as const;

/**
 * A SQL condition on the problems row aliased `alias`, with its parameters numbered from
 * `firstParam`. Append it with AND; `params` go after the caller's own.
 */
export function caseScopeSql(actor: Actor, alias: string, firstParam: number): { sql: string; params: unknown[] } {
  if (hasRole(actor, ...seesAll) || actor.kind === 'system') return { sql: 'true', params: [] };
  if (actor.kind !== 'user') return { sql: 'false', params: [] };
  const parts: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${firstParam + params.length - 1}`;
  };
  if (actor.roles.includes('unit') && actor.unitId) {
    const u = p(actor.unitId);
    parts.push(`(${alias}.responsible_unit_id = ${u}::uuid OR ${u}::uuid = ANY(${alias}.cooperating_unit_ids))`);
  }
  const taskRoles = actor.roles.filter((r) => r === 'expert' || r === 'inspector' || r === 'thirdparty');
  if (taskRoles.length > 0) {
    parts.push(
      `EXISTS (SELECT 1 FROM case_tasks ct WHERE ct.city_id = ${alias}.city_id AND ct.problem_id = ${alias}.id
                 AND (ct.assignee_user_id = ${p(actor.userId)}::uuid OR ct.assignee_role = ANY(${p(taskRoles)}::text[])))`,
    );
  }
  if (actor.roles.includes('thirdparty')) parts.push(`${alias}.status = 'pending_verification'`);
  return { sql: parts.length ? `(${parts.join(' OR ')})` : 'false', params };
}
