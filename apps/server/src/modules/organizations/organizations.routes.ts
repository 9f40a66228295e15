import { z } from 'zod';
import {
  Area,
  AreaCreate,
  Department,
  DepartmentCreate,
  Id,
  OkBody,
  Organization,
  OrganizationCreate,
  OrganizationSettingsUpdate,
  Position,
  PositionCreate,
  Site,
  SiteCreate,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from '../auth/index.js';
import type { OrganizationsService } from './organizations.service.js';

export function registerOrganizationRoutes(
  app: HttpApp,
  _ctx: ServerContext,
  orgs: OrganizationsService,
): void {
  app.get(
    '/api/organization',
    {
      config: { auth: 'org' },
      schema: {
        tags: ['organization'],
        summary: 'The active organization and its settings',
        response: { 200: Organization },
      },
    },
    async (req) => orgs.get(orgOf(req)),
  );
  app.patch(
    '/api/organization',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags: ['organization'],
        summary: 'Update organization name and settings',
        body: z.object({
          name: z.string().trim().min(2).max(120).optional(),
          settings: OrganizationSettingsUpdate.optional(),
        }),
        response: { 200: Organization },
      },
    },
    async (req) => orgs.updateSettings(authOf(req), orgOf(req), req.body.settings ?? {}, req.body.name),
  );
  app.post(
    '/api/organizations',
    {
      config: { auth: 'user', sessionOnly: true },
      schema: {
        tags: ['organization'],
        summary: 'Create another organization (you become its admin); operators only',
        body: OrganizationCreate,
        response: { 201: Organization },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await orgs.create(authOf(req), req.body.name, req.body.settings ?? {})),
  );

  const catalogs = [
    { table: 'departments', item: Department, create: DepartmentCreate },
    { table: 'positions', item: Position, create: PositionCreate },
    { table: 'sites', item: Site, create: SiteCreate },
    { table: 'areas', item: Area, create: AreaCreate },
  ] as const;
  for (const c of catalogs) {
    app.get(
      `/api/${c.table}`,
      {
        config: { auth: 'org' },
        schema: { tags: ['organization'], summary: `List ${c.table}`, response: { 200: z.array(c.item) } },
      },
      async (req) => orgs.list(c.table, orgOf(req)),
    );
    app.post(
      `/api/${c.table}`,
      {
        config: { auth: 'settings:manage' },
        schema: {
          tags: ['organization'],
          summary: `Create ${aOrAn(c.table)} ${c.table.slice(0, -1)}`,
          body: c.create,
          response: { 201: z.object({ id: Id }) },
        },
      },
      async (req, reply) =>
        reply.code(201).send({ id: await orgs.createCatalog(authOf(req), c.table, orgOf(req), req.body) }),
    );
    app.patch(
      `/api/${c.table}/:id`,
      {
        config: { auth: 'settings:manage' },
        schema: {
          tags: ['organization'],
          summary: `Rename ${aOrAn(c.table)} ${c.table.slice(0, -1)}`,
          params: z.object({ id: Id }),
          body: z.object({ name: z.string().trim().min(1).max(120) }),
          response: { 200: OkBody },
        },
      },
      async (req) => {
        await orgs.renameCatalog(authOf(req), c.table, orgOf(req), req.params.id, req.body.name);
        return { ok: true as const };
      },
    );
    app.delete(
      `/api/${c.table}/:id`,
      {
        config: { auth: 'settings:manage' },
        schema: {
          tags: ['organization'],
          summary: `Delete ${aOrAn(c.table)} ${c.table.slice(0, -1)}`,
          params: z.object({ id: Id }),
          response: { 200: OkBody },
        },
      },
      async (req) => {
        await orgs.deleteCatalog(authOf(req), c.table, orgOf(req), req.params.id);
        return { ok: true as const };
      },
    );
  }
}

/** "an area", "a department": the article the API reference needs before a catalog's name. */
function aOrAn(word: string): 'a' | 'an' {
  return /^[aeio]/i.test(word) ? 'an' : 'a';
}
