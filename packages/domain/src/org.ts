/**
 * Organisation rules (SPEC.md M1, seed §3.2, §3.3, §4.1, §5.4).
 */

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
