-- The working-day calendar (DESIGN.md "Time"): per city, the days that differ from the plain
-- weekend rule — 放假 (official days off) and 调休上班 (weekend days worked). Seeded lazily for
-- the current and next year from the `chinese-days` package, then editable by admins, who can
-- add a whole year when the State Council publishes it. The pure rule is packages/domain/src/calendar.ts.
CREATE TABLE calendar_years (
  city_id uuid NOT NULL REFERENCES cities (id),
  year int NOT NULL CONSTRAINT calendar_years_year_check CHECK (year BETWEEN 1900 AND 2999),
  -- 'official': seeded from chinese-days; 'admin': entered by an administrator
  source text NOT NULL CONSTRAINT calendar_years_source_check CHECK (source IN ('official', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, year)
);

CREATE TABLE calendar_days (
  city_id uuid NOT NULL REFERENCES cities (id),
  day date NOT NULL,
  -- 'holiday' = 放假, 'workday' = 调休上班
  kind text NOT NULL CONSTRAINT calendar_days_kind_check CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL DEFAULT '',
  source text NOT NULL CONSTRAINT calendar_days_source_check CHECK (source IN ('official', 'admin')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, day)
);

-- Bumped by every change to a city's calendar, so each server process can tell its cached
-- calendar is stale with one tiny query.
CREATE TABLE calendar_versions (
  city_id uuid PRIMARY KEY REFERENCES cities (id),
  version bigint NOT NULL DEFAULT 0
);
