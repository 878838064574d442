/**
 * The risk matrix (seed §6.3 问题风险评估矩阵; SPEC.md M2): social impact × technical
 * difficulty × funding pressure, each scored 1–5, give a level red / yellow / green
 * (§4.2 红黄绿三级). Red is a major safety hazard: an immediate alert, handled by the
 * city government (§5.3, §6.3 高风险问题由市政府牵头处置); yellow and green go to units
 * within their deadline.
 *
 * The level comes from a weighted mean of the three scores compared with two cut-offs,
 * plus overrides: a factor at or above its override score is red whatever the others
 * say (social impact 5 = lives at risk). Weights are non-negative and overrides only
 * ever raise the level, so raising any factor never lowers the level.
 */

export const riskLevels = ['green', 'yellow', 'red'] as const;
export type RiskLevel = (typeof riskLevels)[number];

export const riskFactors = ['socialImpact', 'technicalDifficulty', 'fundingPressure'] as const;
export type RiskFactor = (typeof riskFactors)[number];

export const riskFactorLabels: Record<RiskFactor, { zh: string; en: string }> = {
  socialImpact: { zh: '社会影响', en: 'Social impact' },
  technicalDifficulty: { zh: '技术难度', en: 'Technical difficulty' },
  fundingPressure: { zh: '资金压力', en: 'Funding pressure' },
};

export const riskLevelLabels: Record<RiskLevel, { zh: string; en: string }> = {
  red: { zh: '红色（重大风险）', en: 'Red (major)' },
  yellow: { zh: '黄色（较大风险）', en: 'Yellow (elevated)' },
  green: { zh: '绿色（一般风险）', en: 'Green (ordinary)' },
};

/** Each factor scored 1 (slight) to 5 (severe). */
export type RiskScores = Record<RiskFactor, number>;

export interface RiskThresholds {
  weights: Record<RiskFactor, number>;
  /** weighted score at or above which the level is yellow */
  yellow: number;
  /** weighted score at or above which the level is red */
  red: number;
  /** a factor scored at or above this is red regardless (absent = no override) */
  redOverride: Partial<Record<RiskFactor, number>>;
}

/**
 * Social impact counts double: the plan ranks 群众满意度 and safety first. A mean of
 * 3.75 (e.g. impact 4, difficulty 4, funding 3) is red, 2.5 yellow; impact 5 is red.
 */
export const defaultRiskThresholds: RiskThresholds = {
  weights: { socialImpact: 2, technicalDifficulty: 1, fundingPressure: 1 },
  yellow: 2.5,
  red: 3.75,
  redOverride: { socialImpact: 5 },
};

export interface RiskAssessment {
  level: RiskLevel;
  /** the weighted mean, 1–5, rounded to two decimals */
  score: number;
  /** the factor that forced red, when one did */
  overriddenBy: RiskFactor | null;
}

/** Everything wrong with a set of thresholds; empty when usable. */
export function riskThresholdProblems(t: RiskThresholds): string[] {
  const problems: string[] = [];
  let total = 0;
  for (const f of riskFactors) {
    const w = t.weights?.[f];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) problems.push(`weight of ${f} must be a number ≥ 0`);
    else total += w;
  }
  if (problems.length === 0 && total === 0) problems.push('at least one weight must be above 0');
  const inRange = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 1 && v <= 5;
  if (!inRange(t.yellow)) problems.push('yellow must be a score from 1 to 5');
  if (!inRange(t.red)) problems.push('red must be a score from 1 to 5');
  if (inRange(t.yellow) && inRange(t.red) && t.yellow > t.red) problems.push('yellow must not be above red');
  for (const [f, v] of Object.entries(t.redOverride ?? {})) {
    if (!(riskFactors as readonly string[]).includes(f)) problems.push(`override names an unknown factor ${f}`);
    else if (!inRange(v)) problems.push(`override of ${f} must be a score from 1 to 5`);
  }
  return problems;
}

/** Problems with a set of scores: each factor a whole number from 1 to 5. */
export function riskScoreProblems(s: RiskScores): string[] {
  return riskFactors.filter((f) => !Number.isInteger(s[f]) || s[f] < 1 || s[f] > 5).map((f) => `${f} must be a whole number from 1 to 5`);
}

export function assessRisk(scores: RiskScores, t: RiskThresholds = defaultRiskThresholds): RiskAssessment {
  const problems = riskScoreProblems(scores);
  if (problems.length) throw new RangeError(problems.join('; '));
  let sum = 0;
  let weight = 0;
  for (const f of riskFactors) {
    sum += t.weights[f] * scores[f];
    weight += t.weights[f];
  }
  const score = sum / weight;
  const overriddenBy = riskFactors.find((f) => t.redOverride[f] !== undefined && scores[f] >= t.redOverride[f]!) ?? null;
  // Compare the unrounded mean with a small tolerance so 3.7499999 from float weights counts as 3.75.
  const level: RiskLevel = overriddenBy || score >= t.red - 1e-9 ? 'red' : score >= t.yellow - 1e-9 ? 'yellow' : 'green';
  return { level, score: Math.round(score * 100) / 100, overriddenBy };
}

export function riskLevel(scores: RiskScores, t: RiskThresholds = defaultRiskThresholds): RiskLevel {
  return assessRisk(scores, t).level;
}

/** Orders levels: green < yellow < red. */
export function riskRank(level: RiskLevel): number {
  return riskLevels.indexOf(level);
}
