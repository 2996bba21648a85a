// Who may read what. Roles come from the token's `roles` claim; every role includes the
// viewer's reads. The two decisions (also in the schema's descriptions and gateway/README.md):
// * sensitive property values (object_properties.sensitive, link property_defs) are shown to
//   operator and admin only; everyone else gets null plus the property's name in `redacted`,
//   and may not filter or order on them (a filter is an oracle for the value);
// * governance records (proposals, approvals, audit events, chain verification) are for
//   operator, approver and admin: approvers must see what they approve, operators run actions;
// * proposing an action is for operator and admin.

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export const SENSITIVE_READERS: readonly Role[] = ['operator', 'admin'];
export const GOVERNANCE_READERS: readonly Role[] = ['operator', 'approver', 'admin'];
/** Who may propose an action (agents use operator tokens): the `propose` mutation's @requiresRole and the MCP `propose_action` tool. */
export const PROPOSERS: readonly Role[] = ['operator', 'admin'];

export function hasAnyRole(roles: readonly Role[], allowed: readonly Role[]): boolean {
  return roles.some((role) => allowed.includes(role));
}

export function canReadSensitive(roles: readonly Role[]): boolean {
  return hasAnyRole(roles, SENSITIVE_READERS);
}
