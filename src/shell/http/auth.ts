/**
 * The HTTP endpoint's password check (docs/COMPATIBILITY.md, "HTTP endpoint"): with
 * `requirepass` set, a request carries the default user's password as HTTP Basic (any user
 * name; `default` is the usual one) or as `Authorization: Bearer <password>`.
 */
export type PasswordCheck = (password: string) => boolean;

/** The password an Authorization header carries, or null. */
export function passwordOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const space = header.indexOf(" ");
  if (space === -1) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === "bearer") return value;
  if (scheme !== "basic") return null;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? null : decoded.slice(colon + 1);
}

export function authorized(header: string | undefined, check: PasswordCheck): boolean {
  const password = passwordOf(header);
  return password !== null && check(password);
}
