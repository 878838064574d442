/**
 * What the caller may do on a case now. The buttons come ONLY from the case's
 * `allowedActions` (the domain's transition table for the caller's roles, narrowed by
 * the server to the record), so a unit never sees the office's buttons. Each action is
 * a small dialog; its answer is the case as it now is, and the page redraws from it.
 */
import { useCallback, useState, type ReactNode } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Divider,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Tooltip,
  Typography,
} from 'antd';
import { satisfactionForcesRework, satisfactionThreshold, type CaseAction } from '@cityloop/domain';
import { api } from '../api.ts';
import { requiredRule, useFetch } from '../hooks.tsx';
import { useLang } from '../i18n.ts';
import type { UserT } from '../types.ts';
import type { TaxonomyT } from '../taxonomy/types.ts';
import { CaseError, cityDay, FileIdsInput, fmtDeadline, UploadBusyContext, useTimeZone } from './common.tsx';
import { JudgeForm } from './JudgeForm.tsx';
import type {
  AllowedActionT,
  CaseDetailT,
  CloseoutBodyT,
  ExtensionBodyT,
  ExtensionDecisionBodyT,
  OpinionRequestBodyT,
  ProgressBodyT,
} from './types.ts';

/** The dialogs: one per action, the three extension decisions share one, plus the expert request. */
type Dialog =
  Exclude<CaseAction, 'judge' | 'approve_extension' | 'refuse_extension' | 'rule_case_by_case'> | 'decide_extension' | 'request_opinion';

const extensionDecisions: Record<string, ExtensionDecisionBodyT['decision']> = {
  approve_extension: 'approve',
  refuse_extension: 'refuse',
  rule_case_by_case: 'rule_case_by_case',
};

// The order the buttons show in, the usual next step first.
const order: Dialog[] = [
  'accept',
  'report_progress',
  'submit_closeout',
  'request_extension',
  'decide_extension',
  'assign',
  'request_opinion',
  'give_opinion',
  'close',
  'return',
  'dismiss',
];
const primary = new Set<Dialog>(['accept', 'submit_closeout', 'assign', 'close', 'decide_extension']);
const danger = new Set<Dialog>(['dismiss', 'return']);

export function CaseActions({
  detail,
  taxonomy,
  onChange,
}: {
  detail: CaseDetailT;
  taxonomy: TaxonomyT | null;
  onChange: (d: CaseDetailT) => void;
}) {
  const { t, pick } = useLang();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const allowed = new Map<string, AllowedActionT>(detail.allowedActions.map((a) => [a.action, a]));

  const dialogs = new Map<Dialog, string>();
  for (const a of detail.allowedActions) {
    if (a.action === 'judge') continue;
    if (a.action in extensionDecisions) dialogs.set('decide_extension', t('cases.decideExtension'));
    else dialogs.set(a.action as Dialog, pick(a.label));
  }
  // 技术预审: not a transition of its own; the office may ask while it judges or verifies.
  if (allowed.has('judge') || allowed.has('close')) dialogs.set('request_opinion', t('cases.requestOpinion'));
  const buttons = order.filter((d) => dialogs.has(d));

  const done = (d: CaseDetailT) => {
    setDialog(null);
    onChange(d);
  };

  return (
    <Card size="small" title={t('cases.actionsTitle')} data-testid="case-actions">
      {allowed.has('judge') ? (
        <>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('cases.judge.title')}
          </Typography.Title>
          <JudgeForm detail={detail} taxonomy={taxonomy} onDone={onChange} />
          {buttons.length ? <Divider style={{ margin: '16px 0 12px' }} /> : null}
        </>
      ) : null}
      {buttons.length ? (
        <Space wrap>
          {buttons.map((d) => {
            const notJudged = d === 'assign' && !detail.judgedAt;
            const button = (
              <Button
                key={d}
                type={primary.has(d) ? 'primary' : 'default'}
                danger={danger.has(d)}
                disabled={notJudged}
                onClick={() => setDialog(d)}
                data-testid={`case-action-${d}`}
              >
                {dialogs.get(d)}
              </Button>
            );
            return notJudged ? (
              <Tooltip key={d} title={t('cases.mustJudgeFirst')}>
                <span>{button}</span>
              </Tooltip>
            ) : (
              button
            );
          })}
        </Space>
      ) : allowed.has('judge') ? null : (
        <Typography.Text type="secondary" data-testid="case-no-actions">
          {t('cases.nothingToDo')}
        </Typography.Text>
      )}
      {/* 回头看 (re-check): its actions (recheck_relapse …) are the re-check page's; the server leaves them out of allowedActions here. */}
      {dialog ? (
        <ActionDialog dialog={dialog} title={dialogs.get(dialog)!} detail={detail} onCancel={() => setDialog(null)} onDone={done} />
      ) : null}
    </Card>
  );
}

