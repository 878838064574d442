/**
 * Shapes of the case workbench (办案): TYPES ONLY, from the server's TypeBox schemas.
 */
import type { Static } from 'typebox';
import type {
  AssignBody,
  CaseDetail,
  CaseListQuery,
  CasePage,
  CaseSummary,
  CloseBody,
  CloseoutBody,
  ExtensionBody,
  ExtensionDecisionBody,
  JudgmentBody,
  OpinionBody,
  OpinionRequestBody,
  ProgressBody,
  ReasonBody,
  TimelineCheck,
} from '@cityloop/server/schemas/cases';
// Uploads live in the server's cross-cutting files/ folder, outside the `@cityloop/server/schemas/<module>` map.
import type { EvidenceFile, Upload } from '../../../../server/src/files/schemas.ts';

export type CaseSummaryT = Static<typeof CaseSummary>;
export type CasePageT = Static<typeof CasePage>;
export type CaseListQueryT = Static<typeof CaseListQuery>;
export type CaseDetailT = Static<typeof CaseDetail>;
export type CaseEventT = CaseDetailT['timeline'][number];
export type CaseTaskT = CaseDetailT['tasks'][number];
/** what was reported, as every role that sees the case reads it (phones masked) */
export type CaseReportT = CaseDetailT['reports'][number];
export type CloseoutT = NonNullable<CaseDetailT['closeout']>;
/** a close-out file's type: a photo shows as a picture, a PDF as a document */
export type CloseoutFileT = CloseoutT['files'][number];
export type AllowedActionT = CaseDetailT['allowedActions'][number];
export type TimelineCheckT = Static<typeof TimelineCheck>;

export type JudgmentBodyT = Static<typeof JudgmentBody>;
export type AssignBodyT = Static<typeof AssignBody>;
export type ReasonBodyT = Static<typeof ReasonBody>;
export type OpinionRequestBodyT = Static<typeof OpinionRequestBody>;
export type OpinionBodyT = Static<typeof OpinionBody>;
export type ProgressBodyT = Static<typeof ProgressBody>;
export type ExtensionBodyT = Static<typeof ExtensionBody>;
export type ExtensionDecisionBodyT = Static<typeof ExtensionDecisionBody>;
export type CloseoutBodyT = Static<typeof CloseoutBody>;
export type CloseBodyT = Static<typeof CloseBody>;

export type UploadT = Static<typeof Upload>;
export type EvidenceFileT = Static<typeof EvidenceFile>;
