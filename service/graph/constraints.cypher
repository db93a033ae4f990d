// Constraints and indexes of the Supplygraph model. Applied by `python -m seed` (and by the
// tests) statement by statement; every statement is idempotent (IF NOT EXISTS).
// Community edition has no existence or type constraints: the loader's pydantic models enforce
// required fields and types.

// Ids are unique across all labels: every entity also carries the :Entity label.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT facility_id IF NOT EXISTS FOR (n:Facility) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT partnership_id IF NOT EXISTS FOR (n:Partnership) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT statement_id IF NOT EXISTS FOR (n:Statement) REQUIRE n.id IS UNIQUE;

// API keys (`python -m service keys`) are not entities: they have no :Entity label.
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
// The change feed's sequence (one node): MERGE on it is safe under concurrent writers.
CREATE CONSTRAINT sequence_name IF NOT EXISTS FOR (n:Sequence) REQUIRE n.name IS UNIQUE;
// The feed is read in sequence order, and by entity.
CREATE INDEX change_seq IF NOT EXISTS FOR (n:Change) ON (n.seq);
CREATE INDEX change_entity IF NOT EXISTS FOR (n:Change) ON (n.entity);
// Watches and webhooks follow the feed; like keys, they are not entities.
CREATE CONSTRAINT watch_id IF NOT EXISTS FOR (n:Watch) REQUIRE n.id IS UNIQUE;
CREATE INDEX watch_owner IF NOT EXISTS FOR (n:Watch) ON (n.owner);
CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (n:Webhook) REQUIRE n.id IS UNIQUE;
// Merges of duplicates (`merge`, `unmerge`): found by their id or by the dropped id.
CREATE CONSTRAINT merge_id IF NOT EXISTS FOR (n:Merge) REQUIRE n.id IS UNIQUE;
CREATE INDEX merge_drop IF NOT EXISTS FOR (n:Merge) ON (n.drop);

// Properties the API filters and sorts by.
CREATE INDEX company_name IF NOT EXISTS FOR (n:Company) ON (n.name);
CREATE INDEX company_kind IF NOT EXISTS FOR (n:Company) ON (n.kind);
CREATE INDEX company_country IF NOT EXISTS FOR (n:Company) ON (n.country);
CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name);
CREATE INDEX facility_name IF NOT EXISTS FOR (n:Facility) ON (n.name);
CREATE INDEX facility_kind IF NOT EXISTS FOR (n:Facility) ON (n.kind);
CREATE INDEX facility_status IF NOT EXISTS FOR (n:Facility) ON (n.status);
CREATE INDEX facility_country IF NOT EXISTS FOR (n:Facility) ON (n.country);
CREATE INDEX partnership_kind IF NOT EXISTS FOR (n:Partnership) ON (n.kind);
CREATE INDEX partnership_status IF NOT EXISTS FOR (n:Partnership) ON (n.status);
CREATE INDEX partnership_announced IF NOT EXISTS FOR (n:Partnership) ON (n.announced_on);
CREATE INDEX partnership_value IF NOT EXISTS FOR (n:Partnership) ON (n.value_usd);
CREATE INDEX source_tier IF NOT EXISTS FOR (n:Source) ON (n.tier);
CREATE INDEX source_published IF NOT EXISTS FOR (n:Source) ON (n.published_on);
CREATE INDEX entity_content_hash IF NOT EXISTS FOR (n:Entity) ON (n.content_hash);
CREATE INDEX staged_load IF NOT EXISTS FOR (n:Staged) ON (n.load_id);
CREATE INDEX staged_id IF NOT EXISTS FOR (n:Staged) ON (n.id);
CREATE INDEX source_url IF NOT EXISTS FOR (n:Source) ON (n.url);
CREATE INDEX statement_on IF NOT EXISTS FOR (n:Statement) ON (n.on);

// Relationship properties the analytics filter on.
CREATE INDEX money_flow_partnership IF NOT EXISTS FOR ()-[r:MONEY_FLOW]-() ON (r.partnership);
CREATE INDEX supplies_partnership IF NOT EXISTS FOR ()-[r:SUPPLIES]-() ON (r.partnership);
CREATE INDEX invests_in_partnership IF NOT EXISTS FOR ()-[r:INVESTS_IN]-() ON (r.partnership);

// Names and aliases for search.
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS
FOR (n:Company|Person|Facility|Partnership|Source) ON EACH [n.name, n.aliases_text, n.legal_name, n.title, n.publisher];
