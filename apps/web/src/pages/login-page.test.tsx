import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { i18next } from '../i18n';
import { isAppOnlyRole, loginErrorMessage } from './login-page';

describe('login error messages', () => {
  const t = i18next.t.bind(i18next);
  it('explains wrong password, lockout and rate limiting', () => {
    expect(loginErrorMessage(t, new ApiError(401, 'unauthorized', 'Wrong email or password'))).toBe(
      'Wrong email or password.',
    );
    expect(loginErrorMessage(t, new ApiError(423, 'account_locked', 'locked'))).toMatch(/locked/);
    expect(loginErrorMessage(t, new ApiError(429, 'rate_limited', 'slow down'))).toMatch(/Too many requests/);
    expect(loginErrorMessage(t, new ApiError(0, 'network', 'Network error'))).toMatch(
      /Cannot reach the server/,
    );
  });

  it('speaks the active language', async () => {
    await i18next.changeLanguage('id');
    expect(loginErrorMessage(t, new ApiError(401, 'unauthorized', 'x'))).toBe('Email atau kata sandi salah.');
    await i18next.changeLanguage('vi');
    expect(loginErrorMessage(t, new ApiError(423, 'account_locked', 'x'))).toMatch(/khóa/);
  });

  it('sends members and officers to the mobile app, in their language', async () => {
    expect(['member', 'officer', 'manager', 'admin', null].map((r) => isAppOnlyRole(r))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    // a custom role sits on the member base role and is a website role
    expect(isAppOnlyRole('member', 'Front desk')).toBe(false);
    await i18next.changeLanguage('id');
    expect(t('dev.appOnly', { url: 'https://hadir.test/m/' })).toMatch(
      /aplikasi absensi.*https:\/\/hadir.test\/m\//,
    );
  });
});
