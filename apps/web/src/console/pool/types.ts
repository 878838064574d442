/**
 * Shapes of the problem pool: TYPES ONLY, from the server's TypeBox schemas.
 */
import type { Static } from 'typebox';
import type {
  ProblemSummary,
  ProblemDetail,
  ProblemPage,
  ProblemFeatureCollection,
  ProblemListQuery,
  CategoryBody,
  MergeBody,
  SplitBody,
} from '@cityloop/server/schemas/problems';
import type { Taxonomy } from '@cityloop/server/schemas/taxonomy';

export type ProblemSummaryT = Static<typeof ProblemSummary>;
export type ProblemDetailT = Static<typeof ProblemDetail>;
export type ProblemReportT = ProblemDetailT['reports'][number];
export type ProblemEventT = ProblemDetailT['events'][number];
export type ProblemPageT = Static<typeof ProblemPage>;
export type ProblemCollectionT = Static<typeof ProblemFeatureCollection>;
export type ProblemQueryT = Static<typeof ProblemListQuery>;
export type CategoryBodyT = Static<typeof CategoryBody>;
export type MergeBodyT = Static<typeof MergeBody>;
export type SplitBodyT = Static<typeof SplitBody>;
export type TaxonomyT = Static<typeof Taxonomy>;
