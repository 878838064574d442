/**
 * Pieces the case list, detail and forms share: tags for state, risk and 滞后, deadlines
 * in the city's time zone, thumbnails, uploads and the inline error of an action.
 */
import { createContext, useContext, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App as AntApp, Button, Image, Space, Tag, Upload, type UploadFile } from 'antd';
import { PaperClipOutlined, PlusOutlined } from '@ant-design/icons';
import { caseStateInfo, endOfLocalDay, localDate, riskLevelLabels, type CaseState, type RiskLevel } from '@cityloop/domain';
import { ApiError } from '../api.ts';
import { fmtTime } from '../hooks.tsx';
import { useLang } from '../i18n.ts';
import { useErrorText, useSession } from '../session.tsx';
import { statusColor } from '../pool/common.ts';
import { postForm } from '../taxonomy/common.tsx';
import type { EvidenceFileT, UploadT } from './types.ts';
import './strings.ts';

export const riskColor: Record<RiskLevel, string> = { red: 'red', yellow: 'gold', green: 'green' };

export function StatusTag({ status }: { status: string }) {
  const { pick } = useLang();
  const info = caseStateInfo[status as CaseState];
  return (
    <Tag color={statusColor[status as CaseState] ?? 'default'} style={{ marginInlineEnd: 0 }} data-testid="case-status">
      {info ? pick(info) : status}
    </Tag>
  );
}

export function RiskTag({ level }: { level: RiskLevel | null | undefined }) {
  const { pick, t } = useLang();
  if (!level) return <Tag style={{ marginInlineEnd: 0 }}>{t('cases.notJudged')}</Tag>;
  return (
    <Tag color={riskColor[level]} style={{ marginInlineEnd: 0 }} data-testid="case-risk">
      {pick(riskLevelLabels[level])}
    </Tag>
  );
}

/** A case in a table of other things (escalations, tasks): its title as a link, its state, 滞后 and risk. */
export function CaseCell(props: {
  problemId: string;
  title: string;
  caseStatus: string;
  overdue: boolean;
  riskLevel: RiskLevel | null;
  testId: string;
}) {
  return (
    <Space orientation="vertical" size={2}>
      <Link to={`/cases/${props.problemId}`} data-testid={props.testId}>
        {props.title}
      </Link>
      <Space size={4} wrap>
        <StatusTag status={props.caseStatus} />
        {props.overdue ? <OverdueTag /> : null}
        <RiskTag level={props.riskLevel} />
      </Space>
    </Space>
  );
}

/** 三级督办: the case's highest open escalation level (nothing at 0). */
export function EscalationTag({ level }: { level: number }) {
  const { t } = useLang();
  if (!level) return null;
  return (
    <Tag color={level >= 3 ? 'magenta' : level === 2 ? 'volcano' : 'orange'} style={{ marginInlineEnd: 0 }} data-testid="case-escalation">
      {t('cases.escalationLevel', { level })}
    </Tag>
  );
}

export function OverdueTag() {
  const { t } = useLang();
  return (
    <Tag color="red" style={{ marginInlineEnd: 0 }} data-testid="case-overdue">
      {t('cases.overdue')}
    </Tag>
  );
}

export function useTimeZone(): string {
  return useSession().city?.timezone ?? 'Asia/Shanghai';
}

/** A deadline: the city's calendar day when it ends at 24:00 (working-day limits), else the time too (hour limits). */
export function fmtDeadline(iso: string | null | undefined, timeZone: string, lang: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = localDate(d, timeZone);
  return endOfLocalDay(day, timeZone).getTime() === d.getTime() ? day : fmtTime(iso, lang);
}

/** The city's calendar day of an instant, for date inputs. */
export function cityDay(iso: string | null | undefined, timeZone: string): string {
  return iso ? localDate(new Date(iso), timeZone) : '';
}

export const thumbUrl = (id: string) => `/api/v1/files/${id}/thumb`;
export const photoUrl = (id: string) => `/api/v1/files/${id}/public`;
export const evidenceUrl = (id: string) => `/api/v1/evidence/${id}`;

