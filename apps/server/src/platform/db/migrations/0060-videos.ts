import type { HadirMigration } from './helpers.js';

/**
 * The video library (modules/videos). Whole recordings a user uploaded on purpose, kept apart from live
 * CCTV: files live under HADIR_DATA_DIR/videos/<org>/<video id>/, rows cascade with the organization and
 * with their video, so deleting a video deletes every appearance derived from it. video_persons are
 * library-wide per organization (PERSON-0001…: `code` is unique per organization and never reused).
 */
export const videos: HadirMigration = {
  name: '0060_videos',
  async up({ db, t }) {
    await db.schema
      .createTable('video_collections')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('parent_id', t.id, (c) => c.references('video_collections.id').onDelete('set null'))
      .addColumn('retention_days', t.int)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('video_collections_org_ix')
      .on('video_collections')
      .columns(['organization_id'])
      .execute();

    await db.schema
      .createTable('videos')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('collection_id', t.id, (c) => c.references('video_collections.id').onDelete('set null'))
      .addColumn('title', t.text, (c) => c.notNull())
      .addColumn('original_name', t.text, (c) => c.notNull())
      .addColumn('dir', t.text, (c) => c.notNull())
      .addColumn('original_file', t.text, (c) => c.notNull())
      .addColumn('playable_file', t.text)
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('stage', t.text, (c) => c.notNull())
      .addColumn('progress', t.real, (c) => c.notNull())
      .addColumn('error', t.text)
      .addColumn('size_bytes', t.bigint, (c) => c.notNull())
      .addColumn('duration_sec', t.real, (c) => c.notNull())
      .addColumn('width', t.int, (c) => c.notNull())
      .addColumn('height', t.int, (c) => c.notNull())
      .addColumn('fps', t.real, (c) => c.notNull())
      .addColumn('video_codec', t.text, (c) => c.notNull())
      .addColumn('browser_playable', t.int, (c) => c.notNull())
      .addColumn('frames_analyzed', t.int, (c) => c.notNull())
      .addColumn('created_by', t.id)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('processed_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('videos_org_created_ix')
      .on('videos')
      .columns(['organization_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('video_persons')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('code', t.int, (c) => c.notNull())
      .addColumn('name', t.text)
      .addColumn('employee_id', t.id, (c) => c.references('employees.id').onDelete('set null'))
      .addColumn('ignored', t.int, (c) => c.notNull())
      .addColumn('pack', t.text)
      .addColumn('embedding', t.blob)
      .addColumn('thumbnail_file', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('video_persons_org_code_ux')
      .on('video_persons')
      .columns(['organization_id', 'code'])
      .unique()
      .execute();

    await db.schema
      .createTable('video_appearances')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('video_id', t.id, (c) => c.notNull().references('videos.id').onDelete('cascade'))
      .addColumn('person_id', t.id, (c) => c.notNull().references('video_persons.id').onDelete('cascade'))
      .addColumn('ranges', t.text, (c) => c.notNull())
      .addColumn('boxes', t.text, (c) => c.notNull())
      .addColumn('faces', t.int, (c) => c.notNull())
      .addColumn('first_sec', t.real, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('video_appearances_video_ix')
      .on('video_appearances')
      .columns(['video_id'])
      .execute();
    await db.schema
      .createIndex('video_appearances_person_ix')
      .on('video_appearances')
      .columns(['organization_id', 'person_id'])
      .execute();
  },
};
