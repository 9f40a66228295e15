import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '@hadir/contracts';
import { i18next } from '../i18n';
import { hasPermission } from '../auth/session';
import { APP_ROUTES } from './routes';

const session = (permissions: string[]): SessionInfo => ({
  user: { id: 'u1', name: 'A', email: 'a@example.com', locale: 'en' },
  memberships: [],
  activeOrganizationId: 'o1',
  role: 'member',
  permissions,
  csrfToken: 'x',
});

describe('route table', () => {
  it('has unique paths and translated nav labels', () => {
    const paths = APP_ROUTES.map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const r of APP_ROUTES) {
      if (!r.nav) continue;
      for (const lng of ['en', 'id', 'vi'])
        expect(i18next.exists(r.nav.label, { lng }), `${lng} ${r.nav.label}`).toBe(true);
    }
  });

  it('hides management pages from roles without the permission', () => {
    const member = session(['attendance:record:view:own']);
    const visible = APP_ROUTES.filter((r) => hasPermission(member, r.permission)).map((r) => r.path);
    expect(visible).toContain('/');
    expect(visible).not.toContain('/employees/new');
    expect(visible).not.toContain('/settings/users');
    expect(visible).not.toContain('/leave/approvals');
    expect(visible).not.toContain('/attendance/corrections');
    expect(visible).toContain('/attendance/me');
    expect(visible).not.toContain('/settings/leave');
    expect(visible).not.toContain('/attendance');
    expect(visible).not.toContain('/kiosk');
    expect(visible).not.toContain('/settings/integrations');
    // The video library keeps whole recordings: only with video:view.
    expect(visible.filter((p) => p.startsWith('/videos'))).toEqual([]);
    const watcher = APP_ROUTES.filter((r) => hasPermission(session(['video:view']), r.permission));
    expect(watcher.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/videos',
        '/videos/:id',
        '/videos/persons',
        '/videos/datasets',
        '/videos/datasets/versions',
        '/videos/models',
        '/videos/webcam',
      ]),
    );
    const admin = session([
      'member:view',
      'member:manage',
      'user:manage',
      'token:manage',
      'audit:view',
      'presence:view',
      'alert:view',
      'camera:view',
      'camera:manage',
      'member:face:view',
      'report:generate',
      'settings:manage',
      'leave:request',
      'leave:approve',
      'leave:manage',
      'attendance:record:view',
      'attendance:record:create',
      'attendance:record:view:own',
      'integration:manage',
      'video:view',
      'device:manage',
    ]);
    expect(visible).not.toContain('/settings/devices');
    expect(visible).not.toContain('/settings/edges');
    expect(APP_ROUTES.every((r) => hasPermission(admin, r.permission))).toBe(true);
  });
});