/** One action's dialog: its form, the call, the inline error of a refusal. */
function ActionModal<V extends object>({
  title,
  okDanger,
  onCancel,
  submit,
  onDone,
  initialValues,
  children,
}: {
  title: string;
  okDanger?: boolean;
  onCancel: () => void;
  submit: (v: V) => Promise<CaseDetailT>;
  onDone: (d: CaseDetailT) => void;
  initialValues?: Partial<V>;
  children: ReactNode;
}) {
  const { t } = useLang();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<V>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [uploading, setUploading] = useState<Record<string, boolean>>({});
  const setBusy = useCallback((key: string, busy: boolean) => setUploading((u) => (u[key] === busy ? u : { ...u, [key]: busy })), []);
  const stillUploading = Object.values(uploading).some(Boolean);

  async function ok() {
    let values: V;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const d = await submit(values);
      void message.success(t('cases.done', { action: title }));
      onDone(d);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open
      title={title}
      onCancel={onCancel}
      onOk={() => void ok()}
      okText={title}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{
        danger: okDanger,
        disabled: stillUploading,
        title: stillUploading ? t('cases.uploading') : undefined,
        ...{ 'data-testid': 'case-modal-ok' },
      }}
      maskClosable={false}
      data-testid="case-modal"
    >
      <UploadBusyContext.Provider value={setBusy}>
        <CaseError error={error} />
        <Form<V> form={form} layout="vertical" initialValues={initialValues} requiredMark={false} disabled={saving}>
          {children}
        </Form>
      </UploadBusyContext.Provider>
    </Modal>
  );
}

