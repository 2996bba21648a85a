// A digest of a tenant's ontology definitions (object types, their properties, link types), read
// under row-level security for the tenant set in the transaction. Equal digests mean equal
// definitions, so a catalog built earlier for the same tenant and digest can be reused: the
// gateway (gateway/sql/catalog.ts) and the materializer (processors/materializer) both read it
// in the same round trip as their tenant setting, instead of reading the catalog every time.
export const CATALOG_FINGERPRINT_EXPRESSION = `md5(
  coalesce((SELECT string_agg(t::text, ';' ORDER BY t.id) FROM object_types t), '') || '|' ||
  coalesce((SELECT string_agg(p::text, ';' ORDER BY p.object_type_id, p.name) FROM object_properties p), '') || '|' ||
  coalesce((SELECT string_agg(l::text, ';' ORDER BY l.id) FROM link_types l), ''))`;
