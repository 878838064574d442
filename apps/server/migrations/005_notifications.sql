-- In-app notifications: what concerns a signed-in person (e.g. their report was merged).
CREATE TABLE notifications (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL DEFAULT '',
  problem_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  PRIMARY KEY (city_id, id),
  FOREIGN KEY (city_id, user_id) REFERENCES users (city_id, id) ON DELETE CASCADE,
  FOREIGN KEY (city_id, problem_id) REFERENCES problems (city_id, id)
);
CREATE INDEX notifications_user_idx ON notifications (city_id, user_id, created_at DESC);
