import type { HardwareProfile } from './schema.ts';
import { boardsIssues } from './boardChecks.ts';
import { fridgePins, fridgesIssues } from './fridgeChecks.ts';

/** A problem found by a cross-field check: a dotted field path and what is wrong. */
export interface ProfileIssue {
  path: string;
  message: string;
}

export type ProfileCheck = (profile: HardwareProfile) => ProfileIssue[];

/** Every GPIO the profile occupies, with the field path that claims it. */
export function claimedPins(profile: HardwareProfile): Array<{ path: string; bcm: number }> {
  const pins = [
    { path: 'door.strike.bcm', bcm: profile.door.strike.bcm },
    { path: 'door.contact.bcm', bcm: profile.door.contact.bcm },
    { path: 'door.exitButton.bcm', bcm: profile.door.exitButton.bcm },
    { path: 'fireAlarm.bcm', bcm: profile.fireAlarm.bcm },
    { path: 'siren.bcm', bcm: profile.siren.bcm },
  ];
  if (profile.temperature) pins.push({ path: 'temperature.busBcm', bcm: profile.temperature.busBcm });
  pins.push(...fridgePins(profile.fridges));
  return pins;
}

const uniquePins: ProfileCheck = (profile) => {
  const seen = new Map<number, string>();
  const issues: ProfileIssue[] = [];
  for (const { path, bcm } of claimedPins(profile)) {
    const first = seen.get(bcm);
    if (first) issues.push({ path, message: `GPIO ${bcm} is already used by ${first.replace(/\.(gpio\.bcm|bcm|busBcm)$/, '')}` });
    else seen.set(bcm, path);
  }
  return issues;
};

const uniqueProbes: ProfileCheck = (profile) => {
  const issues: ProfileIssue[] = [];
  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  (profile.temperature?.probes ?? []).forEach((probe, i) => {
    const sameId = ids.get(probe.id);
    if (sameId !== undefined) issues.push({ path: `temperature.probes[${i}].id`, message: `duplicate of temperature.probes[${sameId}].id (${probe.id})` });
    else ids.set(probe.id, i);
    const sameName = names.get(probe.name);
    if (sameName !== undefined)
      issues.push({ path: `temperature.probes[${i}].name`, message: `duplicate of temperature.probes[${sameName}].name (${probe.name})` });
    else names.set(probe.name, i);
  });
  return issues;
};

const boardRules: ProfileCheck = (profile) => boardsIssues(profile.boards);

const fridgeRules: ProfileCheck = (profile) =>
  profile.fridges ? fridgesIssues({ fridges: profile.fridges, onewireIds: (profile.temperature?.probes ?? []).map((p) => p.id), boards: profile.boards }) : [];

/** Cross-field checks run after the schema passed. */
export const PROFILE_CHECKS: readonly ProfileCheck[] = [uniquePins, uniqueProbes, boardRules, fridgeRules];
