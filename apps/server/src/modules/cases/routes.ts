import type { Permission } from '@cityloop/domain';
import type { App } from '../../http/app.ts';
import type { Actor } from '../../http/actor.ts';
import {
  AssignBody,
  CaseDetail,
  CaseIdParams,
  CaseListQuery,
  CasePage,
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
  type CloseoutBodyT,
  type ExtensionDecisionBodyT,
} from './schemas.ts';
import {
  acceptCase,
  assignCase,
  caseDetail,
  caseList,
  closeCase,
  decideExtension,
  dismissCase,
  giveOpinion,
  judgeCase,
  reportProgress,
  requestExtension,
  requestOpinion,
  returnCase,
  submitCloseout,
  verifyCaseTimeline,
} from './service.ts';

const tags = ['cases'];
const errorsNote =
  'Refusals: `case.invalid_transition` 409 (not possible in the current state — e.g. someone acted first), `case.forbidden` 403, `case.missing_evidence` 422 (lists what is missing), `case.reason_required` 422.';

export default async function caseRoutes(app: App) {
  app.get(
    '/cases',
    {
      config: { permission: 'case.read' },
      schema: {
        tags,
        summary: 'Cases of the rectification loop the caller may see (a unit: its own; `view=todo`: what waits for the caller)',
        querystring: CaseListQuery,
        response: { 200: CasePage },
      },
    },
    async (request) => caseList(app.db, request.actor, request.query),
  );
  app.get(
    '/cases/:id',
    {
      config: { permission: 'case.read' },
      schema: { tags, summary: 'One case: judgment, the three lists’ facts, tasks, the full timeline and what the caller may do now', params: CaseIdParams, response: { 200: CaseDetail } },
    },
    async (request) => caseDetail(app.db, request.actor, request.params.id),
  );
  app.get(
    '/cases/:id/timeline/verify',
    {
      config: { permission: 'case.verify_history' },
      schema: {
        tags,
        summary: 'Check that the case history was not altered (audit chain + each event’s digest)',
        params: CaseIdParams,
        response: { 200: TimelineCheck },
      },
    },
    async (request) => verifyCaseTimeline(app.db, request.actor, request.params.id),
  );

  // Every action answers the case as it now is, so the page redraws from one answer.
  const action = (
    path: string,
    permission: Permission,
    summary: string,
    body: object | null,
    run: (id: string, body: never, ip: string, request: { actor: Actor }) => Promise<unknown>,
  ) =>
    app.post(
      `/cases/:id/${path}`,
      {
        config: { permission },
        schema: { tags, summary, description: errorsNote, params: CaseIdParams, ...(body ? { body } : {}), response: { 200: CaseDetail } },
      },
      async (request) => run((request.params as { id: string }).id, (request.body ?? {}) as never, request.ip, request) as never,
    );

  action('judgment', 'case.judge', '研判: confirm category and risk (matrix), responsible and cooperating units, lead leader, deadline', JudgmentBody, (id, b, ip, r) =>
    judgeCase(app.db, r.actor, id, b, ip),
  );
  action('assign', 'case.judge', '交办: assign the judged case; sets the deadline from the working calendar and the notice number', AssignBody, (id, b: { note?: string | null }, ip, r) =>
    assignCase(app.db, r.actor, id, b.note, ip),
  );
  action('dismiss', 'case.judge', '不予受理: dismiss with a reason', ReasonBody, (id, b: { reason: string }, ip, r) => dismissCase(app.db, r.actor, id, b.reason, ip));
  action('opinion-requests', 'case.judge', '技术预审: ask an expert (or any expert) for a technical opinion', OpinionRequestBody, (id, b: { expertUserId?: string | null; note: string }, ip, r) =>
    requestOpinion(app.db, r.actor, id, b, ip),
  );
  action('opinions', 'case.opinion', 'Give a technical opinion (expert on request; third party or office during verification)', OpinionBody, (id, b: { opinion: string }, ip, r) =>
    giveOpinion(app.db, r.actor, id, b.opinion, ip),
  );
  action('accept', 'case.work', '签收: the responsible unit accepts the case', null, (id, _b, ip, r) => acceptCase(app.db, r.actor, id, ip));
  action('progress', 'case.work', '报送进展: the weekly progress report, with photos (ids from POST /api/v1/uploads)', ProgressBody, (id, b: { note: string; photoIds?: string[] }, ip, r) =>
    reportProgress(app.db, r.actor, id, b, ip),
  );
  action('extension', 'case.work', '申请延期: ask for a later last day, with a reason', ExtensionBody, (id, b: { proposedDay: string; reason: string }, ip, r) =>
    requestExtension(app.db, r.actor, id, b, ip),
  );
  action(
    'extension/decision',
    'case.decide_extension',
    'Decide an extension: approve, refuse, or rule case by case (一事一议, legacy problems only)',
    ExtensionDecisionBody,
    (id, b: ExtensionDecisionBodyT, ip, r) => decideExtension(app.db, r.actor, id, b, ip),
  );
  action(
    'closeout',
    'case.work',
    '申请销号: before/after photos, the third-party test report and the satisfaction receipt (satisfaction under 80% sends the case back at once)',
    CloseoutBody,
    (id, b: CloseoutBodyT, ip, r) => submitCloseout(app.db, r.actor, id, b, ip),
  );
  action('close', 'case.verify', '销号: the office closes the case after reviewing the evidence', CloseBody, (id, b: { note?: string | null }, ip, r) => closeCase(app.db, r.actor, id, b.note, ip));
  action('return', 'case.verify', '退回: return the close-out with reasons', ReasonBody, (id, b: { reason: string }, ip, r) => returnCase(app.db, r.actor, id, b.reason, ip));
}
