import type { HadirMigration } from './helpers.js';

/**
 * Face samples, snapshots and unknown faces. face_samples cascade with their employee (a deleted person
 * keeps no embedding). snapshots.employee_id is deliberately not a foreign key: an employee's deletion
 * erases their snapshot files too (faces module, on employee.deleted), which a cascade could not do.
 * unknown_faces live exactly as long as their snapshot (cascade), so snapshot retention also purges
 * their embeddings.
 */
export const faces: HadirMigration = {
  name: '0011_faces',
  async up({ db, t }) {
    await db.schema
      .createTable('face_samples')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('employee_id', t.id, (c) => c.notNull().references('employees.id').onDelete('cascade'))
      .addColumn('pack', t.text, (c) => c.notNull())
      .addColumn('embedding', t.blob, (c) => c.notNull())
      .addColumn('quality', t.real, (c) => c.notNull())
      .addColumn('aligned_crop', t.blob)
      .addColumn('source', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('face_samples_org_pack_ix')
      .on('face_samples')
      .columns(['organization_id', 'pack'])
      .execute();
    await db.schema
      .createIndex('face_samples_employee_ix')
      .on('face_samples')
      .columns(['employee_id', 'pack'])
      .execute();

    await db.schema
      .createTable('snapshots')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('camera_id', t.text)
      .addColumn('employee_id', t.id)
      .addColumn('face_path', t.text, (c) => c.notNull())
      .addColumn('frame_path', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('snapshots_org_created_ix')
      .on('snapshots')
      .columns(['organization_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('snapshots_employee_ix')
      .on('snapshots')
      .columns(['organization_id', 'employee_id'])
      .execute();

    await db.schema
      .createTable('unknown_faces')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('organization_id', t.id, (c) =>
        c.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('camera_id', t.text, (c) => c.notNull())
      .addColumn('seen_at', t.bigint, (c) => c.notNull())
      .addColumn('snapshot_id', t.id, (c) => c.notNull().references('snapshots.id').onDelete('cascade'))
      .addColumn('pack', t.text, (c) => c.notNull())
      .addColumn('embedding', t.blob, (c) => c.notNull())
      .addColumn('quality', t.real, (c) => c.notNull())
      .addColumn('aligned_crop', t.blob)
      .addColumn('cluster_id', t.id)
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('assigned_employee_id', t.id)
      .execute();
    await db.schema
      .createIndex('unknown_faces_org_status_ix')
      .on('unknown_faces')
      .columns(['organization_id', 'status', 'cluster_id'])
      .execute();
    await db.schema
      .createIndex('unknown_faces_assigned_ix')
      .on('unknown_faces')
      .columns(['organization_id', 'assigned_employee_id'])
      .execute();
  },
};
