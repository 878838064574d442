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
  extension_requested: 'gold',
  pending_verification: 'purple',
  returned: 'volcano',
  closed: 'green',
  reopened: 'red',
  dismissed: 'default',
  merged: 'default',
};

/** The same statuses as map point colours. */
export const statusHex: Record<ProblemStatus, string> = {
  pending_judgment: '#fa8c16',
  assigned: '#1677ff',
  in_progress: '#2f54eb',
  extension_requested: '#faad14',
  pending_verification: '#722ed1',
  returned: '#fa541c',
  closed: '#52c41a',
  reopened: '#f5222d',
  dismissed: '#8c8c8c',
  merged: '#bfbfbf',
};
