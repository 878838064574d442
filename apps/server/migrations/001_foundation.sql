-- Foundation: cities, areas, organisation, accounts, audit.
-- Every table carries city_id and every key includes it (DESIGN.md "Data").
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE cities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL CONSTRAINT cities_code_key UNIQUE,
  name text NOT NULL,
  name_en text NOT NULL DEFAULT '',
  timezone text NOT NULL DEFAULT 'Asia/Shanghai',
  center geometry(Point, 4326) NOT NULL,
  is_default boolean NOT NULL DEFAULT false,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX cities_one_default ON cities (is_default) WHERE is_default;

CREATE TABLE areas (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  level text NOT NULL CONSTRAINT areas_level_check CHECK (level IN ('district', 'county', 'street', 'community', 'grid')),
  code text NOT NULL,
  name text NOT NULL,
  name_en text NOT NULL DEFAULT '',
  parent_id uuid,
  generated boolean NOT NULL DEFAULT false,
  geom geometry(MultiPolygon, 4326) NOT NULL CONSTRAINT areas_geom_valid CHECK (ST_IsValid(geom)),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT areas_code_key UNIQUE (city_id, code),
  CONSTRAINT areas_parent_fkey FOREIGN KEY (city_id, parent_id) REFERENCES areas (city_id, id)
);
CREATE INDEX areas_geom_idx ON areas USING gist (geom);
CREATE INDEX areas_level_idx ON areas (city_id, level);
CREATE INDEX areas_parent_idx ON areas (city_id, parent_id);

CREATE TABLE units (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL,
  name text NOT NULL,
  name_en text NOT NULL DEFAULT '',
  kind text NOT NULL CONSTRAINT units_kind_check CHECK (kind IN ('government', 'district_government', 'enterprise', 'third_party')),
  district_id uuid,
  phone text,
  address text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT units_code_key UNIQUE (city_id, code),
  CONSTRAINT units_district_fkey FOREIGN KEY (city_id, district_id) REFERENCES areas (city_id, id)
);

CREATE TABLE users (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  username text NOT NULL,
  display_name text NOT NULL,
  phone text,
  password_hash text NOT NULL,
  roles text[] NOT NULL CONSTRAINT users_roles_check CHECK (
    cardinality(roles) > 0 AND
    roles <@ ARRAY['admin', 'office', 'leader', 'inspector', 'expert', 'unit', 'thirdparty', 'discipline', 'citizen']::text[]),
  unit_id uuid,
  staff_slot text CONSTRAINT users_staff_slot_check CHECK (staff_slot IN ('A', 'B')),
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT users_username_key UNIQUE (city_id, username),
  CONSTRAINT users_unit_fkey FOREIGN KEY (city_id, unit_id) REFERENCES units (city_id, id),
  CONSTRAINT users_staff_slot_needs_unit CHECK (staff_slot IS NULL OR unit_id IS NOT NULL)
);
-- AB角: one primary and one backup per unit.
CREATE UNIQUE INDEX users_unit_staff_slot_key ON users (city_id, unit_id, staff_slot) WHERE staff_slot IS NOT NULL;

-- 领导包片: a leader leads one or more districts.
CREATE TABLE leader_districts (
  city_id uuid NOT NULL,
  user_id uuid NOT NULL,
  area_id uuid NOT NULL,
  PRIMARY KEY (city_id, user_id, area_id),
  FOREIGN KEY (city_id, user_id) REFERENCES users (city_id, id) ON DELETE CASCADE,
  FOREIGN KEY (city_id, area_id) REFERENCES areas (city_id, id)
);

CREATE TABLE teams (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  specialist_group text NOT NULL CONSTRAINT teams_group_check CHECK (specialist_group IN ('infrastructure', 'public_service', 'ecology', 'history_culture')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT teams_name_key UNIQUE (city_id, name)
);

CREATE TABLE team_members (
  city_id uuid NOT NULL,
  team_id uuid NOT NULL,
  user_id uuid NOT NULL,
  team_role text NOT NULL CONSTRAINT team_members_role_check CHECK (team_role IN ('lead', 'expert', 'discipline', 'recorder')),
  PRIMARY KEY (city_id, team_id, user_id),
  FOREIGN KEY (city_id, team_id) REFERENCES teams (city_id, id) ON DELETE CASCADE,
  FOREIGN KEY (city_id, user_id) REFERENCES users (city_id, id)
);

CREATE TABLE experts (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid,
  name text NOT NULL,
  organisation text NOT NULL DEFAULT '',
  title text NOT NULL DEFAULT '',
  phone text,
  fields text[] NOT NULL CONSTRAINT experts_fields_check CHECK (cardinality(fields) > 0),
  mode text NOT NULL CONSTRAINT experts_mode_check CHECK (mode IN ('fixed', 'on_call')),
  available boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  FOREIGN KEY (city_id, user_id) REFERENCES users (city_id, id)
);

-- Conflicts of interest: an expert must not judge this unit's work.
CREATE TABLE expert_conflicts (
  city_id uuid NOT NULL,
  expert_id uuid NOT NULL,
  unit_id uuid NOT NULL,
  PRIMARY KEY (city_id, expert_id, unit_id),
  FOREIGN KEY (city_id, expert_id) REFERENCES experts (city_id, id) ON DELETE CASCADE,
  FOREIGN KEY (city_id, unit_id) REFERENCES units (city_id, id)
);

CREATE TABLE sessions (
  city_id uuid NOT NULL,
  token_hash text NOT NULL,
  user_id uuid NOT NULL,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (city_id, token_hash),
  FOREIGN KEY (city_id, user_id) REFERENCES users (city_id, id) ON DELETE CASCADE
);

CREATE TABLE api_keys (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  key_prefix text NOT NULL,
  key_hash text NOT NULL,
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (city_id, id)
);
CREATE INDEX api_keys_hash_idx ON api_keys (key_hash);

-- Audit of logins and admin changes: append-only, each row chained to the previous one of its city.
CREATE TABLE audit_events (
  city_id uuid NOT NULL REFERENCES cities (id),
  seq bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id uuid,
  actor_label text NOT NULL,
  action text NOT NULL,
  target_type text,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (city_id, seq)
);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
