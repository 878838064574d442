-- 三级督办 on schedule (modules/escalation, jobs/loop.ts).

-- The sweeps write escalations in chunks (one transaction each, so a big first sweep does
-- not hold the city's audit chain for minutes), then tell each unit once about all of its
-- new ones. The reminder covers the escalations of a level created since the last reminder:
-- this watermark, advanced in the reminder's own transaction, is what makes it go out once,
-- also when a run that died between its chunks and its reminder is retried. (A notified_at
-- per escalation did the same but rewrote every new escalation: 55 µs a row, measured.)
CREATE TABLE escalation_reminders (
  city_id uuid NOT NULL REFERENCES cities (id),
  level smallint NOT NULL CONSTRAINT escalation_reminders_level_check CHECK (level BETWEEN 1 AND 3),
  notified_until timestamptz NOT NULL,
  PRIMARY KEY (city_id, level)
);
-- the console's list, newest first, with or without the resolved ones; and the reminders,
-- which read what was created since the watermark
CREATE INDEX escalations_recent_idx ON escalations (city_id, created_at DESC, id);

-- The cases in the unit's hands (domain unitHeldStates): what the level-1 and level-2 sweeps
-- walk, in id order and in chunks. Closed cases pile up over the years; this skips them.
CREATE INDEX problems_unit_held_idx ON problems (city_id, id)
  WHERE status IN ('assigned', 'in_progress', 'extension_requested', 'returned', 'reopened');

-- The office's open verification tasks (level 2), by fortnight.
CREATE INDEX case_tasks_verification_idx ON case_tasks (city_id, period_key) WHERE kind = 'verification';
