// Reading a center's profile and rules off the wire (docs/protocol.md, "Center rules"): the
// tablet follows only rules it can read, so a registry fault can never switch proxy pickup on,
// or make personal details stay for ever, by a missing or wrong field.
import { CENTER_RULE_LIMITS, type CenterProfile, type CenterRules } from '../protocol/protocol.ts';

const MAX_CENTER_NAME_LENGTH = 200;

function isIntegerWithin(value: unknown, { min, max }: { min: number; max: number }) {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function isCenterRules(value: unknown): value is CenterRules {
  if (typeof value !== 'object' || value === null) return false;
  const rules = value as Record<string, unknown>;
  return (
    typeof rules.proxyPickupAllowed === 'boolean' &&
    isIntegerWithin(rules.idleLockMinutes, CENTER_RULE_LIMITS.idleLockMinutes) &&
    isIntegerWithin(rules.detailsRetentionDays, CENTER_RULE_LIMITS.detailsRetentionDays)
  );
}

export function isCenterProfile(value: unknown): value is CenterProfile {
  if (typeof value !== 'object' || value === null) return false;
  const profile = value as Record<string, unknown>;
  return (
    typeof profile.centerId === 'string' &&
    profile.centerId !== '' &&
    typeof profile.name === 'string' &&
    profile.name.length <= MAX_CENTER_NAME_LENGTH &&
    isCenterRules(profile.rules)
  );
}

/** Only the members of CenterRules, so nothing else a registry sends is stored. */
export function pickCenterRules(rules: CenterRules): CenterRules {
  return {
    proxyPickupAllowed: rules.proxyPickupAllowed,
    idleLockMinutes: rules.idleLockMinutes,
    detailsRetentionDays: rules.detailsRetentionDays,
  };
}
