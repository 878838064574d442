-- The rectification loop (SPEC.md M6, M7): a problem after 研判 is a case, the same row.
-- Judgment and assignment fill the three lists' columns; the unit's work, close-out
-- evidence and re-check land in problem_events (the timeline) and a few summary columns
-- that the sweeps and lists read without walking the history.

ALTER TABLE problems
  ADD COLUMN risk_level text CONSTRAINT problems_risk_level_check CHECK (risk_level IN ('red', 'yellow', 'green')),
  -- the three factor scores of the risk matrix (domain assessRisk), as judged
  ADD COLUMN risk_scores jsonb,
  ADD COLUMN responsible_unit_id uuid,
  ADD COLUMN cooperating_unit_ids uuid[] NOT NULL DEFAULT '{}',
  ADD COLUMN lead_leader_id uuid,
  -- 整改要求: what the notice asks for, beyond the taxonomy's standard
  ADD COLUMN requirement text,
  ADD COLUMN deadline timestamptz,
  -- how the deadline was set: {"amount": 10, "unit": "working_days"}, or {"fixed": true}
  ADD COLUMN deadline_spec jsonb,
  -- 历史遗留问题: extensions may be ruled case by case (一事一议, seed §6.1)
  ADD COLUMN legacy boolean NOT NULL DEFAULT false,
  ADD COLUMN judged_at timestamptz,
  ADD COLUMN judged_by uuid,
  ADD COLUMN assigned_at timestamptz,
  -- 问题整改通知书 number, e.g. ZZ整改〔2026〕0042号; unique per city
  ADD COLUMN notice_no text,
  ADD COLUMN accepted_at timestamptz,
  ADD COLUMN last_progress_at timestamptz,
  ADD COLUMN extension_proposed_deadline timestamptz,
  -- the latest close-out submission: {before: [fileId], after: [fileId], thirdPartyReport: fileId, satisfactionReceipt: fileId, satisfactionScore: n}
  ADD COLUMN closeout jsonb,
  ADD COLUMN submitted_at timestamptz,
  ADD COLUMN closed_at timestamptz,
  ADD COLUMN satisfaction real CONSTRAINT problems_satisfaction_check CHECK (satisfaction BETWEEN 0 AND 100),
  ADD COLUMN return_count integer NOT NULL DEFAULT 0 CONSTRAINT problems_return_count_check CHECK (return_count >= 0),
  -- relapses found by 回头看 (and low-satisfaction reopenings): counted against the unit
  ADD COLUMN reopen_count integer NOT NULL DEFAULT 0 CONSTRAINT problems_reopen_count_check CHECK (reopen_count >= 0),
  ADD CONSTRAINT problems_responsible_unit_fkey FOREIGN KEY (city_id, responsible_unit_id) REFERENCES units (city_id, id),
  ADD CONSTRAINT problems_lead_leader_fkey FOREIGN KEY (city_id, lead_leader_id) REFERENCES users (city_id, id),
  -- a case in the loop always has a responsible unit and a deadline
  ADD CONSTRAINT problems_assigned_has_unit CHECK (
    status IN ('pending_judgment', 'dismissed', 'merged') OR (responsible_unit_id IS NOT NULL AND deadline IS NOT NULL));
CREATE UNIQUE INDEX problems_notice_no_key ON problems (city_id, notice_no) WHERE notice_no IS NOT NULL;
-- the unit's list and the escalation sweeps: open cases by unit, by deadline
CREATE INDEX problems_unit_cases_idx ON problems (city_id, responsible_unit_id, status);
CREATE INDEX problems_open_deadline_idx ON problems (city_id, deadline)
  WHERE status IN ('assigned', 'in_progress', 'extension_requested', 'pending_verification', 'returned', 'reopened');

-- Notice numbers: one counter per city and year, bumped inside the assignment's transaction.
CREATE TABLE notice_counters (
  city_id uuid NOT NULL REFERENCES cities (id),
  year integer NOT NULL,
  last integer NOT NULL,
  PRIMARY KEY (city_id, year)
);

