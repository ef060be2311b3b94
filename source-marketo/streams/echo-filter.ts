import { Activity } from '../../marketo/endpoints';

/**
 * Attributes in which Marketo names the API user behind a lead change. Real instances are seen to
 * write "Modifying User" (with "Api Method Name") on Change Data Value activities made through the
 * REST API; the other spellings are accepted because Marketo does not document them.
 */
const API_USER_ATTRIBUTES = new Set(['modifying user', 'api user', 'modifying api user']);

/**
 * Whether a lead change was made through the API by one of `ignoredUsers` (lower-case), so that a
 * two-way setup does not read its own writes back. An activity that names no user is kept: the
 * destination's write-only-changes rule then stops the loop on the next write.
 */
export function madeByIgnoredApiUser(activity: Activity, ignoredUsers: string[]): boolean {
  if (ignoredUsers.length === 0 || !activity.attributes) return false;
  for (const attribute of activity.attributes) {
    if (!API_USER_ATTRIBUTES.has(attribute.name.toLowerCase())) continue;
    if (typeof attribute.value === 'string' && ignoredUsers.includes(attribute.value.trim().toLowerCase())) return true;
  }
  return false;
}