function ActionDialog({
  dialog,
  title,
  detail,
  onCancel,
  onDone,
}: {
  dialog: Dialog;
  title: string;
  detail: CaseDetailT;
  onCancel: () => void;
  onDone: (d: CaseDetailT) => void;
}) {
  const { t, lang } = useLang();
  const tz = useTimeZone();
  const post = <B,>(path: string, body?: B) => api.post<CaseDetailT>(`/cases/${detail.id}/${path}`, body);
  const common = { title, onCancel, onDone };
  const text = (name: string, label: string, required: boolean, max = 2000, testId = `case-f-${name}`) => (
    <Form.Item name={name} label={label} rules={required ? [requiredRule(t, label)] : []}>
      <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={max} showCount data-testid={testId} />
    </Form.Item>
  );
  const hint = (s: ReactNode) => <Alert type="info" showIcon style={{ marginBottom: 12 }} title={s} />;

  switch (dialog) {
    case 'accept':
      return (
        <ActionModal<object> {...common} submit={() => post('accept')}>
          {hint(`${detail.noticeNo ?? ''} ${t('cases.deadline')}：${fmtDeadline(detail.deadline, tz, lang) || t('cases.noDeadline')}`)}
        </ActionModal>
      );
    case 'assign':
      return (
        <ActionModal<{ note?: string }> {...common} submit={(v) => post('assign', { note: v.note?.trim() || null })}>
          {hint(t('cases.assign.hint'))}
          {detail.proposedDeadline ? (
            <p>
              {t('cases.proposedDeadline')} <b>{fmtDeadline(detail.proposedDeadline, tz, lang)}</b>
            </p>
          ) : null}
          {text('note', t('cases.assign.note'), false)}
        </ActionModal>
      );
    case 'dismiss':
    case 'return':
      return (
        <ActionModal<{ reason: string }> {...common} okDanger submit={(v) => post(dialog, { reason: v.reason.trim() })}>
          {text('reason', t('cases.reason'), true)}
        </ActionModal>
      );
    case 'give_opinion':
      return (
        <ActionModal<{ opinion: string }> {...common} submit={(v) => post('opinions', { opinion: v.opinion.trim() })}>
          {text('opinion', t('cases.opinion.text'), true, 4000)}
        </ActionModal>
      );
    case 'request_opinion':
      return <OpinionRequestDialog {...common} post={post} />;
    case 'report_progress':
      return (
        <ActionModal<{ note: string; photoIds?: string[] }>
          {...common}
          submit={(v) => post<ProgressBodyT>('progress', { note: v.note.trim(), photoIds: v.photoIds ?? [] })}
        >
          {text('note', t('cases.progress.note'), true, 4000)}
          <Form.Item name="photoIds" label={t('cases.progress.photos')}>
            <FileIdsInput kind="photo" max={9} testId="case-f-progress-photos" />
          </Form.Item>
        </ActionModal>
      );
    case 'request_extension': {
      // the day after the current deadline (a deadline ends at 24:00, so one millisecond later is the next day)
      const min = detail.deadline ? cityDay(new Date(new Date(detail.deadline).getTime() + 1).toISOString(), tz) : undefined;
      return (
        <ActionModal<{ proposedDay: string; reason: string }>
          {...common}
          submit={(v) => post<ExtensionBodyT>('extension', { proposedDay: v.proposedDay, reason: v.reason.trim() })}
        >
          {detail.deadline ? hint(t('cases.extension.current', { day: fmtDeadline(detail.deadline, tz, lang) })) : null}
          <Form.Item name="proposedDay" label={t('cases.extension.day')} rules={[requiredRule(t, t('cases.extension.day'))]}>
            <Input type="date" min={min} style={{ width: 180 }} data-testid="case-f-proposedDay" />
          </Form.Item>
          {text('reason', t('cases.extension.reason'), true)}
        </ActionModal>
      );
    }
    case 'decide_extension':
      return <DecisionDialog {...common} detail={detail} post={post} />;
    case 'submit_closeout':
      return <CloseoutDialog {...common} post={post} />;
    case 'close':
      return (
        <ActionModal<{ note?: string }> {...common} submit={(v) => post('close', { note: v.note?.trim() || null })}>
          {hint(t('cases.close.hint'))}
          {text('note', t('cases.note'), false)}
        </ActionModal>
      );
    default:
      return null;
  }
}

type Post = <B>(path: string, body?: B) => Promise<CaseDetailT>;
interface DialogProps {
  title: string;
  onCancel: () => void;
  onDone: (d: CaseDetailT) => void;
  post: Post;
}

function OpinionRequestDialog({ post, ...common }: DialogProps) {
  const { t } = useLang();
  const { data: experts } = useFetch<UserT[]>('/users', { role: 'expert' });
  return (
    <ActionModal<{ expertUserId?: string; note: string }>
      {...common}
      submit={(v) => post<OpinionRequestBodyT>('opinion-requests', { expertUserId: v.expertUserId ?? null, note: v.note.trim() })}
    >
      <Form.Item name="expertUserId" label={t('cases.opinionReq.expert')}>
        <Select
          allowClear
          placeholder={t('cases.anyExpert')}
          showSearch={{ optionFilterProp: 'label' }}
          options={(experts ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.displayName }))}
          data-testid="case-f-expert"
        />
      </Form.Item>
      <Form.Item name="note" label={t('cases.opinionReq.note')} rules={[requiredRule(t, t('cases.opinionReq.note'))]}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} data-testid="case-f-note" />
      </Form.Item>
    </ActionModal>
  );
}

