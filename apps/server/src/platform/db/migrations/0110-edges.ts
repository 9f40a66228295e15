import type { HadirMigration } from './helpers.js';

/**
 * Edge boxes (issue 15): an edge serves an organization's cameras at a site and pushes what it sees to
 * the hub through its own store-and-forward queue. `edges` holds the one-time enrol code and the device
 * credential, both as SHA-256 hashes (the secrets are shown once), and the health the hub last heard.
 * `edge_ingest_items` is the idempotency record: one row per (edge, seq) the hub has applied, so a batch
 * replayed after a cut link is applied once.
 */
export const edges: HadirMigration = {
  name: '0110_edges',
  async up({ db, t }) {
    await db.schema
      .createTable('edges')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('name', t.text, (c) => c.notNull())
      // JSON arrays; both empty: the edge serves every camera of the organization.
      .addColumn('site_ids', t.text, (c) => c.notNull())
      .addColumn('camera_ids', t.text, (c) => c.notNull())
      .addColumn('enrol_code_hash', t.text)
      .addColumn('enrol_code_expires_at', t.bigint)
      .addColumn('credential_hash', t.text)
      .addColumn('device_name', t.text)
      .addColumn('created_by', t.id)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('enrolled_at', t.bigint)
      .addColumn('revoked_at', t.bigint)
      .addColumn('revoked_by', t.id)
      .addColumn('last_contact_at', t.bigint)
      .addColumn('queue_depth', t.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('clock_skew_ms', t.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('last_seq', t.bigint, (c) => c.notNull().defaultTo(0))
      // When the hub declared the edge lost (silent past the limit); null while it is in contact.
      .addColumn('lost_at', t.bigint)
      .execute();
    await db.schema.createIndex('edges_org_ix').on('edges').columns(['organization_id']).execute();
    await db.schema.createIndex('edges_code_ux').on('edges').columns(['enrol_code_hash']).unique().execute();
    await db.schema
      .createIndex('edges_credential_ux')
      .on('edges')
      .columns(['credential_hash'])
      .unique()
      .execute();

    await db.schema
      .createTable('edge_ingest_items')
      .addColumn('edge_id', t.id, (c) => c.notNull().references('edges.id').onDelete('cascade'))
      .addColumn('seq', t.bigint, (c) => c.notNull())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('kind', t.text, (c) => c.notNull())
      // When it happened (edge clock, corrected for skew) and when the hub applied it.
      .addColumn('observed_at', t.bigint, (c) => c.notNull())
      .addColumn('received_at', t.bigint, (c) => c.notNull())
      .addColumn('clock_skew_ms', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('edge_ingest_items_pk', ['edge_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('edge_ingest_items_received_ix')
      .on('edge_ingest_items')
      .columns(['received_at'])
      .execute();
  },
};
