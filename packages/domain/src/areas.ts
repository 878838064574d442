/**
 * The area hierarchy (SPEC.md M1): city → 片区 → 区县 → 街道 → 社区 → 单元网格.
 */
export const areaLevels = ['district', 'county', 'street', 'community', 'grid'] as const;
export type AreaLevel = (typeof areaLevels)[number];

export const areaLevelLabels: Record<AreaLevel, { zh: string; en: string }> = {
  district: { zh: '片区', en: 'District' },
  county: { zh: '区县', en: 'County' },
  street: { zh: '街道', en: 'Street' },
  community: { zh: '社区', en: 'Community' },
  grid: { zh: '单元网格', en: 'Grid cell' },
};

export function levelRank(level: AreaLevel): number {
  return areaLevels.indexOf(level);
}

/** A parent must sit exactly one level above its child (a 社区 belongs to a 街道). */
export function isValidParentLevel(child: AreaLevel, parent: AreaLevel | null): boolean {
  if (parent === null) return child === 'district';
  return levelRank(parent) === levelRank(child) - 1;
}

/** Area codes are printed on notices and typed by people: keep them short and plain. */
export function isValidAreaCode(code: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(code);
}
