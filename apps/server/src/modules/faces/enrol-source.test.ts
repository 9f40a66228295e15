import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSharedDir } from '@hadir/testing';
import { newId } from '../../platform/ids/ids.js';
import { addEmployee } from '../../../test/fixtures/employee-row.js';
import { setupOrganization, startTestServer, type Client, type TestServer } from '../../../test/support.js';

/** The optional multipart field `source` of POST /api/employees/:id/faces (browser camera vs. files). */

const shared = findSharedDir();
const MODELS_OK = fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'));
const PHOTO = path.join(shared.dataDir, 'faces', 'Abdullah_Gul', 'Abdullah_Gul_0001.jpg');
const SKIP = !MODELS_OK || !fs.existsSync(PHOTO);
if (SKIP) console.warn('[skip] enrol source tests: no face models or face data');

function multipart(fields: Record<string, string>, photo: Buffer) {
  const boundary = `----hadir${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  chunks.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="capture.jpg"\r\n` +
        `Content-Type: image/jpeg\r\n\r\n`,
    ),
    photo,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    body: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe.skipIf(SKIP)('enrolment source field', () => {
  let t: TestServer;
  let admin: Client;
  let employeeId: string;

  beforeAll(async () => {
    t = await startTestServer('sqlite', { HADIR_MODELS_DIR: shared.modelsDir });
    let orgId: string;
    ({ client: admin, orgId } = await setupOrganization(t.app));
    employeeId = newId();
    await addEmployee(t.server, orgId, { id: employeeId, code: 'EMP001', name: 'Abdullah Gul' });
  });
  afterAll(async () => t?.close());

  const send = (fields: Record<string, string>) => {
    const { body, headers } = multipart(fields, fs.readFileSync(PHOTO));
    return admin.request('POST', `/api/employees/${employeeId}/faces`, body, headers);
  };

  it('refuses an unknown source before storing anything', async () => {
    const res = await send({ source: 'unknown_group' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('invalid_source');
  });

  it("records 'camera' when sent, 'upload' by default", async () => {
    expect((await send({ source: 'camera' })).statusCode).toBe(200);
    expect((await send({})).statusCode).toBe(200);
    const list = (await admin.get(`/api/employees/${employeeId}/faces`)).json<{
      items: { source: string }[];
    }>();
    expect(list.items.map((i) => i.source).sort()).toEqual(['camera', 'upload']);
  });
});
