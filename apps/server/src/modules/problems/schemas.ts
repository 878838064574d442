import { Type, type Static } from 'typebox';
import { problemEventActions, problemStatuses, reportSources } from '@cityloop/domain';
import { AreaPath } from '../areas/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ProblemSummary = Type.Object(
  {
    id: Type.String(),
    status: Type.Enum([...problemStatuses]),
    statusLabel: Type.String(),
    statusCategory: Type.Enum(['open', 'in_progress', 'closed']),
    mergedIntoId: Nullable(Type.String()),
    title: Type.String(),
    /** null while the problem needs a location (需定位) */
    lng: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    /** 需定位: the clue came with an address (or nothing) that placed it no finer than a 街道; the office sets the point */
    needsLocation: Type.Boolean(),
    /** where the point came from: its first report (given, photo), the area its address names (approximate), the office, none yet */
    locationFrom: Type.Enum(['report', 'address', 'office', 'none']),
    address: Nullable(Type.String()),
    /** 片区 → 区县 → 街道 → 社区 → 网格, as far as known */
    areaPath: AreaPath,
    /** the same, written as on notices: 二七片区·二七区·淮河路街道·康丰社区·网格0003 */
    areaPathText: Type.String(),
    district: Nullable(Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() })),
    gridCode: Nullable(Type.String()),
    subcategoryCode: Nullable(Type.String()),
    categoryCode: Nullable(Type.String()),
    taxonomyVersion: Nullable(Type.Integer()),
    proposedUnit: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
    reportCount: Type.Integer(),
    sources: Type.Array(Type.Enum([...reportSources])),
    /** set by 研判 (the risk matrix) */
    riskLevel: Nullable(Type.Enum(['red', 'yellow', 'green'])),
    /** the rectification deadline, once assigned */
    deadline: Nullable(Type.String()),
    /** 滞后: past its deadline and not closed (derived, see the domain's isOverdueCase) */
    overdue: Type.Boolean(),
    firstReportedAt: Type.String(),
    lastReportedAt: Type.String(),
  },
  { $id: 'ProblemSummary' },
);
export type ProblemSummaryT = Static<typeof ProblemSummary>;

export const Reporter = Type.Object({
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  /** false only for office and admin, whose view is audited as `person.view` */
  masked: Type.Boolean(),
});

export const ProblemReport = Type.Object({
  id: Type.String(),
  ticket: Type.String(),
  serviceRequestId: Type.String(),
  source: Type.Enum([...reportSources]),
  externalId: Nullable(Type.String()),
  text: Type.String(),
  lng: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  /** given by the reporter, a photo's EXIF, the area the address names, the office, or none yet */
  locationFrom: Type.Enum(['given', 'photo', 'address', 'office', 'none']),
  address: Nullable(Type.String()),
  subcategoryCode: Nullable(Type.String()),
  classificationConfidence: Nullable(Type.Number()),
  submittedAt: Type.String(),
  reporter: Nullable(Reporter),
  media: Type.Array(Type.Object({ id: Type.String(), url: Type.String(), thumbUrl: Type.String() })),
});

export const ProblemEvent = Type.Object({
  at: Type.String(),
  action: Type.Enum([...problemEventActions]),
  actor: Type.String(),
  reportId: Nullable(Type.String()),
  otherProblemId: Nullable(Type.String()),
  status: Nullable(Type.String()),
  note: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const ProblemDetail = Type.Intersect([ProblemSummary, Type.Object({ reports: Type.Array(ProblemReport), events: Type.Array(ProblemEvent) })]);
export type ProblemDetailT = Static<typeof ProblemDetail>;

export const ProblemListQuery = Type.Object({
  status: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', description: 'one or more statuses, comma-separated' })),
  subcategory: Type.Optional(Type.String({ maxLength: 20, description: 'a subcategory (JS-03) or a whole category (JS)' })),
  district: Type.Optional(Type.String({ format: 'uuid', description: 'a 片区 id' })),
  source: Type.Optional(Type.Enum([...reportSources])),
  bbox: Type.Optional(Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$', description: 'minLng,minLat,maxLng,maxLat' })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'text, address or ticket' })),
  needsLocation: Type.Optional(Type.Boolean({ description: 'true: only problems needing a location (需定位); false: only located ones' })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});
export type ProblemListQueryT = Static<typeof ProblemListQuery>;

export const ProblemPage = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  items: Type.Array(ProblemSummary),
});

export const ProblemFeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
      properties: ProblemSummary,
    }),
  ),
});

export const ProblemIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CategoryBody = Type.Object(
  { subcategoryCode: Type.String({ minLength: 1, maxLength: 20 }), reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const MergeBody = Type.Object({ intoProblemId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
export const SplitBody = Type.Object(
  { reportIds: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);

export const LocateBody = Type.Object(
  {
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false, description: 'the point, WGS-84 (from the pool map, or a place found with GET /areas/search)' },
);
