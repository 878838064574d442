-- Durable scheduled jobs (apps/server/src/jobs). No maintained Postgres job library runs on
-- both PGlite and PostgreSQL, so: a table of schedules claimed with row locks, and a table of
-- runs whose unique key (city_id, name, scheduled_for) makes each due run happen once, even
-- with several server processes polling the same database.
CREATE TABLE scheduled_jobs (
  city_id uuid NOT NULL REFERENCES cities (id),
  name text NOT NULL,
  -- 'every 15m' | 'daily 20:00' | 'weekly mon 09:00' | 'monthly 1 09:00', in the city's time zone
  schedule text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  next_run_at timestamptz NOT NULL,
  last_run_at timestamptz,
  last_status text CONSTRAINT scheduled_jobs_last_status_check CHECK (last_status IN ('running', 'done', 'failed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, name)
);
CREATE INDEX scheduled_jobs_due_idx ON scheduled_jobs (next_run_at) WHERE enabled;

CREATE TABLE job_runs (
  city_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  scheduled_for timestamptz NOT NULL,
  -- 'failed' with retry_at set: waiting for another attempt; 'failed' with retry_at null: gave up
  status text NOT NULL CONSTRAINT job_runs_status_check CHECK (status IN ('running', 'done', 'failed')),
  attempts int NOT NULL DEFAULT 1,
  started_at timestamptz NOT NULL,
  -- a 'running' run whose lease has passed was left by a crashed process and is taken over
  lease_until timestamptz,
  finished_at timestamptz,
  retry_at timestamptz,
  error text,
  worker text NOT NULL,
  PRIMARY KEY (city_id, id),
  CONSTRAINT job_runs_once_key UNIQUE (city_id, name, scheduled_for),
  CONSTRAINT job_runs_job_fkey FOREIGN KEY (city_id, name) REFERENCES scheduled_jobs (city_id, name) ON DELETE CASCADE
);
CREATE INDEX job_runs_retry_idx ON job_runs (retry_at) WHERE status = 'failed' AND retry_at IS NOT NULL;
CREATE INDEX job_runs_lease_idx ON job_runs (lease_until) WHERE status = 'running';
