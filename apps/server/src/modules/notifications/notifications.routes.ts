import fs from 'node:fs';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ChannelTestRequest,
  ChannelTestResult,
  Id,
  Notification,
  NotificationChannel,
  NotificationChannelCreate,
  NotificationChannelUpdate,
  NotificationListQuery,
  NotificationPage,
  NotificationSettings,
  NotificationSettingsUpdate,
  OkBody,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from '../auth/index.js';
import type { NotificationsService } from './notifications.service.js';

export function registerNotificationRoutes(
  app: HttpApp,
  _ctx: ServerContext,
  notifications: NotificationsService,
): void {
  const tags = ['notifications'];

  app.get(
    '/api/notification-channels',
    {
      // Managers see which channels exist (never their secrets); admins manage them.
      config: { auth: 'alert:view' },
      schema: {
        tags,
        summary: 'Notification channels (secrets shown as has* flags only)',
        response: { 200: z.array(NotificationChannel) },
      },
    },
    async (req) => notifications.listChannels(orgOf(req)),
  );
  app.post(
    '/api/notification-channels',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags,
        summary: 'Add a notification channel',
        body: NotificationChannelCreate,
        response: { 201: NotificationChannel },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await notifications.createChannel(authOf(req), orgOf(req), req.body)),
  );
  app.patch(
    '/api/notification-channels/:id',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags,
        summary: 'Change a channel (omitted secrets are kept, null removes one)',
        params: z.object({ id: Id }),
        body: NotificationChannelUpdate,
        response: { 200: NotificationChannel },
      },
    },
    async (req) => notifications.updateChannel(authOf(req), orgOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/notification-channels/:id',
    {
      config: { auth: 'settings:manage' },
      schema: { tags, summary: 'Delete a channel', params: z.object({ id: Id }), response: { 200: OkBody } },
    },
    async (req) => {
      await notifications.deleteChannel(authOf(req), orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/notification-channels/:id/test',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags,
        summary: 'Send a test message now and return what the provider answered',
        params: z.object({ id: Id }),
        body: ChannelTestRequest,
        response: { 200: ChannelTestResult },
      },
    },
    async (req) => notifications.testChannel(authOf(req), orgOf(req), req.params.id, req.body),
  );

  app.get(
    '/api/notifications',
    {
      config: { auth: 'alert:view' },
      schema: {
        tags,
        summary:
          'The outbox: messages with delivery status and provider errors (managers: about their team’s alerts only)',
        querystring: NotificationListQuery,
        response: { 200: NotificationPage },
      },
    },
    async (req) => notifications.list(authOf(req), orgOf(req), req.query),
  );
  app.post(
    '/api/notifications/:id/retry',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags,
        summary: 'Send a failed notification again',
        params: z.object({ id: Id }),
        response: { 200: Notification },
      },
    },
    async (req) => notifications.retry(authOf(req), orgOf(req), req.params.id),
  );

  app.get(
    '/api/notification-settings',
    {
      config: { auth: 'alert:view' },
      schema: {
        tags,
        summary: 'Quiet hours, cooldown, HR recipients, attempts',
        response: { 200: NotificationSettings },
      },
    },
    async (req) => notifications.getSettings(orgOf(req)),
  );
  app.patch(
    '/api/notification-settings',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags,
        summary: 'Change notification settings',
        body: NotificationSettingsUpdate,
        response: { 200: NotificationSettings },
      },
    },
    async (req) => notifications.updateSettings(authOf(req), orgOf(req), req.body),
  );

  app.get(
    '/api/notification-documents/:id',
    {
      // Public by design: providers and gateways fetch the PDF by a signed, expiring link.
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'A report PDF behind a signed link (for link-mode channels)',
        params: z.object({ id: Id }),
        querystring: z.object({ expires: z.coerce.number().int(), sig: z.string().min(10).max(200) }),
      },
    },
    async (req, reply) => {
      const doc = await notifications.openDocument(req.params.id, req.query.expires, req.query.sig);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${doc.fileName.replace(/[^\w.-]/g, '_')}"`)
        .send(fs.createReadStream(doc.file));
    },
  );
}

/** WhatsApp Cloud API webhooks: public, verified by the verify token (GET) and signature (POST). */
export async function registerWhatsAppWebhookRoutes(
  app: HttpApp,
  notifications: NotificationsService,
): Promise<void> {
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // The signature covers the RAW bytes, so this scope keeps JSON bodies as Buffers.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
    scope.get(
      '/api/webhooks/whatsapp/:channelId',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['notifications'],
          summary: 'Webhook verification handshake',
          params: z.object({ channelId: Id }),
          querystring: z.object({
            'hub.mode': z.string().default(''),
            'hub.verify_token': z.string().default(''),
            'hub.challenge': z.string().max(1000).default(''),
          }),
        },
      },
      async (req, reply) => {
        const q = req.query;
        const challenge = await notifications.verifyWebhookSubscription(
          req.params.channelId,
          q['hub.mode'],
          q['hub.verify_token'],
          q['hub.challenge'],
        );
        return reply.type('text/plain').send(challenge);
      },
    );
    scope.post(
      '/api/webhooks/whatsapp/:channelId',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['notifications'],
          summary: 'Delivery status and inbound message webhook (X-Hub-Signature-256 verified)',
          params: z.object({ channelId: Id }),
        },
      },
      async (req) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.from('');
        const sig = req.headers['x-hub-signature-256'];
        return notifications.handleWebhook(
          req.params.channelId,
          raw,
          typeof sig === 'string' ? sig : undefined,
        );
      },
    );
  });
}
