-- Places (issue 11 §5, §6, §10): the gazetteer over the city's own area names, and clues
-- that arrive with an address but no point (需定位).

-- The core of an admin name: the name without its suffix (淮河路街道 → 淮河路, 管城回族区 → 管城).
-- The same rule as the domain's adminNameCore (packages/domain/src/gazetteer.ts), longest
-- suffix first; a test compares the two. The gazetteer looks names up by the runs of the
-- text (placeNameKeys) against the name and its core, both through these indexes.
CREATE FUNCTION area_name_core(name text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
  AS $$ SELECT regexp_replace(name, '(街道办事处|社区居委会|居民委员会|村民委员会|村委会|居委会|办事处|回族区|自治县|街道|社区|片区|区|县|市|镇|乡|村)$', '') $$;
CREATE INDEX areas_name_idx ON areas (city_id, name);
CREATE INDEX areas_name_core_idx ON areas (city_id, area_name_core(name));

-- A clue may come without a point: an Open311 address_string or a hotline row's 事发地址 that
-- names no area precisely enough. It is accepted, ticketed and waits in the pool, marked as
-- needing a location, until the office sets the point. Its areas may be partly known (the
-- 区 or 街道 the address names), which is enough to route it.
ALTER TABLE reports ALTER COLUMN geom DROP NOT NULL;
ALTER TABLE reports ALTER COLUMN district_id DROP NOT NULL;
-- where the point came from: given by the caller, a photo's EXIF, the area an address names
-- (a representative point inside it), the office, or nowhere yet
ALTER TABLE reports DROP CONSTRAINT reports_location_from_check;
ALTER TABLE reports ADD CONSTRAINT reports_location_from_check CHECK (location_from IN ('given', 'photo', 'address', 'office', 'none'));
ALTER TABLE reports ADD CONSTRAINT reports_point_or_none CHECK ((geom IS NULL) = (location_from = 'none'));
ALTER TABLE reports ADD CONSTRAINT reports_located_has_district CHECK (geom IS NULL OR district_id IS NOT NULL);

ALTER TABLE problems ALTER COLUMN geom DROP NOT NULL;
ALTER TABLE problems
  ADD COLUMN location_from text NOT NULL DEFAULT 'report'
    CONSTRAINT problems_location_from_check CHECK (location_from IN ('report', 'address', 'office', 'none')),
  -- derived, so it can never disagree with the point
  ADD COLUMN needs_location boolean GENERATED ALWAYS AS (geom IS NULL) STORED;
ALTER TABLE problems ADD CONSTRAINT problems_point_or_none CHECK ((geom IS NULL) = (location_from = 'none'));
-- the office's 需定位 list: few rows, read newest first
CREATE INDEX problems_needs_location_idx ON problems (city_id, last_reported_at DESC) WHERE geom IS NULL;

-- The pool's history gains `located` (the office set the point). Other migrations of the same
-- release may extend this list too, so add the one value to whatever the list is now instead
-- of restating it (the domain's problemEventActions stays the source; meta.spec compares).
DO $$
DECLARE def text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO def FROM pg_constraint
   WHERE conname = 'problem_events_action_check' AND conrelid = 'problem_events'::regclass;
  IF position('''located''' IN def) = 0 THEN
    ALTER TABLE problem_events DROP CONSTRAINT problem_events_action_check;
    EXECUTE 'ALTER TABLE problem_events ADD CONSTRAINT problem_events_action_check '
      || replace(def, '''created''::text', '''created''::text, ''located''::text');
  END IF;
END $$;
