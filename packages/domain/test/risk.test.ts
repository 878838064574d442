import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assessRisk,
  defaultRiskThresholds,
  riskFactors,
  riskLevel,
  riskRank,
  riskThresholdProblems,
  type RiskLevel,
  type RiskScores,
  type RiskThresholds,
  seededRandom,
} from '../src/index.ts';

const s = (socialImpact: number, technicalDifficulty: number, fundingPressure: number): RiskScores => ({ socialImpact, technicalDifficulty, fundingPressure });

test('the default matrix, row by row', () => {
  const table: [RiskScores, RiskLevel, number][] = [
    [s(1, 1, 1), 'green', 1],
    [s(2, 2, 2), 'green', 2],
    [s(2, 3, 3), 'yellow', 2.5],
    [s(3, 1, 1), 'green', 2],
    [s(3, 2, 2), 'yellow', 2.5],
    [s(3, 3, 3), 'yellow', 3],
    [s(4, 4, 3), 'red', 3.75],
    [s(4, 3, 3), 'yellow', 3.5],
    [s(1, 5, 5), 'yellow', 3],
    [s(4, 5, 5), 'red', 4.5],
    [s(5, 1, 1), 'red', 3], // social impact 5 = a major safety hazard, whatever the cost
  ];
  for (const [scores, level, score] of table) {
    const a = assessRisk(scores);
    assert.equal(a.level, level, JSON.stringify(scores));
    assert.equal(a.score, score, JSON.stringify(scores));
  }
  assert.equal(assessRisk(s(5, 1, 1)).overriddenBy, 'socialImpact');
  assert.equal(assessRisk(s(4, 5, 5)).overriddenBy, null);
});

test('thresholds are configurable: weights, cut-offs and overrides', () => {
  const equal: RiskThresholds = { weights: { socialImpact: 1, technicalDifficulty: 1, fundingPressure: 1 }, yellow: 2, red: 4, redOverride: {} };
  assert.equal(riskLevel(s(5, 1, 1), equal), 'yellow');
  assert.equal(riskLevel(s(1, 1, 3), equal), 'green');
  assert.equal(riskLevel(s(4, 4, 4), equal), 'red');
  const fundingOverride = { ...equal, redOverride: { fundingPressure: 5 } };
  assert.equal(riskLevel(s(1, 1, 5), fundingOverride), 'red');
});

test('scores outside 1–5 are refused', () => {
  assert.throws(() => assessRisk(s(0, 1, 1)), RangeError);
  assert.throws(() => assessRisk(s(1, 6, 1)), RangeError);
  assert.throws(() => assessRisk(s(1, 1, 2.5)), RangeError);
});

test('bad thresholds are named', () => {
  assert.deepEqual(riskThresholdProblems(defaultRiskThresholds), []);
  const bad = (t: Partial<RiskThresholds>) => riskThresholdProblems({ ...defaultRiskThresholds, ...t });
  assert.match(bad({ yellow: 4, red: 3 }).join(), /yellow must not be above red/);
  assert.match(bad({ red: 6 }).join(), /red must be a score/);
  assert.match(bad({ weights: { socialImpact: 0, technicalDifficulty: 0, fundingPressure: 0 } }).join(), /at least one weight/);
  assert.match(bad({ weights: { socialImpact: -1, technicalDifficulty: 1, fundingPressure: 1 } }).join(), /weight of socialImpact/);
  assert.match(bad({ redOverride: { socialImpact: 0 } }).join(), /override of socialImpact/);
});


test('property: raising any factor never lowers the level, under any valid thresholds', () => {
  const r = seededRandom(42);
  const score = () => 1 + Math.floor(r() * 5);
  let checked = 0;
  for (let i = 0; i < 500; i++) {
    const y = 1 + r() * 4;
    const red = y + r() * (5 - y);
    const t: RiskThresholds = {
      weights: { socialImpact: r() * 3, technicalDifficulty: r() * 3, fundingPressure: r() * 3 + 0.01 },
      yellow: y,
      red,
      redOverride: r() < 0.5 ? { socialImpact: score() } : r() < 0.5 ? { technicalDifficulty: score(), fundingPressure: score() } : {},
    };
    assert.deepEqual(riskThresholdProblems(t), []);
    const base = s(score(), score(), score());
    for (const f of riskFactors) {
      for (let up = base[f] + 1; up <= 5; up++) {
        const raised = { ...base, [f]: up };
        assert.ok(riskRank(riskLevel(raised, t)) >= riskRank(riskLevel(base, t)), `${JSON.stringify(base)} → ${JSON.stringify(raised)} under ${JSON.stringify(t)}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 500);
});

test('exhaustively over all 125 score triples, the default matrix is monotonic', () => {
  for (let a = 1; a <= 5; a++)
    for (let b = 1; b <= 5; b++)
      for (let c = 1; c <= 5; c++) {
        const base = riskRank(riskLevel(s(a, b, c)));
        if (a < 5) assert.ok(riskRank(riskLevel(s(a + 1, b, c))) >= base);
        if (b < 5) assert.ok(riskRank(riskLevel(s(a, b + 1, c))) >= base);
        if (c < 5) assert.ok(riskRank(riskLevel(s(a, b, c + 1))) >= base);
      }
});
