/**
 * Organisation rules (SPEC.md M1, seed §3.2, §3.3, §4.1, §5.4).
 */
import type { Role, UserRole } from './roles.ts';

/** 10 teams of 1 lead + 2 experts + 1 discipline + 1 recorder (§4.1). */
export const teamComposition = { lead: 1, expert: 2, discipline: 1, recorder: 1 } as const;
export type TeamRole = keyof typeof teamComposition;
export const teamRoles = Object.keys(teamComposition) as TeamRole[];

/** The 4 specialist groups (§3.2). */
export const specialistGroups = ['infrastructure', 'public_service', 'ecology', 'history_culture'] as const;
export type SpecialistGroup = (typeof specialistGroups)[number];
export const specialistGroupLabels: Record<SpecialistGroup, { zh: string; en: string }> = {
  infrastructure: { zh: '基础设施组', en: 'Infrastructure' },
  public_service: { zh: '公共服务组', en: 'Public service' },
  ecology: { zh: '生态环境组', en: 'Ecology' },
  history_culture: { zh: '历史文化组', en: 'History & culture' },
};

/** The 12 fields of the expert committee (§5.4: 规划、建筑、环境、法律等12个领域). */
export const expertFields = [
  'planning',
  'architecture',
  'structural',
  'municipal',
  'transport',
  'water',
  'environment',
  'landscape',
  'heritage',
  'law',
  'public_admin',
  'cost',
] as const;
export type ExpertField = (typeof expertFields)[number];
export const expertFieldLabels: Record<ExpertField, { zh: string; en: string }> = {
  planning: { zh: '城乡规划', en: 'Urban planning' },
  architecture: { zh: '建筑设计', en: 'Architecture' },
  structural: { zh: '结构工程', en: 'Structural engineering' },
  municipal: { zh: '市政工程', en: 'Municipal engineering' },
  transport: { zh: '交通工程', en: 'Transport engineering' },
  water: { zh: '水利与排水', en: 'Water & drainage' },
  environment: { zh: '环境科学', en: 'Environmental science' },
  landscape: { zh: '园林绿化', en: 'Landscape' },
  heritage: { zh: '历史文化保护', en: 'Heritage conservation' },
  law: { zh: '法律', en: 'Law' },
  public_admin: { zh: '公共管理', en: 'Public administration' },
  cost: { zh: '工程造价', en: 'Cost engineering' },
};

/** 固定专家 take part in major judgments; 动态专家 are called for specific problems (§5.4). */
export const expertModes = ['fixed', 'on_call'] as const;
export type ExpertMode = (typeof expertModes)[number];

export const unitKinds = ['government', 'district_government', 'enterprise', 'third_party'] as const;
export type UnitKind = (typeof unitKinds)[number];

/** A/B staff (AB角, §3.3): the primary and the backup person of a unit. */
export const staffSlots = ['A', 'B'] as const;
export type StaffSlot = (typeof staffSlots)[number];

export interface TeamMemberRef {
  userId: string;
  teamRole: TeamRole;
}

/**
 * Problems with a proposed team: missing or surplus seats, a person seated
 * twice. An empty list means the team has the plan's composition.
 */
export function teamCompositionProblems(members: readonly TeamMemberRef[]): string[] {
  const problems: string[] = [];
  for (const role of teamRoles) {
    const n = members.filter((m) => m.teamRole === role).length;
    if (n !== teamComposition[role]) problems.push(`${role}: expected ${teamComposition[role]}, got ${n}`);
  }
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m.userId)) problems.push(`user ${m.userId} holds more than one seat`);
    seen.add(m.userId);
  }
  return problems;
}

/**
 * Which account role a person needs for each seat of a team (§4.1): the lead and
 * the recorder are inspectors, the experts come from the expert library, the
 * discipline member is a 纪检 officer.
 */
export const seatRoles: Record<TeamRole, readonly UserRole[]> = {
  lead: ['inspector'],
  recorder: ['inspector'],
  expert: ['expert'],
  discipline: ['discipline'],
};

export interface SeatCandidate extends TeamMemberRef {
  /** the roles the person's account holds; an inactive account holds none */
  roles: readonly UserRole[];
}

/** Members whose account does not hold the role their seat needs; empty when every seat fits. */
export function seatProblems(members: readonly SeatCandidate[]): string[] {
  return members
    .filter((m) => !m.roles.some((r) => seatRoles[m.teamRole].includes(r)))
    .map((m) => `user ${m.userId} cannot sit as ${m.teamRole}: needs role ${seatRoles[m.teamRole].join(' or ')}`);
}

/**
 * Roles that see every unit (or every team) of the city. Anyone else who may read
 * units at all (a unit's staff, a third party) sees only their own unit; an
 * inspector sees only the teams they sit in.
 */
const cityWideUnitReaders: readonly Role[] = ['admin', 'office', 'leader', 'discipline', 'inspector', 'expert'];
const cityWideTeamReaders: readonly Role[] = ['admin', 'office', 'leader', 'discipline'];

export function seesOnlyOwnUnit(held: readonly Role[]): boolean {
  return !held.some((r) => cityWideUnitReaders.includes(r));
}

export function seesOnlyOwnTeams(held: readonly Role[]): boolean {
  return !held.some((r) => cityWideTeamReaders.includes(r));
}

/**
 * What a unit is responsible for. The taxonomy names a duty as the default
 * responsible unit of each subcategory; routing finds the unit with that duty
 * (`district` = the district government of the place: 属地管理).
 */
export const unitDuties = [
  'housing',
  'planning',
  'urban_management',
  'water',
  'environment',
  'transport',
  'landscape',
  'heritage',
  'education',
  'health',
  'emergency',
  'water_supply',
  'gas',
  'metro',
  'municipal_works',
  'district',
] as const;
export type UnitDuty = (typeof unitDuties)[number];
export const unitDutyLabels: Record<UnitDuty, { zh: string; en: string }> = {
  housing: { zh: '住房和城乡建设', en: 'Housing & construction' },
  planning: { zh: '自然资源和规划', en: 'Planning' },
  urban_management: { zh: '城市管理', en: 'Urban management' },
  water: { zh: '水利排水', en: 'Water & drainage' },
  environment: { zh: '生态环境', en: 'Environment' },
  transport: { zh: '交通运输', en: 'Transport' },
  landscape: { zh: '园林绿化', en: 'Landscape' },
  heritage: { zh: '文物保护', en: 'Heritage' },
  education: { zh: '教育', en: 'Education' },
  health: { zh: '卫生健康', en: 'Health' },
  emergency: { zh: '应急管理', en: 'Emergency management' },
  water_supply: { zh: '供水', en: 'Water supply' },
  gas: { zh: '燃气', en: 'Gas' },
  metro: { zh: '轨道交通', en: 'Metro' },
  municipal_works: { zh: '市政工程', en: 'Municipal works' },
  district: { zh: '属地区政府', en: 'District government (territorial)' },
};
