import type { ProblemStatus, ReportSource } from '@cityloop/domain';

export interface PoolFilters {
  status?: ProblemStatus[];
  subcategory?: string;
  district?: string;
  source?: ReportSource;
  q?: string;
}

/** antd Tag colours per status (list and drawer). */
export const statusColor: Record<ProblemStatus, string> = {
  pending_judgment: 'orange',
  assigned: 'blue',
  in_progress: 'geekblue',
  pending_verification: 'purple',
  returned: 'volcano',
  closed: 'green',
  dismissed: 'default',
  merged: 'default',
};

/** The same statuses as map point colours. */
export const statusHex: Record<ProblemStatus, string> = {
  pending_judgment: '#fa8c16',
  assigned: '#1677ff',
  in_progress: '#2f54eb',
  pending_verification: '#722ed1',
  returned: '#fa541c',
  closed: '#52c41a',
  dismissed: '#8c8c8c',
  merged: '#bfbfbf',
};
