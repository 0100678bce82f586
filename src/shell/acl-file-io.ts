/**
 * The `aclfile` on disk (config/acl-file.ts reads and writes the text): read at start and by
 * ACL LOAD, written by ACL SAVE through a temp file renamed over it (acl.c: ACLSaveToFile). A
 * relative path is taken from the working directory, the final `dir`, as redis-sentinel does.
 */
import { readFileSync, renameSync, unlinkSync } from "node:fs";
import type { Acl } from "../commands/acl.js";
import type { AclFileAccess } from "../commands/context.js";
import { aclFileText, parseAclFile } from "../config/acl-file.js";
import { strerror } from "../config/load-config.js";
import { writeNew } from "./config-store.js";

/** Loads the file into `acl`; null, or the errors as Redis words them (nothing changed). */
export function loadAclFile(acl: Acl, file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return `Error loading ACLs, opening file '${file}': ${strerror(err)}`;
  }
  const parsed = parseAclFile(text, file);
  if (parsed.kind === "error") return parsed.errors;
  acl.replaceUsers(parsed.users);
  return null;
}

function saveAclFile(acl: Acl, file: string, warn: (m: string) => void): boolean {
  const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeNew(temp, aclFileText(acl), 0o644);
    renameSync(temp, file);
    return true;
  } catch (err) {
    warn(`Writing ACL file for ACL SAVE: ${strerror(err)}`);
    try {
      unlinkSync(temp);
    } catch {
      // Nothing was left behind.
    }
    return false;
  }
}

/** ACL LOAD / SAVE for the server's services. */
export function aclFileAccess(
  file: string,
  warn: (m: string) => void,
): (acl: Acl) => AclFileAccess {
  return (acl) => ({
    load: () => loadAclFile(acl, file),
    save: () => saveAclFile(acl, file, warn),
  });
}
