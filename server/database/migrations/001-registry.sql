-- The registry's tables (docs/registry.md). Every table a center owns carries center_id, is
-- partitioned by a hash of it, and has center_id in every key and unique constraint: the rule
-- Citus enforces for a table distributed by center_id, enforced here on every run. Devices and
-- enrolment codes are looked up by a key of their own (a device id is unique nationally, a
-- code's digest names its center) and are written a few times a day: they are not partitioned,
-- and Citus holds them as reference tables. Records are kept as the JSON text the protocol
-- defines (a card, an event exactly as signed, a roster member), beside the columns the
-- registry filters and orders by.

CREATE TABLE centers (
  center_id text NOT NULL,
  name text NOT NULL,
  rules text NOT NULL,
  -- The last version given to a change of the center's cards (a push, an import, a status set):
  -- whatever changes a card locks this row to take the next.
  version bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (center_id)
) PARTITION BY HASH (center_id);

CREATE TABLE cards (
  center_id text NOT NULL,
  card_id text NOT NULL,
  version bigint NOT NULL,
  status text NOT NULL,
  card text NOT NULL,
  PRIMARY KEY (center_id, card_id)
) PARTITION BY HASH (center_id);
-- The pull: a center's cards after a version, in version order.
CREATE INDEX cards_by_version ON cards (center_id, version);

CREATE TABLE accepted_events (
  center_id text NOT NULL,
  event_id text NOT NULL,
  -- The center's acceptance order: the card version its acceptance gave (an event imported from
  -- an old data file: its place in that file's log, below every version given since).
  version bigint NOT NULL,
  -- The Jalali day (Asia/Tehran) of its occurredAt, YYYY-MM-DD: the day feed's key.
  day text NOT NULL,
  device_id text NOT NULL,
  event text NOT NULL,
  PRIMARY KEY (center_id, event_id)
) PARTITION BY HASH (center_id);
CREATE INDEX accepted_events_by_day ON accepted_events (center_id, day, version);
CREATE INDEX accepted_events_by_version ON accepted_events (center_id, version);

CREATE TABLE staff (
  center_id text NOT NULL,
  staff_id text NOT NULL,
  version bigint NOT NULL,
  -- Orders a roster in the order its members came: the version the member was added at (one
  -- imported from an old data file: its place there, below every version given since).
  added bigint NOT NULL,
  member text NOT NULL,
  PRIMARY KEY (center_id, staff_id)
) PARTITION BY HASH (center_id);
CREATE INDEX staff_by_version ON staff (center_id, version);
-- Roster versions are registry-wide (decision 022): a cursor above the last is not this
-- registry's. Taken only with the member's center row locked, so a center's versions commit in
-- order.
CREATE SEQUENCE staff_versions AS bigint;

CREATE TABLE devices (
  device_id text NOT NULL,
  center_id text NOT NULL,
  token_digest text NOT NULL,
  device text NOT NULL,
  PRIMARY KEY (device_id),
  UNIQUE (token_digest)
);
CREATE INDEX devices_by_center ON devices (center_id);

CREATE TABLE enrolment_codes (
  code_digest text NOT NULL,
  center_id text NOT NULL,
  code text NOT NULL,
  PRIMARY KEY (code_digest)
);
CREATE INDEX enrolment_codes_by_center ON enrolment_codes (center_id);

-- Eight partitions of each center-owned table: a province's registry; Citus spreads shards of
-- its own over its nodes instead (docs/registry.md).
DO $$
DECLARE
  partitioned text;
BEGIN
  FOREACH partitioned IN ARRAY ARRAY['centers', 'cards', 'accepted_events', 'staff'] LOOP
    FOR remainder IN 0..7 LOOP
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS 8, REMAINDER %s)',
        partitioned || '_p' || remainder, partitioned, remainder);
    END LOOP;
  END LOOP;
END
$$;
