import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { orgApi, queryKeys } from '../api/endpoints';
import { currentLocale } from '.';
import { formatDate, formatDateTime } from './format';

export interface OrgTime {
  /** The organization's IANA zone; undefined until the organization has loaded. */
  timeZone: string | undefined;
  /** "5 Jan 2026, 09.00 WIB": date and time in the organization's zone, the zone named. */
  dateTime: (iso: string | null | undefined) => string;
  /** The calendar date in the organization's zone. */
  date: (iso: string | null | undefined) => string;
}

/**
 * The one way pages show an instant: in the organization's time zone (where the cameras and the people
 * are), never the browser's, with the zone named so an admin travelling abroad is not misled.
 */
export function useOrgTime(): OrgTime {
  const locale = currentLocale();
  const org = useQuery({ queryKey: queryKeys.organization, queryFn: orgApi.get, staleTime: 60_000 });
  const timeZone = org.data?.settings.timeZone;
  return useMemo(
    () => ({
      timeZone,
      dateTime: (iso) => formatDateTime(iso, locale, timeZone, { withZone: true }),
      date: (iso) => formatDate(iso, locale, timeZone),
    }),
    [locale, timeZone],
  );
}
