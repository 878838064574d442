-- Clue intake (SPEC.md M3): uploaded files, the people who report, reports
-- (every clue, whatever its source) and problems (what the office judges).
-- DESIGN.md "Reports and problems are two things": a report keeps its ticket and
-- Open311 id for ever, also when merged into a problem that others reported.

-- What a unit is responsible for; routing finds the unit with a subcategory's duty.
ALTER TABLE units ADD COLUMN duties text[] NOT NULL DEFAULT '{}'
  CONSTRAINT units_duties_check CHECK (duties <@ ARRAY[
    'housing', 'planning', 'urban_management', 'water', 'environment', 'transport', 'landscape', 'heritage',
    'education', 'health', 'emergency', 'water_supply', 'gas', 'metro', 'municipal_works', 'district']::text[]);
CREATE INDEX units_duties_idx ON units USING gin (duties);

-- One row per upload; the bytes live content-addressed (sha256) in the blob
-- store, so the same photo sent twice is stored once.
CREATE TABLE files (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  sha256 text NOT NULL CONSTRAINT files_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  public_sha256 text CONSTRAINT files_public_sha256_check CHECK (public_sha256 ~ '^[0-9a-f]{64}$'),
  thumb_sha256 text CONSTRAINT files_thumb_sha256_check CHECK (thumb_sha256 ~ '^[0-9a-f]{64}$'),
  name text NOT NULL DEFAULT '',
  mime text NOT NULL,
  bytes integer NOT NULL CONSTRAINT files_bytes_check CHECK (bytes > 0),
  width integer,
  height integer,
  -- EXIF as read: lng, lat, takenAt, make, model. The original keeps it; public copies do not.
  exif jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- 64-bit dHash as 16 hex digits, for finding the same photo reused (fraud checks).
  phash text CONSTRAINT files_phash_check CHECK (phash ~ '^[0-9a-f]{16}$'),
  uploaded_by uuid,
  uploaded_by_label text NOT NULL,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id)
);
CREATE INDEX files_phash_idx ON files (city_id, phash) WHERE phash IS NOT NULL;
CREATE INDEX files_sha256_idx ON files (city_id, sha256);