function DecisionDialog({ post, detail, ...common }: DialogProps & { detail: CaseDetailT }) {
  const { t, lang } = useLang();
  const tz = useTimeZone();
  // only the decisions the server lists for this caller and case (一事一议 only for legacy problems)
  const choices = detail.allowedActions.filter((a) => a.action in extensionDecisions).map((a) => extensionDecisions[a.action]!);
  const label = { approve: t('cases.decision.approve'), refuse: t('cases.decision.refuse'), rule_case_by_case: t('cases.decision.rule') };
  const [choice, setChoice] = useState<ExtensionDecisionBodyT['decision']>(choices[0] ?? 'approve');
  return (
    <ActionModal<{ decision: ExtensionDecisionBodyT['decision']; newDay?: string; note?: string }>
      {...common}
      initialValues={{ decision: choices[0] }}
      submit={(v) =>
        post<ExtensionDecisionBodyT>('extension/decision', {
          decision: v.decision,
          newDay: v.decision === 'refuse' ? null : v.newDay || null,
          note: v.note?.trim() || null,
        })
      }
    >
      {detail.extensionProposedDeadline ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('cases.decision.asked', { day: fmtDeadline(detail.extensionProposedDeadline, tz, lang) })}
        />
      ) : null}
      <Form.Item name="decision" label={t('cases.decision.choice')}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          onChange={(e) => setChoice(e.target.value)}
          options={choices.map((c) => ({ value: c, label: label[c] }))}
          data-testid="case-f-decision"
        />
      </Form.Item>
      {choice !== 'refuse' ? (
        <Form.Item name="newDay" label={t('cases.decision.newDay')}>
          <Input type="date" style={{ width: 180 }} data-testid="case-f-newDay" />
        </Form.Item>
      ) : null}
      <Form.Item
        name="note"
        label={t('cases.decision.note')}
        rules={choice === 'approve' ? [] : [requiredRule(t, t('cases.decision.note'))]}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="case-f-note" />
      </Form.Item>
    </ActionModal>
  );
}

interface CloseoutValues {
  beforePhotoIds: string[];
  afterPhotoIds: string[];
  report: string[];
  receipt: string[];
  satisfactionScore: number;
  note?: string;
}

function CloseoutDialog({ post, ...common }: DialogProps) {
  const { t } = useLang();
  const [score, setScore] = useState<number | null>(null);
  const files = (label: string) => ({
    label,
    rules: [
      {
        validator: (_: unknown, v: string[] | undefined) =>
          v?.length ? Promise.resolve() : Promise.reject(new Error(t('cases.closeoutForm.need', { what: label }))),
      },
    ],
  });
  return (
    <ActionModal<CloseoutValues>
      {...common}
      submit={(v) =>
        post<CloseoutBodyT>('closeout', {
          beforePhotoIds: v.beforePhotoIds,
          afterPhotoIds: v.afterPhotoIds,
          thirdPartyReportId: v.report[0]!,
          satisfactionReceiptId: v.receipt[0]!,
          satisfactionScore: v.satisfactionScore,
          note: v.note?.trim() || null,
        })
      }
    >
      <Form.Item name="beforePhotoIds" {...files(t('cases.closeoutForm.before'))}>
        <FileIdsInput kind="photo" max={9} testId="case-f-before" />
      </Form.Item>
      <Form.Item name="afterPhotoIds" {...files(t('cases.closeoutForm.after'))}>
        <FileIdsInput kind="photo" max={9} testId="case-f-after" />
      </Form.Item>
      <Form.Item name="report" {...files(t('cases.closeoutForm.report'))}>
        <FileIdsInput kind="evidence" max={1} testId="case-f-report" />
      </Form.Item>
      <Form.Item name="receipt" {...files(t('cases.closeoutForm.receipt'))}>
        <FileIdsInput kind="evidence" max={1} testId="case-f-receipt" />
      </Form.Item>
      <Form.Item
        name="satisfactionScore"
        label={t('cases.closeoutForm.score')}
        rules={[{ ...requiredRule(t, t('cases.closeoutForm.score'), false), type: 'number' }]}
      >
        <InputNumber
          min={0}
          max={100}
          precision={1}
          style={{ width: 140 }}
          onChange={(v) => setScore(typeof v === 'number' ? v : null)}
          data-testid="case-f-score"
        />
      </Form.Item>
      {/* the rule (§6.4) is the domain's; the server applies it on submit */}
      {score !== null && satisfactionForcesRework(score) ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('cases.closeoutForm.low', { n: satisfactionThreshold })}
          data-testid="case-low-satisfaction"
        />
      ) : null}
      <Form.Item name="note" label={t('cases.note')}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="case-f-note" />
      </Form.Item>
    </ActionModal>
  );
}
