-- Up Migration

-- One outbox row per (writing transaction, tenant, topic), carrying that transaction's records
-- for the topic in order, instead of one row per record (docs/adr/0007-outbox-envelopes.md).
-- A materializer batch applies about a thousand changes; a row and four index entries for each,
-- written once and rewritten when published, cost more than the upsert that made the changes.

ALTER TABLE outbox ADD COLUMN messages json;
ALTER TABLE outbox ADD COLUMN message_count integer;

-- Rows written before this migration, published or not, become one-record envelopes: an
-- unpublished record is still relayed, in the same id order. The owner sees every tenant's
-- rows only while RLS is not forced on it (restored below, in the same transaction).
ALTER TABLE outbox NO FORCE ROW LEVEL SECURITY;
UPDATE outbox SET
  messages = json_build_array(json_build_object('key', key, 'eventId', event_id, 'payload', payload, 'headers', headers)),
  message_count = 1;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;

ALTER TABLE outbox DROP COLUMN key;
ALTER TABLE outbox DROP COLUMN event_id;
ALTER TABLE outbox DROP COLUMN payload;
ALTER TABLE outbox DROP COLUMN headers;

-- json, not jsonb: the relay reads the array back whole and in order, so parsing it into a
-- binary tree on insert is work nobody uses. EXTERNAL: kept out of line without compression,
-- which costs more CPU than the few hours the rows live save in disk.
ALTER TABLE outbox ALTER COLUMN messages SET NOT NULL;
ALTER TABLE outbox ALTER COLUMN messages SET STORAGE EXTERNAL;
ALTER TABLE outbox ADD CONSTRAINT outbox_messages_check CHECK (json_typeof(messages) = 'array');
ALTER TABLE outbox ALTER COLUMN message_count SET NOT NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_message_count_check CHECK (message_count >= 1);

-- The records one at a time, for operators and tests: what used to be the outbox's rows. As the
-- caller (security_invoker), so the outbox's row-level security applies through it.
CREATE VIEW outbox_messages WITH (security_invoker = true) AS
  SELECT o.id AS outbox_id,
         m.ordinality AS position,
         o.tenant_id,
         o.topic,
         m.message->>'key' AS key,
         (m.message->>'eventId')::uuid AS event_id,
         (m.message->'payload')::jsonb AS payload,
         (m.message->'headers')::jsonb AS headers,
         o.created_at,
         o.published_at
  FROM outbox o
  CROSS JOIN LATERAL json_array_elements(o.messages) WITH ORDINALITY AS m(message, ordinality);

GRANT SELECT ON outbox_messages TO l3_processor;
