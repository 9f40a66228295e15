import { describe, expect, it } from 'vitest';
import * as domain from './index.js';

describe('@hadir/domain entry', () => {
  it('exposes every module through the root', () => {
    for (const name of [
      'humanDuration',
      'can',
      'formatAlertMessage',
      'evaluatePresence',
      'nextPresence',
      'reconcileAfterRestart',
      'isWithinWorkingHours',
      'workingWindowsBetween',
      'localDate',
      'zonedDayBounds',
      'supervisorChain',
      'planAlertActions',
      'computeDailyAttendance',
      'summarizeTeamDay',
      'mergeIntervals',
      'formatDailyReportText',
      'decideIdentity',
      'trackConsensus',
      'assignUniqueIdentities',
    ]) {
      expect(typeof (domain as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
