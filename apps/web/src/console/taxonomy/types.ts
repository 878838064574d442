/**
 * Shapes of the taxonomy, classifier, import and sensor-threshold pages:
 * TYPES ONLY, from the server's TypeBox schemas.
 */
import type { Static } from "typebox";
import type {
  Category,
  ClassifierStatus,
  RiskAssessment,
  RiskScores,
  RiskThresholds,
  Subcategory,
  Suggestion,
  Taxonomy,
  TaxonomyEdit,
  TrainingSetResult,
  VersionSummary,
} from "@cityloop/server/schemas/taxonomy";
import type { CrossValidation, LabelScore } from "@cityloop/server/schemas/classifier";
import type { ImportBatch, Mapping, Preview } from "@cityloop/server/schemas/hotline";
import type { Threshold, ThresholdsPutBody } from "@cityloop/server/schemas/sensors";

export type TaxCategoryT = Static<typeof Category>;
export type TaxSubcategoryT = Static<typeof Subcategory>;
export type TaxonomyT = Static<typeof Taxonomy>;
export type TaxonomyEditT = Static<typeof TaxonomyEdit>;
export type VersionSummaryT = Static<typeof VersionSummary>;
export type RiskThresholdsT = Static<typeof RiskThresholds>;
export type RiskScoresT = Static<typeof RiskScores>;
export type RiskAssessmentT = Static<typeof RiskAssessment>;
export type TrainingSetResultT = Static<typeof TrainingSetResult>;
export type ClassifierStatusT = Static<typeof ClassifierStatus>;
export type SuggestionT = Static<typeof Suggestion>;
export type CrossValidationT = Static<typeof CrossValidation>;
export type LabelScoreT = Static<typeof LabelScore>;

export type ImportPreviewT = Static<typeof Preview>;
export type ImportMappingT = Static<typeof Mapping>;
export type ImportBatchT = Static<typeof ImportBatch>;
export type ImportFailureT = ImportBatchT["failures"][number];

export type SensorThresholdT = Static<typeof Threshold>;
export type SensorThresholdsPutT = Static<typeof ThresholdsPutBody>;
