-- 每日会商 and 回头看 (SPEC.md M6, M7): only indexes, the tables are in 009.

-- The day's list reads the problems that entered the pool in a day and those judged in it
-- (modules/consolidation/queries.ts); a big city's pool holds millions of rows.
CREATE INDEX problems_created_idx ON problems (city_id, created_at);
CREATE INDEX problems_judged_idx ON problems (city_id, judged_at) WHERE judged_at IS NOT NULL;

-- The re-check draw walks the closed cases; the relapse figures read the done re-checks.
CREATE INDEX problems_closed_idx ON problems (city_id, closed_at) WHERE status = 'closed';
CREATE INDEX case_tasks_recheck_period_idx ON case_tasks (city_id, period_key) WHERE kind = 'recheck';
