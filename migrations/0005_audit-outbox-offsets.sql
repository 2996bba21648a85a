-- Up Migration

-- Per-tenant hash chain (ARCHITECTURE §7): hash = sha256(prev_hash || JCS(event)), hex.
-- The first event of a tenant has seq 1 and prev_hash of 64 zeros.
CREATE TABLE audit_events (
  tenant_id uuid NOT NULL REFERENCES tenants (tenant_id),
  seq bigint NOT NULL CONSTRAINT audit_events_seq_check CHECK (seq >= 1),
  -- NULL for the first event, so the chain foreign key below does not apply to it.
  prev_seq bigint GENERATED ALWAYS AS (NULLIF(seq - 1, 0)) STORED,
  prev_hash char(64) NOT NULL CONSTRAINT audit_events_prev_hash_check CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash char(64) NOT NULL CONSTRAINT audit_events_hash_check CHECK (hash ~ '^[0-9a-f]{64}$'),
  event_type text NOT NULL CONSTRAINT audit_events_event_type_check CHECK (length(event_type) >= 1),
  event jsonb NOT NULL CONSTRAINT audit_events_event_check CHECK (jsonb_typeof(event) = 'object'),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT audit_events_pkey PRIMARY KEY (tenant_id, seq),
  CONSTRAINT audit_events_genesis_check CHECK (seq > 1 OR prev_hash = repeat('0', 64)),
  -- Target of the chain foreign key.
  CONSTRAINT audit_events_seq_hash_key UNIQUE (tenant_id, seq, hash),
  -- Every event but the first names the event just before it and that event's hash: the
  -- sequence cannot have gaps and prev_hash cannot disagree with the stored chain. (Whether
  -- hash is the right digest is the verifier's job; SQL does not have JCS.)
  CONSTRAINT audit_events_chain_fkey FOREIGN KEY (tenant_id, prev_seq, prev_hash)
    REFERENCES audit_events (tenant_id, seq, hash)
);

-- Transactional outbox (§4): rows are written in the transaction that makes the change and
-- relayed to Kafka in id order by an idempotent producer, which then sets published_at.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (tenant_id),
  -- Kafka's legal topic names.
  topic text NOT NULL CONSTRAINT outbox_topic_check CHECK (topic ~ '^[A-Za-z0-9._-]{1,249}$'),
  -- Record key `tenantId:entityId` (§2), so an entity's events stay on one partition.
  key text NOT NULL CONSTRAINT outbox_key_check CHECK (starts_with(key, tenant_id::text || ':')),
  -- The record's eventId; consumers dedupe on it, so it is unique here too.
  event_id uuid NOT NULL CONSTRAINT outbox_event_id_key UNIQUE,
  -- The record as JSON, Avro-encoded by the relay against the topic's registered schema
  -- (docs/adr/0001-postgres-schema.md): writers need no schema registry in their transaction.
  payload jsonb NOT NULL,
  -- Kafka headers to send, e.g. {"traceparent": "00-..."}; string values.
  headers jsonb NOT NULL DEFAULT '{}'::jsonb CONSTRAINT outbox_headers_check CHECK (jsonb_typeof(headers) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);

-- The relay's query: unpublished rows in id order. Partial, so it stays as small as the
-- backlog however long published rows are kept.
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_tenant_idx ON outbox (tenant_id, id);

-- Kafka -> Postgres exactly-once (§4): the next offset to consume, written in the same
-- transaction as the state change it covers. generation fences zombies: a writer updates
-- only `WHERE generation = <the generation it was assigned>`, and an assignment bumps it.
-- No tenant_id: one partition carries the records of many tenants.
CREATE TABLE consumer_offsets (
  consumer_group text NOT NULL CONSTRAINT consumer_offsets_consumer_group_check CHECK (length(consumer_group) >= 1),
  topic text NOT NULL CONSTRAINT consumer_offsets_topic_check CHECK (topic ~ '^[A-Za-z0-9._-]{1,249}$'),
  partition integer NOT NULL CONSTRAINT consumer_offsets_partition_check CHECK (partition >= 0),
  next_offset bigint NOT NULL CONSTRAINT consumer_offsets_next_offset_check CHECK (next_offset >= 0),
  generation bigint NOT NULL DEFAULT 0 CONSTRAINT consumer_offsets_generation_check CHECK (generation >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT consumer_offsets_pkey PRIMARY KEY (consumer_group, topic, partition)
);
