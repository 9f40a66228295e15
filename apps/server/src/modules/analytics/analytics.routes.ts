import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AttendanceAnalytics,
  AttendanceAnalyticsQuery,
  FaceDetectResponse,
  PathId,
  PresenceLogPage,
  PresenceLogQuery,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import { AppError, notFound, payloadTooLarge } from '../../platform/http/errors.js';
import { authOf, orgOf } from '../auth/index.js';
import type { FaceModules } from '../faces/index.js';
import { exportLocale, type ExportLocale } from '../../platform/export/local-format.js';
import { attendanceCsv, attendanceXlsx } from './analytics-export.writer.js';
import { attendancePdf, presenceLogPdf } from './analytics-pdf.writer.js';
import type { AnalyticsService } from './analytics.service.js';
import { MAX_DETECT_BYTES, type FaceDetectService } from './face-detect.service.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const tags = ['analytics'];

export function registerAnalyticsRoutes(
  app: HttpApp,
  ctx: ServerContext,
  analytics: AnalyticsService,
  detector: FaceDetectService,
  faces: FaceModules,
): void {
  const organizationName = async (orgId: string) =>
    (await ctx.db.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirst())
      ?.name ?? '';
  /** A PDF is read by the person who asked for it: their language, else the organization's. */
  const readerLocale = async (req: FastifyRequest, orgLocale: string): Promise<ExportLocale> => {
    const userId = authOf(req).userId;
    const user = userId
      ? await ctx.db.selectFrom('users').select('locale').where('id', '=', userId).executeTakeFirst()
      : undefined;
    return exportLocale(user?.locale ?? orgLocale);
  };

  app.get(
    '/api/analytics/attendance',
    {
      config: { auth: 'report:generate', limit: 'query' },
      schema: {
        tags,
        summary:
          'Attendance aggregates for the report charts: per day, per department, lateness; format=csv|pdf|xlsx exports them',
        querystring: AttendanceAnalyticsQuery,
        response: { 200: AttendanceAnalytics },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const { analytics: result, employees } = await analytics.attendanceReport(orgId, req.query);
      const name = `attendance-${result.from}-${result.to}`;
      const { locale, timeZone } = await analytics.timeZone(orgId);
      // Files bypass the JSON serializer; the declared schema describes the JSON form.
      const file = (type: string, ext: string, body: string | Buffer) =>
        reply
          .type(type)
          .header('content-disposition', `attachment; filename="${name}.${ext}"`)
          .send(body as unknown as AttendanceAnalytics);
      switch (req.query.format) {
        case 'csv':
          return file('text/csv; charset=utf-8', 'csv', attendanceCsv(result));
        case 'xlsx':
          return file(XLSX, 'xlsx', await attendanceXlsx(result, locale));
        case 'pdf':
          return file(
            'application/pdf',
            'pdf',
            await attendancePdf(result, employees, {
              organizationName: await organizationName(orgId),
              timeZone,
              locale: await readerLocale(req, locale),
              generatedMs: Date.parse(result.generatedAt),
              departmentName: req.query.departmentId
                ? ((
                    await ctx.db
                      .selectFrom('departments')
                      .select('name')
                      .where('organizationId', '=', orgId)
                      .where('id', '=', req.query.departmentId)
                      .executeTakeFirst()
                  )?.name ?? null)
                : null,
            }),
          );
        case 'json':
          return result;
        default: {
          const never: never = req.query.format;
          return never;
        }
      }
    },
  );

  app.get(
    '/api/analytics/presence-log',
    {
      config: { auth: 'presence:view', limit: 'query' },
      schema: {
        tags,
        summary: 'Presence log with department and snapshot (cursor pagination); format=pdf exports it',
        querystring: PresenceLogQuery,
        response: { 200: PresenceLogPage },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const { format, ...q } = req.query;
      if (format === 'json') return analytics.presenceLog(authOf(req), orgId, q);
      const { items, truncated } = await analytics.presenceLogAll(authOf(req), orgId, q);
      const { timeZone, locale } = await analytics.timeZone(orgId);
      const pdf = await presenceLogPdf(items, truncated, {
        organizationName: await organizationName(orgId),
        timeZone,
        locale: await readerLocale(req, locale),
        fromMs: q.from ? Date.parse(q.from) : null,
        toMs: q.to ? Date.parse(q.to) : null,
        generatedMs: ctx.clock.nowMs(),
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', 'attachment; filename="presence-log.pdf"')
        .send(pdf as unknown as PresenceLogPage);
    },
  );

  app.get(
    '/api/analytics/employees/:id/photo.jpg',
    {
      config: { auth: 'member:face:view' },
      schema: {
        tags,
        summary: "The person's best enrolled face crop (JPEG) for avatars; 404 when none is kept",
        params: z.object({ id: PathId }),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      const orgId = orgOf(req);
      const list = await faces.faces.list(auth, orgId, req.params.id);
      // Any kept crop makes an avatar (the pack only matters for matching), so this agrees with the
      // presence list's `hasPhoto`; the running pack's best crop comes first.
      const best = list.items
        .filter((s) => s.hasCrop)
        .sort((a, b) => Number(b.activePack) - Number(a.activePack) || b.quality - a.quality)[0];
      if (!best) throw notFound('Face photo');
      const jpeg = await faces.faces.thumbnail(auth, orgId, req.params.id, best.id);
      return reply.type('image/jpeg').header('cache-control', 'private, no-store').send(jpeg);
    },
  );

  app.post(
    '/api/faces/detect',
    {
      config: { auth: 'member:face:register', limit: 'upload' },
      bodyLimit: MAX_DETECT_BYTES,
      schema: {
        tags,
        summary:
          'Face boxes and capture hints for one small preview frame (multipart field "frame"); nothing is stored',
        consumes: ['multipart/form-data'],
        response: { 200: FaceDetectResponse },
      },
    },
    async (req) => {
      if (!req.isMultipart()) {
        throw new AppError(415, 'multipart_required', 'Send the frame as multipart/form-data.');
      }
      let bytes: Buffer | null = null;
      try {
        const part = await req.file({ limits: { fileSize: MAX_DETECT_BYTES, files: 1 } });
        bytes = part ? await part.toBuffer() : null;
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw payloadTooLarge('The frame is larger than 2 MiB; send a downscaled preview.');
        }
        throw error;
      }
      if (!bytes) throw new AppError(400, 'no_frame', 'Attach one frame as a JPEG.');
      return detector.detect(bytes, () => ctx.clock.nowMs());
    },
  );
}
