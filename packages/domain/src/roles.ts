/**
 * Roles (SPEC.md "Who uses it") and the permission table.
 *
 * Permissions are `noun.verb` words. Each route declares one; the server's
 * auth hook enforces it, OpenAPI shows it as `x-roles`, and the web console
 * builds its navigation from the same table, so the three cannot drift.
 */
export const staffRoles = [
  'admin',
  'office',
  'leader',
  'inspector',
  'expert',
  'unit',
  'thirdparty',
  'discipline',
] as const;

/** Roles a user account can hold. `citizen` logs in on the citizen pages. */
export const userRoles = [...staffRoles, 'citizen'] as const;
export type UserRole = (typeof userRoles)[number];

/** `integration` is the role of an API key; `public` means no login at all. */
export type Role = UserRole | 'integration' | 'public';

export const roleLabels: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'Administrator' },
  office: { zh: '领导小组办公室', en: 'Office' },
  leader: { zh: '领导小组', en: 'Leader' },
  inspector: { zh: '视察组', en: 'Inspector' },
  expert: { zh: '专家', en: 'Expert' },
  unit: { zh: '责任单位', en: 'Responsible unit' },
  thirdparty: { zh: '第三方机构', en: 'Third party' },
  discipline: { zh: '纪检', en: 'Discipline' },
  citizen: { zh: '市民', en: 'Citizen' },
  integration: { zh: '系统对接', en: 'Integration' },
  public: { zh: '公众', en: 'Public' },
};

const everyone: readonly Role[] = ['public'];
const signedIn: readonly Role[] = [...userRoles, 'integration'];
const staff: readonly Role[] = staffRoles;

/**
 * Who may do what. `public` in a list means anyone, signed in or not.
 * Scope (which unit, which district, own report) is checked by the service
 * on the record itself; this table only says which roles may try.
 */
export const permissions = {
  'health.read': everyone,
  'city.read': everyone,
  'auth.login': everyone,
  'auth.logout': signedIn,
  'auth.me': signedIn,
  'area.read': everyone,
  'area.locate': everyone,
  'area.import': ['admin'],
  'area.update': ['admin'],
  'unit.read': ['admin', 'office', 'leader', 'discipline', 'unit', 'inspector', 'expert', 'thirdparty'],
  'unit.manage': ['admin'],
  'user.read': ['admin', 'office'],
  'user.manage': ['admin'],
  'team.read': ['admin', 'office', 'leader', 'discipline', 'inspector'],
  'team.manage': ['admin'],
  'expert.read': ['admin', 'office', 'leader', 'discipline'],
  'expert.manage': ['admin'],
  'apikey.manage': ['admin'],
  'settings.read': staff,
  'settings.manage': ['admin'],
  'audit.read': ['admin', 'discipline'],
  'notification.read': userRoles,
  'taxonomy.read': everyone,
  'taxonomy.manage': ['admin'],
  'taxonomy.classifier_read': ['admin', 'office'],
  'risk.read': ['admin', 'office', 'leader'],
  'risk.manage': ['admin'],
  'classifier.train': ['admin', 'office'],
  'classifier.predict': ['admin', 'office'],
  'upload.create': everyone,
  'file.read_public': everyone,
  'report.create': everyone,
  'report.track': everyone,
  'problem.read': ['admin', 'office', 'leader', 'discipline'],
  'problem.manage': ['admin', 'office'],
  // Open311 GeoReport v2 is public by its own spec; posting needs the spec's
  // `api_key` (a form field, checked by the open311 module, scope `open311.post`).
  'open311.read': everyone,
  'open311.post': everyone,
  'import.create': ['admin', 'office'],
  'import.read': ['admin', 'office', 'discipline'],
  // API keys only; the key must also carry the scope of the same name.
  'sensor.post': ['integration'],
  'detection.post': ['integration'],
  'threshold.read': ['admin', 'office'],
  'threshold.manage': ['admin'],
  'calendar.read': staff,
  'calendar.manage': ['admin'],
  // The rectification loop (SPEC.md M6, M7). Which cases each role sees is scoped by the
  // service: a unit its own (responsible or cooperating), an expert or inspector the cases
  // of their tasks, the third party the cases awaiting verification or re-check.
  'case.read': ['admin', 'office', 'leader', 'discipline', 'unit', 'inspector', 'expert', 'thirdparty'],
  'case.judge': ['office'],
  'case.opinion': ['expert', 'office', 'thirdparty'],
  'case.work': ['unit'],
  'case.decide_extension': ['office', 'leader'],
  'case.verify': ['office'],
  'case.recheck': ['office', 'inspector', 'thirdparty'],
  'case.verify_history': ['admin', 'discipline'],
  'evidence.upload': ['office', 'unit', 'thirdparty', 'inspector', 'expert'],
  'lists.read': ['admin', 'office', 'leader', 'discipline', 'unit'],
  'consolidation.read': ['admin', 'office', 'leader', 'discipline', 'unit'],
  'consolidation.manage': ['office'],
  'escalation.read': ['admin', 'office', 'leader', 'discipline', 'unit'],
  'escalation.manage': ['office', 'leader'],
  'loop.settings': ['admin', 'office'],
  'channel.manage': ['admin', 'office'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function rolesFor(permission: Permission): readonly Role[] {
  return permissions[permission];
}

/** True when an actor holding `held` roles may use `permission`. */
export function isAllowed(permission: Permission, held: readonly Role[]): boolean {
  const allowed = permissions[permission] as readonly Role[];
  if (allowed.includes('public')) return true;
  return held.some((r) => allowed.includes(r));
}

/** True when the permission can be used without signing in. */
export function isPublic(permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes('public');
}
