import {
  HttpGatewaySecrets,
  HttpGatewaySettings,
  LogSettings,
  WhatsAppCloudSecrets,
  WhatsAppCloudSettings,
  type ChannelType,
} from '@hadir/contracts';
import type { Logger } from '../../../platform/logging/logger.js';
import type { NotificationChannelPlugin } from './channel.js';
import { HttpGatewayChannel } from './http-gateway.channel.js';
import { LogChannel } from './log.channel.js';
import { WhatsAppCloudChannel } from './whatsapp-cloud.channel.js';

export {
  ChannelError,
  type NotificationChannelPlugin,
  type OutgoingMessage,
  type SendResult,
} from './channel.js';
export { verifyHubSignature, SERVICE_WINDOW_MS } from './whatsapp-cloud.channel.js';
export { fillTemplate } from './http-gateway.channel.js';
export { sanitizeProviderResponse, providerErrorSummary } from './provider-response.js';

/** Parses a channel's stored settings and opened secrets, per type (throws a ZodError when invalid). */
export function parseChannelConfig(type: ChannelType, settings: unknown, secrets: unknown) {
  switch (type) {
    case 'whatsapp_cloud':
      return {
        type,
        settings: WhatsAppCloudSettings.parse(settings),
        secrets: WhatsAppCloudSecrets.parse(secrets),
      } as const;
    case 'http_gateway':
      return {
        type,
        settings: HttpGatewaySettings.parse(settings),
        secrets: HttpGatewaySecrets.parse(secrets ?? { headers: {} }),
      } as const;
    case 'log':
      return { type, settings: LogSettings.parse(settings ?? {}), secrets: {} } as const;
    default: {
      const unreachable: never = type;
      throw new Error(`unknown channel type ${String(unreachable)}`);
    }
  }
}

export type ParsedChannelConfig = ReturnType<typeof parseChannelConfig>;

/** Builds the plugin for a channel; `fetchImpl` lets tests observe or replace the network. */
export function createChannelPlugin(
  config: ParsedChannelConfig,
  deps: { log: Logger; fetchImpl?: typeof fetch },
): NotificationChannelPlugin {
  switch (config.type) {
    case 'whatsapp_cloud':
      return new WhatsAppCloudChannel(config.settings, config.secrets.accessToken, deps.fetchImpl);
    case 'http_gateway':
      return new HttpGatewayChannel(config.settings, config.secrets.headers, deps.fetchImpl);
    case 'log':
      return new LogChannel(deps.log, config.settings.ratePerSecond);
    default: {
      const unreachable: never = config;
      throw new Error(`unknown channel ${JSON.stringify(unreachable)}`);
    }
  }
}

/** What the API may say about a channel's secrets: which are set, never their values. */
export function secretFlags(config: ParsedChannelConfig): Record<string, boolean | string[]> {
  switch (config.type) {
    case 'whatsapp_cloud':
      return {
        hasAccessToken: Boolean(config.secrets.accessToken),
        hasAppSecret: Boolean(config.secrets.appSecret),
        hasVerifyToken: Boolean(config.secrets.verifyToken),
      };
    case 'http_gateway':
      return {
        hasHeaders: Object.keys(config.secrets.headers).length > 0,
        headerNames: Object.keys(config.secrets.headers),
      };
    case 'log':
      return {};
    default: {
      const unreachable: never = config;
      throw new Error(`unknown channel ${JSON.stringify(unreachable)}`);
    }
  }
}
