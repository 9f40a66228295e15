import type { HadirMigration } from './helpers.js';

/**
 * Face datasets and models trained from them (modules/datasets). Crops are derived from a video's
 * persons: their rows cascade with the video and with the person, so deleting either deletes them (the
 * files under HADIR_DATA_DIR/datasets/<org>/ are removed by the module). A dataset version is an
 * immutable snapshot of labelled crops with a content hash; its items cascade with their crop, so an
 * erasure request still wins over immutability (the version then shows fewer faces than it was made with).
 */
export const datasets: HadirMigration = {
  name: '0061_datasets',
  async up({ db, t }) {
    await db.schema
      .createTable('dataset_faces')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('person_id', t.id, (c) => c.notNull().references('video_persons.id').onDelete('cascade'))
      .addColumn('video_id', t.id, (c) => c.notNull().references('videos.id').onDelete('cascade'))
      .addColumn('seq', t.int, (c) => c.notNull())
      .addColumn('frame', t.int, (c) => c.notNull())
      .addColumn('time_sec', t.real, (c) => c.notNull())
      .addColumn('quality', t.real, (c) => c.notNull())
      .addColumn('det_score', t.real, (c) => c.notNull())
      .addColumn('file', t.text, (c) => c.notNull())
      .addColumn('context_file', t.text, (c) => c.notNull())
      .addColumn('context_box', t.text, (c) => c.notNull())
      .addColumn('pack', t.text, (c) => c.notNull())
      .addColumn('embedding', t.blob, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('dataset_faces_person_ix')
      .on('dataset_faces')
      .columns(['organization_id', 'person_id'])
      .execute();
    await db.schema.createIndex('dataset_faces_video_ix').on('dataset_faces').columns(['video_id']).execute();

    await db.schema
      .createTable('dataset_versions')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('number', t.int, (c) => c.notNull())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('val_ratio', t.real, (c) => c.notNull())
      .addColumn('seed', t.int, (c) => c.notNull())
      .addColumn('classes', t.text, (c) => c.notNull())
      .addColumn('face_count', t.int, (c) => c.notNull())
      .addColumn('content_hash', t.text, (c) => c.notNull())
      .addColumn('pack', t.text, (c) => c.notNull())
      .addColumn('created_by', t.id)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('dataset_versions_org_number_ux')
      .on('dataset_versions')
      .columns(['organization_id', 'number'])
      .unique()
      .execute();

    await db.schema
      .createTable('dataset_version_items')
      .addColumn('version_id', t.id, (c) => c.notNull().references('dataset_versions.id').onDelete('cascade'))
      .addColumn('face_id', t.id, (c) => c.notNull().references('dataset_faces.id').onDelete('cascade'))
      .addColumn('class_index', t.int, (c) => c.notNull())
      .addColumn('split', t.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('dataset_version_items_pk', ['version_id', 'face_id'])
      .execute();
    await db.schema
      .createIndex('dataset_version_items_face_ix')
      .on('dataset_version_items')
      .columns(['face_id'])
      .execute();

    await db.schema
      .createTable('dataset_models')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('number', t.int, (c) => c.notNull())
      .addColumn('version_id', t.id, (c) => c.references('dataset_versions.id').onDelete('set null'))
      .addColumn('dataset_hash', t.text, (c) => c.notNull())
      .addColumn('method', t.text, (c) => c.notNull())
      .addColumn('params', t.text, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('progress', t.text, (c) => c.notNull())
      .addColumn('error', t.text)
      .addColumn('classes', t.text, (c) => c.notNull())
      .addColumn('pack', t.text, (c) => c.notNull())
      .addColumn('metrics', t.text)
      .addColumn('threshold', t.real)
      .addColumn('weights', t.text)
      .addColumn('active_library', t.int, (c) => c.notNull())
      .addColumn('active_live', t.int, (c) => c.notNull())
      .addColumn('imported', t.int, (c) => c.notNull())
      .addColumn('created_by', t.id)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('finished_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('dataset_models_org_number_ux')
      .on('dataset_models')
      .columns(['organization_id', 'number'])
      .unique()
      .execute();
  },
};