-- The timeline carries every loop transition (the domain's caseActions) and the loop's own
-- events; each loop event is also chained into the audit log (audit_seq), so the discipline
-- role can check that no event was altered or removed.
ALTER TABLE problem_events DROP CONSTRAINT problem_events_action_check;
ALTER TABLE problem_events ADD CONSTRAINT problem_events_action_check CHECK (action IN (
  'created', 'report_added', 'merged_into', 'merged_from', 'split_from', 'split_into', 'category_overridden', 'status_changed',
  'judge', 'give_opinion', 'assign', 'dismiss', 'merge', 'accept', 'report_progress', 'request_extension',
  'approve_extension', 'rule_case_by_case', 'refuse_extension', 'submit_closeout', 'close', 'return',
  'recheck_relapse', 'reopen_low_satisfaction',
  'opinion_requested', 'escalated', 'task_created', 'recheck_passed', 'notified'));
ALTER TABLE problem_events ADD COLUMN from_status text, ADD COLUMN audit_seq bigint;

-- Work handed to one person about one case: an expert's technical opinion (技术预审),
-- the office's on-site verification (二级督办, every two weeks), a re-check (回头看).
-- period_key makes scheduled tasks idempotent: one per case and period.
CREATE TABLE case_tasks (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  problem_id uuid NOT NULL,
  kind text NOT NULL CONSTRAINT case_tasks_kind_check CHECK (kind IN ('expert_opinion', 'verification', 'recheck')),
  period_key text,
  assignee_user_id uuid,
  -- when no one person is named: the role whose members may take it
  assignee_role text CONSTRAINT case_tasks_assignee_role_check CHECK (assignee_role IN ('office', 'inspector', 'expert', 'thirdparty')),
  status text NOT NULL DEFAULT 'open' CONSTRAINT case_tasks_status_check CHECK (status IN ('open', 'done', 'cancelled')),
  request_note text,
  due_at timestamptz,
  -- verification: 'on_track' | 'lagging'; recheck: 'passed' | 'relapsed'; opinion: 'given'
  outcome text CONSTRAINT case_tasks_outcome_check CHECK (outcome IN ('given', 'on_track', 'lagging', 'passed', 'relapsed', 'cancelled')),
  outcome_note text,
  photos uuid[] NOT NULL DEFAULT '{}',
  created_by uuid,
  created_by_label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  done_by uuid,
  done_at timestamptz,
  PRIMARY KEY (city_id, id),
  CONSTRAINT case_tasks_problem_fkey FOREIGN KEY (city_id, problem_id) REFERENCES problems (city_id, id),
  CONSTRAINT case_tasks_assignee_fkey FOREIGN KEY (city_id, assignee_user_id) REFERENCES users (city_id, id),
  CONSTRAINT case_tasks_someone CHECK (assignee_user_id IS NOT NULL OR assignee_role IS NOT NULL),
  CONSTRAINT case_tasks_done_has_outcome CHECK ((status = 'done') = (outcome IS NOT NULL AND done_at IS NOT NULL)),
  CONSTRAINT case_tasks_period_key UNIQUE (city_id, kind, problem_id, period_key)
);
CREATE INDEX case_tasks_open_idx ON case_tasks (city_id, status, kind, created_at DESC);
CREATE INDEX case_tasks_problem_idx ON case_tasks (city_id, problem_id);
CREATE INDEX case_tasks_assignee_idx ON case_tasks (city_id, assignee_user_id) WHERE status = 'open';

-- 三级督办 (seed §4.3). Level 1: the unit missed its weekly progress report, or the case is
-- past its deadline (滞后); level 2: a case of concern due for the office's on-site check
-- (every two weeks); level 3: the unit goes on the month's interview list (see interviews).
-- period_key makes each sweep idempotent: one row per case, level, reason and period.
CREATE TABLE escalations (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  problem_id uuid NOT NULL,
  unit_id uuid NOT NULL,
  level smallint NOT NULL CONSTRAINT escalations_level_check CHECK (level BETWEEN 1 AND 3),
  reason text NOT NULL CONSTRAINT escalations_reason_check CHECK (reason IN ('missed_progress', 'overdue', 'verification', 'interview')),
  period_key text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- set when the cause went away: a report came in, the case closed, the check was done
  resolved_at timestamptz,
  PRIMARY KEY (city_id, id),
  CONSTRAINT escalations_problem_fkey FOREIGN KEY (city_id, problem_id) REFERENCES problems (city_id, id),
  CONSTRAINT escalations_unit_fkey FOREIGN KEY (city_id, unit_id) REFERENCES units (city_id, id),
  CONSTRAINT escalations_once_key UNIQUE (city_id, problem_id, level, reason, period_key)
);
CREATE INDEX escalations_unit_idx ON escalations (city_id, unit_id, created_at DESC);
CREATE INDEX escalations_open_idx ON escalations (city_id, problem_id) WHERE resolved_at IS NULL;

-- Level 3: each month, a city leader interviews (约谈) the head of each unit with lagging cases.
CREATE TABLE interviews (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  unit_id uuid NOT NULL,
  -- the month, 'YYYY-MM'
  period text NOT NULL CONSTRAINT interviews_period_check CHECK (period ~ '^\d{4}-\d{2}$'),
  leader_id uuid,
  problem_ids uuid[] NOT NULL,
  status text NOT NULL DEFAULT 'scheduled' CONSTRAINT interviews_status_check CHECK (status IN ('scheduled', 'held', 'cancelled')),
  held_at timestamptz,
  notes text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT interviews_unit_fkey FOREIGN KEY (city_id, unit_id) REFERENCES units (city_id, id),
  CONSTRAINT interviews_leader_fkey FOREIGN KEY (city_id, leader_id) REFERENCES users (city_id, id),
  CONSTRAINT interviews_once_key UNIQUE (city_id, unit_id, period)
);

-- 每日会商 (seed §4.2): at 20:00 the day's problem list with red/yellow/green levels is
-- compiled; the office reviews it; the next morning each responsible unit gets its part.
CREATE TABLE consolidations (
  city_id uuid NOT NULL REFERENCES cities (id),
  day date NOT NULL,
  compiled_at timestamptz NOT NULL,
  -- [{problemId, title, riskLevel, status, unitId, unitName, subcategoryCode, address, reportCount, …}]
  items jsonb NOT NULL,
  -- {total, red, yellow, green, unrated}
  counts jsonb NOT NULL,
  reviewed_at timestamptz,
  reviewed_by uuid,
  review_note text,
  pushed_at timestamptz,
  PRIMARY KEY (city_id, day)
);
