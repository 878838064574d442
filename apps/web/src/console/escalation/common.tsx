/** Pieces the 督办 pages share: the level tag and the server's shapes. */
import { Tag } from 'antd';
import type { Static } from 'typebox';
import type { Escalation, Interview, OverdueCase, UnitSummary, VerificationTask } from '@cityloop/server/schemas/escalation';
import type { LoopSettingsView } from '@cityloop/server/schemas/loop-settings';
import { useLang } from '../i18n.ts';
import './strings.ts';

export type EscalationT = Static<typeof Escalation>;
export type UnitSummaryT = Static<typeof UnitSummary>;
export type OverdueCaseT = Static<typeof OverdueCase>;
export type VerificationTaskT = Static<typeof VerificationTask>;
export type InterviewT = Static<typeof Interview>;
export type LoopSettingsViewT = Static<typeof LoopSettingsView>;
export interface Page<T> {
  total: number;
  items: T[];
}

const levelColors: Record<number, string> = { 1: 'gold', 2: 'orange', 3: 'red' };

/** 一级 / 二级 / 三级督办, coloured by how far up it went; 0 shows as none. */
export function LevelTag({ level }: { level: number }) {
  const { t } = useLang();
  if (!level) return <Tag style={{ marginInlineEnd: 0 }}>{t('esc.noLevel')}</Tag>;
  return (
    <Tag color={levelColors[level]} style={{ marginInlineEnd: 0 }} data-testid="esc-level">
      {t(`esc.levels.${level}`)}
    </Tag>
  );
}
