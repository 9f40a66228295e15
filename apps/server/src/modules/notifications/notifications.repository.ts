import type { Kysely, Transaction } from 'kysely';
import { ChannelType, DEFAULT_NOTIFICATION_SETTINGS, NotificationSettings } from '@hadir/contracts';
import type { AlertSettings } from '@hadir/domain';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { DB } from '../../platform/db/schema.js';
import type { NotificationChannelsTable } from '../../platform/db/tables/notifications.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { parseChannelConfig, type ParsedChannelConfig } from './channels/index.js';

export type Executor = Kysely<DB> | Transaction<DB>;

/** Stored shape of notification_channels.config: public settings in clear, secrets sealed together. */
interface StoredChannelConfig {
  settings: unknown;
  sealed: string | null;
}

export interface ChannelRecord {
  row: NotificationChannelsTable;
  config: ParsedChannelConfig;
}

export function openChannel(row: NotificationChannelsTable, secrets: SecretBox): ChannelRecord {
  const stored = JSON.parse(row.config) as StoredChannelConfig;
  const opened: unknown = stored.sealed ? JSON.parse(secrets.open(stored.sealed)) : {};
  return { row, config: parseChannelConfig(ChannelType.parse(row.type), stored.settings, opened) };
}

export function sealChannelConfig(config: ParsedChannelConfig, secrets: SecretBox): string {
  const hasSecrets = Object.keys(config.secrets).length > 0;
  const stored: StoredChannelConfig = {
    settings: config.settings,
    sealed: hasSecrets ? secrets.seal(JSON.stringify(config.secrets)) : null,
  };
  return JSON.stringify(stored);
}

/** Settings saved before a field existed get its default, so old rows always parse. */
export async function getNotificationSettings(db: Executor, orgId: string): Promise<NotificationSettings> {
  const row = await db
    .selectFrom('notificationSettings')
    .select('settings')
    .where('organizationId', '=', orgId)
    .executeTakeFirst();
  if (!row) return DEFAULT_NOTIFICATION_SETTINGS;
  return NotificationSettings.parse({
    ...DEFAULT_NOTIFICATION_SETTINGS,
    ...(JSON.parse(row.settings) as Partial<NotificationSettings>),
  });
}

/**
 * The domain alert rules' settings for an organization: the alerts module feeds these to
 * planAlertActions, so cooldown and quiet hours are decided once, in the domain.
 */
export async function alertSettingsFor(db: Executor, orgId: string): Promise<AlertSettings> {
  const [org, n] = await Promise.all([
    getOrganizationSettings(db, orgId),
    getNotificationSettings(db, orgId),
  ]);
  return {
    escalateAfterMinutes: org.escalateAfterMinutes,
    cooldownMinutes: n.cooldownMinutes,
    quietHours: n.quietHours,
    quietHoursMode: n.quietHoursBehaviour === 'defer' ? 'queue' : 'drop',
    timeZone: org.timeZone,
    notifyOnReturn: n.notifyOnReturn,
  };
}
