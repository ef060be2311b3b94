// The role permission a Marketo REST path needs, so that a 603 (Access denied) can name what to
// grant. Adobe lists the permission of every endpoint in its API reference
// (https://developer.adobe.com/marketo-apis/api/mapi/) and explains roles for API-only users in
// https://experienceleague.adobe.com/docs/marketo/using/product-docs/administration/users-and-roles/create-an-api-only-user-role.html.
// A "Read-Write" permission also grants the matching reads.

/** Path prefixes (after the host) and the object whose permission they need, most specific first. */
const OBJECT_OF_PATH: Array<[RegExp, string]> = [
  [/^\/(rest|bulk)\/v1\/activities[/.]/, 'Activity'],
  [/^\/(rest|bulk)\/v1\/leads[/.]/, 'Lead'],
  [/^\/(rest|bulk)\/v1\/programs?\/(\d+\/)?members[/.]/, 'Lead'], // Describe / Get / bulk extract of Program Members (Program Members)
  [/^\/rest\/v1\/companies[/.]/, 'Company'],
  [/^\/(rest|bulk)\/v1\/customobjects[/.]/, 'Custom Object'],
  [/^\/rest\/v1\/opportunities[/.]/, 'Opportunity'],
  [/^\/rest\/asset\//, 'Assets'],
];

/** Paths whose POST only reads (Marketo's POST forms of a read); every other POST writes. */
const READS_BY_POST = /\/(export\/|pagingtoken)/;

/**
 * The permission to grant for a call Marketo answered with 603, e.g. "Read-Only Activity", or
 * undefined for a path we do not know. `method` is the logical method (a GET sent as POST with
 * `_method=GET` is still a read).
 */
export function permissionFor(method: 'GET' | 'POST', path: string): string | undefined {
  const object = OBJECT_OF_PATH.find(([pattern]) => pattern.test(path))?.[1];
  if (!object) return undefined;
  const writes = method === 'POST' && !READS_BY_POST.test(path);
  return `${writes ? 'Read-Write' : 'Read-Only'} ${object}`;
}
