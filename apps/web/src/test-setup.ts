import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { initI18n, setLocale } from './i18n';

initI18n('en');

afterEach(async () => {
  cleanup();
  localStorage.clear();
  await setLocale('en');
});
