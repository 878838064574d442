-- Feeds into the problem pool (SPEC.md M3, M11): Open311 tokens, hotline and
-- audit-report import batches, IoT sensor readings with per-type thresholds,
-- and image-analysis detections. Each clue itself is a row of `reports`
-- (003_intake.sql); these tables keep what the feed sent and what became of it.

-- Open311 GeoReport v2 `token`: handed out with every POST, looked up by
-- GET tokens/{token}. Our intake is synchronous, so the request id is known at once.
CREATE TABLE open311_tokens (
  city_id uuid NOT NULL REFERENCES cities (id),
  token text NOT NULL CONSTRAINT open311_tokens_token_check CHECK (token ~ '^[A-Za-z0-9_-]{8,64}$'),
  service_request_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, token),
  CONSTRAINT open311_tokens_request_fkey FOREIGN KEY (city_id, service_request_id) REFERENCES reports (city_id, service_request_id)
);
CREATE INDEX open311_tokens_request_idx ON open311_tokens (city_id, service_request_id);

-- One row per imported file (12345 hotline export or audit-report findings).
-- Rows themselves become reports; their idempotency key is the source's own id
-- (hotline ticket) or a hash of the row, so importing the same file twice adds nothing.
CREATE TABLE import_batches (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  source text NOT NULL CONSTRAINT import_batches_source_check CHECK (source IN ('hotline', 'audit')),
  file_name text NOT NULL DEFAULT '',
  file_sha256 text NOT NULL CONSTRAINT import_batches_sha256_check CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  format text NOT NULL CONSTRAINT import_batches_format_check CHECK (format IN ('csv', 'xlsx')),
  encoding text NOT NULL DEFAULT 'utf-8',
  mapping jsonb NOT NULL,
  rows_total integer NOT NULL CONSTRAINT import_batches_total_check CHECK (rows_total >= 0),
  rows_created integer NOT NULL CONSTRAINT import_batches_created_check CHECK (rows_created >= 0),
  rows_merged integer NOT NULL DEFAULT 0 CONSTRAINT import_batches_merged_check CHECK (rows_merged >= 0),
  rows_duplicate integer NOT NULL CONSTRAINT import_batches_duplicate_check CHECK (rows_duplicate >= 0),
  rows_failed integer NOT NULL CONSTRAINT import_batches_failed_check CHECK (rows_failed >= 0),
  -- the rows that could not be read: [{row, reason, code}], at most a few hundred kept
  failures jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by uuid,
  created_by_label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT import_batches_counts_check CHECK (rows_created + rows_duplicate + rows_failed = rows_total)
);
CREATE INDEX import_batches_created_idx ON import_batches (city_id, created_at DESC);

-- Thresholds per feed kind: a sensor type's alarm limit (a reading whose
-- magnitude is above it becomes a clue) or, for `detection`, the confidence floor.
-- A kind without a row uses the built-in default (modules/sensors/thresholds.ts).
CREATE TABLE feed_thresholds (
  city_id uuid NOT NULL REFERENCES cities (id),
  kind text NOT NULL CONSTRAINT feed_thresholds_kind_check CHECK (kind IN (
    'settlement', 'leakage', 'tilt', 'water_level', 'crack', 'gas', 'detection')),
  limit_value double precision NOT NULL CONSTRAINT feed_thresholds_limit_check CHECK (limit_value >= 0),
  unit text NOT NULL,
  updated_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, kind),
  CONSTRAINT feed_thresholds_detection_floor CHECK (kind <> 'detection' OR limit_value <= 1)
);

-- Every sensor reading received, over the threshold or not. A repeat of the same
-- sensor, type and time is the same reading (gateways resend after a timeout).
CREATE TABLE sensor_readings (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  sensor_id text NOT NULL CONSTRAINT sensor_readings_sensor_check CHECK (length(sensor_id) BETWEEN 1 AND 200),
  type text NOT NULL CONSTRAINT sensor_readings_type_check CHECK (type IN ('settlement', 'leakage', 'tilt', 'water_level', 'crack', 'gas')),
  value double precision NOT NULL,
  unit text NOT NULL,
  -- the value in the threshold's unit, and the threshold it was judged against
  normalised_value double precision NOT NULL,
  threshold double precision NOT NULL,
  over_threshold boolean NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  at timestamptz NOT NULL,
  report_id uuid,
  api_key_id uuid,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT sensor_readings_once UNIQUE (city_id, sensor_id, type, at),
  CONSTRAINT sensor_readings_report_fkey FOREIGN KEY (city_id, report_id) REFERENCES reports (city_id, id),
  CONSTRAINT sensor_readings_clue_has_report CHECK (report_id IS NULL OR over_threshold)
);
CREATE INDEX sensor_readings_sensor_idx ON sensor_readings (city_id, sensor_id, at DESC);

-- Every detection an image-analysis system posted; those at or above the
-- confidence floor also became a clue.
CREATE TABLE detections (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  detector_id text NOT NULL CONSTRAINT detections_detector_check CHECK (length(detector_id) BETWEEN 1 AND 200),
  type text NOT NULL CONSTRAINT detections_type_check CHECK (length(type) BETWEEN 1 AND 100),
  confidence double precision NOT NULL CONSTRAINT detections_confidence_check CHECK (confidence BETWEEN 0 AND 1),
  floor double precision NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  at timestamptz NOT NULL,
  image_url text,
  file_id uuid,
  external_key text NOT NULL,
  report_id uuid,
  api_key_id uuid,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT detections_once UNIQUE (city_id, external_key),
  CONSTRAINT detections_file_fkey FOREIGN KEY (city_id, file_id) REFERENCES files (city_id, id),
  CONSTRAINT detections_report_fkey FOREIGN KEY (city_id, report_id) REFERENCES reports (city_id, id)
);
CREATE INDEX detections_detector_idx ON detections (city_id, detector_id, at DESC);
