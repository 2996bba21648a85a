// Withholding sensitive property values (gateway/roles.ts). Every sensitive property of the type
// is listed and nulled, whether or not this object has a value, so neither the value nor its
// presence leaks.

export interface Redacted {
  readonly properties: Record<string, unknown>;
  readonly redacted: readonly string[];
}

export function redactProperties(properties: Record<string, unknown>, sensitiveNames: readonly string[], canReadSensitive: boolean): Redacted {
  if (canReadSensitive || sensitiveNames.length === 0) return { properties, redacted: [] };
  const shown: Record<string, unknown> = { ...properties };
  for (const name of sensitiveNames) shown[name] = null;
  return { properties: shown, redacted: sensitiveNames };
}
