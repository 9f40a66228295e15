import { z } from 'zod';
import { Email, Password, RoleName } from './auth.js';
import { Id, IsoDateTime } from './common.js';

/**
 * Invitations (security issue 9, item 12): an organization adds a person only with their acceptance.
 * Creating one answers the same whether the email has an account or not; the token is shown once, kept
 * only as a hash, expires, and works once.
 */
export const InvitationCreate = z.object({
  email: Email,
  role: RoleName,
  employeeId: Id.nullable().optional().describe('The employee record this person will be linked to'),
});
export type InvitationCreate = z.infer<typeof InvitationCreate>;

export const Invitation = z.object({
  id: Id,
  email: z.string(),
  role: RoleName,
  employeeId: Id.nullable(),
  invitedBy: z.string().nullable().describe('Name of the user who invited'),
  createdAt: IsoDateTime,
  expiresAt: IsoDateTime,
});
export type Invitation = z.infer<typeof Invitation>;
export const InvitationList = z.object({ items: z.array(Invitation) });
export type InvitationList = z.infer<typeof InvitationList>;

export const InvitationCreated = z.object({
  invitation: Invitation,
  token: z.string().describe('Shown once: hand it (or acceptPath) to the invited person'),
  acceptPath: z.string().describe('Path of the web page that accepts it: /invite#<token>'),
});
export type InvitationCreated = z.infer<typeof InvitationCreated>;

/** The token travels in bodies only, never in a URL the server logs. */
export const InvitationToken = z.object({ token: z.string().min(20).max(200) });
export const InvitationPreview = z.object({
  organizationName: z.string(),
  email: z.string(),
  role: RoleName,
  expiresAt: IsoDateTime,
});
export type InvitationPreview = z.infer<typeof InvitationPreview>;

export const InvitationRegister = InvitationToken.extend({
  name: z.string().trim().min(1).max(120),
  password: Password,
});
export type InvitationRegister = z.infer<typeof InvitationRegister>;

export const InvitationAccepted = z.object({ organizationId: Id, userId: Id, role: RoleName });
export type InvitationAccepted = z.infer<typeof InvitationAccepted>;
