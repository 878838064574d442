/**
 * Shapes the citizen pages exchange with the server: TYPES ONLY, taken from
 * the server's TypeBox schemas (one schema per shape), never hand-copied.
 */
import type { Static } from 'typebox';
import type { City } from '@cityloop/server/schemas/city';
import type { LocateResult, AreaFeatureCollection } from '@cityloop/server/schemas/areas';
import type { Taxonomy, Suggestion } from '@cityloop/server/schemas/taxonomy';
import type { CitizenReportBody, CitizenReceipt, ReportStatus } from '@cityloop/server/schemas/reports';
// The upload schema lives in the server's cross-cutting files/ folder, outside
// the `@cityloop/server/schemas/<module>` export map.
import type { Upload } from '../../../server/src/files/schemas.ts';

export type CityT = Static<typeof City>;
export type LocateResultT = Static<typeof LocateResult>;
export type AreaCollectionT = Static<typeof AreaFeatureCollection>;
export type TaxonomyT = Static<typeof Taxonomy>;
export type SuggestionT = Static<typeof Suggestion>;
export type UploadT = Static<typeof Upload>;
export type ReportBodyT = Static<typeof CitizenReportBody>;
export type ReportCreatedT = Static<typeof CitizenReceipt>;
export type ReportStatusT = Static<typeof ReportStatus>;
