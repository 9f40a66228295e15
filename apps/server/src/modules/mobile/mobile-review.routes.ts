import { z } from 'zod';
import {
  MobileRecord,
  MobileRecordDecision,
  MobileRecordList,
  MobileRecordQuery,
  PathId,
} from '@hadir/contracts';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from '../auth/index.js';
import type { MobileReviewService } from './mobile-review.service.js';

const tags = ['attendance'];

/** The website's view of phone-captured attendance: list with filters, approve or reject flagged ones. */
export function registerMobileReviewRoutes(app: HttpApp, review: MobileReviewService): void {
  app.get(
    '/api/attendance/mobile-records',
    {
      config: { auth: 'attendance:record:view' },
      schema: {
        tags,
        summary:
          'Attendance captured on phones (self-service and officers): face snapshot, score, recorder, device, flags and review',
        querystring: MobileRecordQuery,
        response: { 200: MobileRecordList },
      },
    },
    async (req) => review.list(orgOf(req), req.query),
  );
  app.post(
    '/api/attendance/mobile-records/:id/review',
    {
      config: { auth: 'attendance:record:approve' },
      schema: {
        tags,
        summary:
          'Approve or reject a flagged phone record (a rejected one no longer counts toward the day; audited)',
        params: z.object({ id: PathId }),
        body: MobileRecordDecision,
        response: { 200: MobileRecord },
      },
    },
    async (req) => review.decide(authOf(req), orgOf(req), req.params.id, req.body),
  );
}
