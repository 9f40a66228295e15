// Where a channel sends, under the outbound-target policy (docs/SECURITY.md): checked when it is saved
// and again on every connection (guardedFetch); a changed destination needs its secret given again; and
// what a provider answered is reduced to a short summary before a user sees it.
import { badRequest } from '../../platform/http/errors.js';
import { OutboundRefused, resolveAllowed, type AddressPolicy } from '../../platform/net/outbound-policy.js';
import { fillTemplate, type ParsedChannelConfig } from './channels/index.js';

/** The URL a channel connects to (placeholders filled with `fill`), or null for channels that do not. */
export function channelDestination(config: ParsedChannelConfig, fill = '0'): URL | null {
  switch (config.type) {
    case 'whatsapp_cloud':
      return new URL(config.settings.baseUrl);
    case 'http_gateway':
      return new URL(
        fillTemplate(config.settings.url, { to: fill, text: fill, document_url: fill }, encodeURIComponent),
      );
    case 'log':
      return null;
    default: {
      const unreachable: never = config;
      throw new Error(`unknown channel ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Scheme, host and port: what a secret is bound to. */
function origin(url: URL | null): string | null {
  return url === null ? null : `${url.protocol}//${url.host}`;
}

/**
 * Save-time check: http(s) only, the host is not built from message placeholders, and every address the
 * host resolves to is allowed for channels. A name that does not resolve now is accepted (checked again
 * at every send). Throws a 400.
 */
export async function checkChannelDestination(
  policy: AddressPolicy,
  config: ParsedChannelConfig,
): Promise<void> {
  let url: URL | null;
  let other: URL | null;
  try {
    url = channelDestination(config, '0');
    other = channelDestination(config, 'x.example');
  } catch {
    throw badRequest('invalid_channel_destination', 'The channel URL is not a valid URL');
  }
  if (url === null) return;
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badRequest('invalid_channel_destination', 'The channel URL must be http:// or https://');
  if (origin(url) !== origin(other))
    throw badRequest(
      'invalid_channel_destination',
      'The host of the channel URL may not contain {{to}}, {{text}} or {{document_url}}',
    );
  if (url.username !== '' || url.password !== '')
    throw badRequest('invalid_channel_destination', 'Put credentials in the channel secrets, not in the URL');
  try {
    await resolveAllowed(policy, url.hostname, 'channel');
  } catch (error) {
    if (!(error instanceof OutboundRefused)) throw error;
    if (!error.unresolved)
      throw badRequest('invalid_channel_destination', `The channel URL is not allowed: ${error.message}`);
  }
}

/** Secrets that are sent to the destination (and so must not follow it to a new host silently). */
function destinationSecrets(config: ParsedChannelConfig): string[] {
  switch (config.type) {
    case 'whatsapp_cloud':
      return ['accessToken'];
    case 'http_gateway':
      return Object.keys(config.secrets.headers).length > 0 ? ['headers'] : [];
    case 'log':
      return [];
    default: {
      const unreachable: never = config;
      throw new Error(`unknown channel ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Changing where a channel sends (scheme, host or port) requires its secrets to be given again in the
 * same request: a stored token never follows a new destination on its own (issue 9 #8). Throws a 400.
 */
export function requireSecretsForNewDestination(
  before: ParsedChannelConfig,
  after: ParsedChannelConfig,
  givenSecrets: Record<string, unknown> | undefined,
): void {
  if (origin(safeDestination(before)) === origin(safeDestination(after))) return;
  const missing = destinationSecrets(before).filter((k) => givenSecrets?.[k] === undefined);
  if (missing.length > 0)
    throw badRequest(
      'secret_required',
      `The channel now sends to a different host: give ${missing.join(' and ')} again (stored secrets never follow a new destination)`,
      missing.map((k) => ({ path: `secrets.${k}`, message: 'required when the host changes' })),
    );
}

function safeDestination(config: ParsedChannelConfig): URL | null {
  try {
    return channelDestination(config);
  } catch {
    return null;
  }
}