-- Personal data lives here once; everything else points at it. Masked in every
-- answer except for office and admin, whose unmasked views are audited.
CREATE TABLE people (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text,
  phone text,
  email text,
  device_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT people_identified CHECK (name IS NOT NULL OR phone IS NOT NULL OR email IS NOT NULL OR device_id IS NOT NULL)
);
CREATE UNIQUE INDEX people_phone_key ON people (city_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX people_email_key ON people (city_id, email) WHERE phone IS NULL AND email IS NOT NULL;
CREATE UNIQUE INDEX people_device_key ON people (city_id, device_id) WHERE phone IS NULL AND email IS NULL AND device_id IS NOT NULL;

-- Ticket numbers: one counter row per city and day, bumped inside the report's
-- transaction (the row lock makes it race-free; a rolled-back report gives its number back).
CREATE TABLE ticket_counters (
  city_id uuid NOT NULL REFERENCES cities (id),
  day text NOT NULL CONSTRAINT ticket_counters_day_check CHECK (day ~ '^\d{8}$'),
  last integer NOT NULL,
  PRIMARY KEY (city_id, day)
);

CREATE TABLE problems (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  status text NOT NULL DEFAULT 'pending_judgment' CONSTRAINT problems_status_check CHECK (status IN (
    'pending_judgment', 'assigned', 'in_progress', 'pending_verification', 'returned', 'closed', 'dismissed', 'merged')),
  merged_into_id uuid,
  title text NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  address text,
  district_id uuid,
  county_id uuid,
  street_id uuid,
  community_id uuid,
  grid_id uuid,
  subcategory_code text,
  category_code text,
  taxonomy_version integer,
  proposed_unit_id uuid,
  report_count integer NOT NULL DEFAULT 0 CONSTRAINT problems_report_count_check CHECK (report_count >= 0),
  first_reported_at timestamptz NOT NULL,
  last_reported_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT problems_merged_into_fkey FOREIGN KEY (city_id, merged_into_id) REFERENCES problems (city_id, id),
  CONSTRAINT problems_merged_has_target CHECK ((status = 'merged') = (merged_into_id IS NOT NULL)),
  CONSTRAINT problems_not_into_itself CHECK (merged_into_id IS DISTINCT FROM id),
  CONSTRAINT problems_district_fkey FOREIGN KEY (city_id, district_id) REFERENCES areas (city_id, id),
  CONSTRAINT problems_grid_fkey FOREIGN KEY (city_id, grid_id) REFERENCES areas (city_id, id),
  CONSTRAINT problems_unit_fkey FOREIGN KEY (city_id, proposed_unit_id) REFERENCES units (city_id, id)
);
CREATE INDEX problems_geom_idx ON problems USING gist (geom);
CREATE INDEX problems_geog_idx ON problems USING gist ((geom::geography));
CREATE INDEX problems_status_idx ON problems (city_id, status, last_reported_at DESC);
CREATE INDEX problems_subcategory_idx ON problems (city_id, subcategory_code);

CREATE TABLE reports (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  ticket text NOT NULL,
  service_request_id text NOT NULL,
  source text NOT NULL CONSTRAINT reports_source_check CHECK (source IN ('citizen', 'hotline', 'open311', 'sensor', 'detection', 'audit', 'inspection')),
  -- the source's own id (hotline ticket, Open311 token, sensor reading id): the idempotency key
  external_id text,
  text text NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  location_from text NOT NULL CONSTRAINT reports_location_from_check CHECK (location_from IN ('given', 'photo')),
  address text,
  district_id uuid NOT NULL,
  county_id uuid,
  street_id uuid,
  community_id uuid,
  grid_id uuid,
  subcategory_code text,
  taxonomy_version integer,
  classification_confidence real CONSTRAINT reports_confidence_check CHECK (classification_confidence BETWEEN 0 AND 1),
  -- who chose the category: the caller (e.g. an Open311 service_code) or the classifier
  classified_by text CONSTRAINT reports_classified_by_check CHECK (classified_by IN ('caller', 'classifier')),
  reporter_id uuid,
  problem_id uuid NOT NULL,
  occurred_at timestamptz,
  extra jsonb NOT NULL DEFAULT '{}'::jsonb,
  submitted_by uuid,
  submitted_by_label text NOT NULL,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT reports_ticket_key UNIQUE (city_id, ticket),
  CONSTRAINT reports_service_request_id_key UNIQUE (city_id, service_request_id),
  CONSTRAINT reports_text_check CHECK (length(text) BETWEEN 1 AND 5000),
  CONSTRAINT reports_reporter_fkey FOREIGN KEY (city_id, reporter_id) REFERENCES people (city_id, id),
  CONSTRAINT reports_problem_fkey FOREIGN KEY (city_id, problem_id) REFERENCES problems (city_id, id),
  CONSTRAINT reports_district_fkey FOREIGN KEY (city_id, district_id) REFERENCES areas (city_id, id),
  CONSTRAINT reports_grid_fkey FOREIGN KEY (city_id, grid_id) REFERENCES areas (city_id, id)
);
CREATE UNIQUE INDEX reports_source_external_id_key ON reports (city_id, source, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX reports_problem_idx ON reports (city_id, problem_id);
CREATE INDEX reports_geom_idx ON reports USING gist (geom);
CREATE INDEX reports_created_idx ON reports (city_id, created_at DESC);
CREATE INDEX reports_reporter_idx ON reports (city_id, reporter_id);

CREATE TABLE report_media (
  city_id uuid NOT NULL,
  report_id uuid NOT NULL,
  file_id uuid NOT NULL,
  position integer NOT NULL,
  PRIMARY KEY (city_id, report_id, file_id),
  FOREIGN KEY (city_id, report_id) REFERENCES reports (city_id, id),
  FOREIGN KEY (city_id, file_id) REFERENCES files (city_id, id)
);
CREATE INDEX report_media_file_idx ON report_media (city_id, file_id);

-- The history of each problem, append-only: created, report_added, merged_into, split_from, category_overridden, …
CREATE TABLE problem_events (
  city_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  problem_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  action text NOT NULL CONSTRAINT problem_events_action_check CHECK (action IN (
    'created', 'report_added', 'merged_into', 'merged_from', 'split_from', 'split_into', 'category_overridden', 'status_changed')),
  actor_id uuid,
  actor_label text NOT NULL,
  report_id uuid,
  other_problem_id uuid,
  status text,
  note text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (city_id, id),
  FOREIGN KEY (city_id, problem_id) REFERENCES problems (city_id, id)
);
CREATE INDEX problem_events_problem_idx ON problem_events (city_id, problem_id, at);

CREATE FUNCTION problem_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'problem_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER problem_events_no_update BEFORE UPDATE OR DELETE ON problem_events
  FOR EACH ROW EXECUTE FUNCTION problem_events_append_only();
