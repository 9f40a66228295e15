import type { TFunction } from 'i18next';
import { ApiError } from './client';

/** A message for the person in front of the screen, in their language where we know the code. */
export function errorMessage(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('common.networkError');
    if (error.status === 403) return t('common.forbidden');
    if (error.status === 423) return t('auth.locked');
    if (error.status === 429) return t('auth.rateLimited');
    if (error.status >= 500) return t('common.unknownError');
    if (error.code === 'validation_failed') return t('validation.checkFields');
    return error.message;
  }
  return t('common.unknownError');
}