export function Thumbs({ ids, size = 72, testId }: { ids: readonly string[]; size?: number; testId?: string }) {
  if (!ids.length) return null;
  return (
    <Image.PreviewGroup>
      <Space size={6} wrap data-testid={testId}>
        {ids.map((id) => (
          <Image
            key={id}
            width={size}
            height={size}
            style={{ objectFit: 'cover', borderRadius: 4 }}
            src={thumbUrl(id)}
            preview={{ src: photoUrl(id) }}
            data-testid="case-photo"
          />
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}

/**
 * The error of an action, inline: the server's message in the current language, plus what the
 * refusal carries — the evidence missing, the state the case is in now (someone may have acted
 * first), the deadline an extension must pass.
 */
export function CaseError({ error }: { error: unknown }) {
  const { t, pick, lang } = useLang();
  const text = useErrorText();
  const tz = useTimeZone();
  if (!error) return null;
  const p = error instanceof ApiError ? error.problem : null;
  const missing = p && Array.isArray(p.missing) ? (p.missing as string[]) : [];
  // the refusal's `caseStatus` is the state's code; its label is the domain's, in the reader's language
  const state = p && typeof p.caseStatus === 'string' ? p.caseStatus : null;
  const stateLabel = state
    ? caseStateInfo[state as CaseState]
      ? pick(caseStateInfo[state as CaseState])
      : typeof p?.caseStatusLabel === 'string'
        ? p.caseStatusLabel
        : state
    : null;
  const lines = [
    missing.length
      ? t('cases.missingEvidence', { list: missing.map((k) => t(`cases.evidenceKeys.${k}`, { defaultValue: k })).join('、') })
      : null,
    p?.code === 'case.extension_not_later' && typeof p.deadline === 'string'
      ? t('cases.errors.currentDeadline', { day: fmtDeadline(p.deadline, tz, lang) })
      : null,
    stateLabel && (p?.code === 'case.invalid_transition' || p?.code === 'recheck.not_closed')
      ? t('cases.errors.caseStatusNow', { status: stateLabel })
      : null,
  ].filter((x): x is string => !!x);
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="case-error"
      data-code={p?.code}
      title={text(error)}
      description={
        lines.length ? (
          <div data-testid="case-error-detail">
            {lines.map((l) => (
              <div key={l}>{l}</div>
            ))}
          </div>
        ) : undefined
      }
    />
  );
}

/**
 * Photos (POST /uploads) or close-out documents (POST /evidence) as a form control: its
 * value is the ids of the files that finished uploading.
 */
export function FileIdsInput({
  value,
  onChange,
  kind,
  max,
  testId,
}: {
  value?: string[];
  onChange?: (ids: string[]) => void;
  kind: 'photo' | 'evidence';
  max: number;
  testId: string;
}) {
  const { t } = useLang();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [list, setList] = useState<UploadFile[]>([]);
  const setBusy = useContext(UploadBusyContext);
  const photo = kind === 'photo';
  const full = list.length >= max;
  return (
    <div data-testid={testId} data-count={value?.length ?? 0}>
      <Upload
        listType={photo ? 'picture-card' : 'text'}
        accept={photo ? 'image/jpeg,image/png,image/webp,image/heic' : 'application/pdf,image/jpeg,image/png,image/webp,image/heic'}
        multiple={max > 1}
        maxCount={max}
        fileList={list}
        customRequest={async ({ file, onSuccess, onError }) => {
          const form = new FormData();
          form.append('file', file as Blob, (file as File).name);
          try {
            onSuccess?.(await postForm<UploadT | EvidenceFileT>(photo ? '/uploads' : '/evidence', form));
          } catch (err) {
            void message.error(`${t('cases.uploadFailed')}：${errorText(err)}`);
            onError?.(err as Error);
          }
        }}
        onChange={({ fileList }) => {
          const kept = fileList.filter((f) => f.status !== 'error');
          setList(kept);
          setBusy(
            testId,
            kept.some((f) => f.status === 'uploading'),
          );
          onChange?.(kept.flatMap((f) => (f.status === 'done' && f.response ? [(f.response as { id: string }).id] : [])));
        }}
      >
        {full ? null : photo ? (
          <button type="button" style={{ border: 0, background: 'none', cursor: 'pointer' }}>
            <PlusOutlined />
            <div style={{ marginTop: 4, fontSize: 12 }}>{t('cases.photos')}</div>
          </button>
        ) : (
          <Button icon={<PaperClipOutlined />}>{t('cases.closeoutForm.pick')}</Button>
        )}
      </Upload>
    </div>
  );
}

/** Lets an action's dialog hold its OK button while a file is still uploading. */
export const UploadBusyContext = createContext<(key: string, busy: boolean) => void>(() => undefined);
